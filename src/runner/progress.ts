import type { Logger } from '../logger.js'
import type { GateCheck } from '../record.js'

/** A wait says where it is at least this often, so a long bake never looks hung. */
export const PROGRESS_EVERY_MS = 30_000
const FEW_WORDS = 60

/**
 * The progress of one wait in the log: a line at every change of a gate's status and at least
 * every PROGRESS_EVERY_MS, with the time spent and left and each gate's latest verdict.
 */
export class ProgressLog {
  private lastLineAt: number
  private changed = false

  constructor(
    private readonly log: Logger,
    private readonly label: string,
    private readonly begun: number,
    /** When the wait ends (the bake's end) or must end (its deadline), if known. */
    private readonly endsAt: number | undefined
  ) {
    this.lastLineAt = begun
  }

  get nextAt(): number {
    return this.lastLineAt + PROGRESS_EVERY_MS
  }

  /** A verdict came in; a new status is worth a line (written by the next heartbeat). */
  verdict(previous: GateCheck | undefined, check: GateCheck): void {
    if (previous?.status !== check.status) this.changed = true
  }

  /** Called before the wait sleeps: writes a line when a status changed or one is due. */
  heartbeat(now: number, latest: ReadonlyMap<string, GateCheck>): void {
    if (!this.changed && now < this.nextAt) return
    this.changed = false
    this.lastLineAt = now
    const left = this.endsAt === undefined ? undefined : this.endsAt - now
    this.log.info(progressLine(this.label, now - this.begun, left, latest))
  }
}

/** "Baking at 25% green: 40s elapsed, 20s left; alarm pass (2/2 alarms OK)". */
export function progressLine(
  label: string,
  elapsedMs: number,
  leftMs: number | undefined,
  latest: ReadonlyMap<string, GateCheck>
): string {
  const time = [`${seconds(elapsedMs)} elapsed`]
  if (leftMs !== undefined) time.push(`${seconds(Math.max(0, leftMs))} left`)
  const gates = [...latest.values()].map(
    (check) => `${check.gate} ${check.status} (${few(check.detail)})`
  )
  return [`${label}: ${time.join(', ')}`, ...gates].join('; ')
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`
}

/** The start of a detail on one line: gate details carry text from the network. */
function few(detail: string): string {
  const line = detail.replace(/\s+/g, ' ').trim()
  return line.length <= FEW_WORDS ? line : `${line.slice(0, FEW_WORDS - 1)}…`
}
