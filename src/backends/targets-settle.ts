import type { Clock } from '../clock.js'
import { SettleError } from '../errors.js'
import type { Logger } from '../logger.js'
import { keyOf, listed, show, type TargetsNative } from './targets-native.js'

/** How long past the deregistration delay settle() still waits for a target AWS shows draining. */
export const DRAINING_MARGIN_MS = 30_000
const DRAINING_FIRST_POLL_MS = 250
const DRAINING_MAX_POLL_MS = 5000

/**
 * Polls until none of the targets this run deregistered is draining. AWS ends draining by the
 * deregistration delay at the latest, so the wait ends at the last deregistration + the delay +
 * a margin; a target still draining then is named in a SettleError (the run fails and no traffic
 * moves). Polls back off to 5 s; the signal (cancellation) ends the wait.
 */
export async function waitForDrain(options: {
  deregisteredAt: ReadonlyMap<string, number>
  delaySeconds: number
  read: () => Promise<TargetsNative>
  clock: Clock
  logger: Logger
  signal?: AbortSignal
}): Promise<void> {
  const { deregisteredAt, delaySeconds, clock, logger } = options
  const lastDeregistered = Math.max(...deregisteredAt.values())
  const deadline = lastDeregistered + delaySeconds * 1000 + DRAINING_MARGIN_MS
  let pause = DRAINING_FIRST_POLL_MS
  let shown: number | undefined
  for (;;) {
    const live = await options.read()
    const draining = live.registrations
      .filter((r) => r.state === 'draining' && deregisteredAt.has(keyOf(r)))
      .map((r) => show(live, r))
    const now = clock.now()
    if (draining.length === 0) {
      if (shown !== undefined) {
        logger.info(
          `Draining finished ${seconds(now - lastDeregistered)} after the last deregistration`
        )
      }
      return
    }
    if (now >= deadline) {
      throw new SettleError(
        `${draining.length} deregistered targets still draining ` +
          `${seconds(now - lastDeregistered)} after the last deregistration, beyond the ` +
          `deregistration delay (${delaySeconds}s) and a ${seconds(DRAINING_MARGIN_MS)} ` +
          `margin: ${listed(draining)}`
      )
    }
    if (shown === undefined) {
      logger.info(
        `Waiting for ${draining.length} deregistered targets to finish draining ` +
          `(deregistration delay ${delaySeconds}s; at most ${seconds(deadline - now)} more): ` +
          listed(draining)
      )
    } else if (draining.length < shown) {
      logger.info(`Still draining: ${listed(draining)}`)
    }
    shown = draining.length
    await clock.sleep(Math.min(pause, deadline - now), options.signal)
    pause = Math.min(pause * 2, DRAINING_MAX_POLL_MS)
  }
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 && ms >= 60_000 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`
}
