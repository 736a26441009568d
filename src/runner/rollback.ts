import type { LiveState, Plan } from '../backends/backend.js'
import {
  BlueNotReadyError,
  CancelledError,
  describeError,
  GateFailedError,
  OutOfBandChangeError,
  RollbackDeadlineError,
  SettleError
} from '../errors.js'
import type { EventKind } from '../record.js'
import { Split } from '../split.js'
import { type Deadline, isRetryable, persist } from './persist.js'
import { applyRollback, type Retry } from './rollback-apply.js'
import { event, finish, readQuietly, type RunState } from './state.js'

/**
 * A cancelled run's whole rollback (read, write, verify) must end within the runner's 7.5 s
 * SIGINT→SIGTERM grace with room to report and exit; what it cannot finish, the post step does.
 */
export const CANCEL_ROLLBACK_BUDGET_MS = 6000

/** How long a failed rollback may look at AWS to report where it left traffic. */
const LAST_LOOK_MS = 10_000

/** Long enough to outlast a regional API blip; a post step after a cancel has 5 minutes. */
export const DEFAULT_ROLLBACK_TIMEOUT_MS = 240_000

/**
 * Records why the run stopped, then rolls back when that is safe: only our own writes are
 * undone, never toward green, never onto a blue that cannot take traffic, and never after an
 * outside change, a settle failure (the shift itself passed) or when nothing was written.
 */
export async function handleFailure(state: RunState, error: unknown): Promise<void> {
  const { record, settings } = state
  const reason = describeError(error)
  record.failure = reason
  if (error instanceof GateFailedError) {
    record.failedGate = {
      gate: error.gate,
      status: 'fail',
      detail: error.detail,
      at: state.clock.now()
    }
  }
  event(state, causeOf(error), reason)
  state.log.error(reason)

  const { start } = state
  if (error instanceof OutOfBandChangeError || !start || !state.wrote) {
    return finish(state, 'failed', await readQuietly(state))
  }
  if (error instanceof SettleError) {
    // Every bake passed: the shift is done and stays; what is still draining is named.
    return finish(state, 'failed', await readQuietly(state))
  }
  if (settings.dryRun) return finish(state, 'failed', start)
  if (state.towardBlue && settings.rollbackTo === 'start' && state.movedTraffic) {
    // Going back to the start would move traffic toward the green being drained: stay put.
    const live = await readQuietly(state)
    record.failure = `${reason}. Stopped while moving toward blue, at ${live?.detail ?? 'a split that could not be read'}; traffic was not moved back toward green`
    return finish(state, 'failed', live)
  }

  // One deadline over the whole rollback (read, blue's health, writes, verify): a cancelled run
  // has the runner's grace, any other the rollback-timeout, to outlast AWS trouble.
  const cancelled = error instanceof CancelledError
  const budgetMs = cancelled
    ? CANCEL_ROLLBACK_BUDGET_MS
    : (settings.rollbackTimeoutMs ?? DEFAULT_ROLLBACK_TIMEOUT_MS)
  const deadline: Deadline = { at: state.clock.now() + budgetMs, budgetMs }
  const retry: Retry = (what, call, within = deadline) =>
    persist(what, call, {
      clock: state.clock,
      deadline: within,
      // A log line, not an annotation: a long outage would bury the run's one real annotation.
      onRetry: (message) => state.log.info(message)
    })
  let plan: Plan | undefined
  try {
    const live = await retry('read the live state', (signal) => state.backend.read(signal))
    if (!(await isOurs(state, live, retry))) {
      const change = new OutOfBandChangeError(state.lastVerified!.detail, live.detail)
      record.failure = `${reason}. ${change.message}`
      event(state, 'out-of-band', record.failure, live.split.percent)
      return finish(state, 'failed', live)
    }
    plan = rollbackPlan(state, start, live)
    if (plan.to.permille > live.split.permille) {
      // Never move traffic toward the green that just failed.
      record.failure = `${reason}. rollback-to ${plan.to} is above the live split, so traffic was left at ${live.detail}`
      return finish(state, 'failed', live)
    }
    if (plan.to.permille < live.split.permille) await checkBlue(state, live, deadline, retry)
    state.log.warning(
      `Rolling back to ${plan.to} (${plan.phases.at(-1)?.expect.detail ?? live.detail})`
    )
    const restored = await applyRollback(state, plan, live, deadline, retry)
    finish(state, 'rolled-back', restored)
  } catch (rollbackError) {
    if (cancelled && rollbackError instanceof RollbackDeadlineError) {
      // No time left to read: say what is unfinished; the post step finishes it.
      state.handedOff = rollbackError.what
      record.failure = `${reason}. The rollback to ${plan?.to ?? 'the start'} did not finish within the cancel grace: ${describeError(rollbackError)}. The post step finishes it`
      event(state, 'rollback-failed', record.failure)
      state.log.error(record.failure)
      return finish(state, 'failed', undefined)
    }
    // The deadline has passed: one short look at AWS, so the report says where traffic is.
    const now = await retry('read the live state', (signal) => state.backend.read(signal), {
      at: state.clock.now() + LAST_LOOK_MS,
      budgetMs: LAST_LOOK_MS
    }).catch(() => undefined)
    const where = now ? `AWS now shows ${now.detail}` : 'the live state could not be read'
    record.failure = `${reason}. Rollback to ${plan?.to ?? 'the start'} failed: ${describeError(rollbackError)}; ${where}`
    event(state, 'rollback-failed', record.failure, now?.split.percent)
    state.log.error(record.failure)
    finish(state, 'failed', now)
  }
}

/**
 * Blue must be able to take the traffic, but a blue whose health cannot be read (its reads hang
 * or fail) still beats a green that failed: the rollback goes to the blue that carried traffic
 * at the start, and says so. Only a blue AWS reports unhealthy stops it.
 */
async function checkBlue(
  state: RunState,
  live: LiveState,
  deadline: Deadline,
  retry: Retry
): Promise<void> {
  // A third of what is left, so the rollback's writes keep most of it.
  const left = deadline.at - state.clock.now()
  const within = { at: state.clock.now() + Math.max(1000, left / 3), budgetMs: deadline.budgetMs }
  let answer
  try {
    answer = await retry(
      "read blue's health",
      (signal) => state.backend.blueCapacity(live, signal),
      within.at < deadline.at ? within : deadline
    )
  } catch (error) {
    const start = state.start!
    if (!(error instanceof RollbackDeadlineError) && !isRetryable(error)) throw error
    if (start.split.equals(Split.GREEN)) throw error
    const note = `Blue's health could not be read (${describeError(error)}): rolling back to the blue that carried ${start.split.bluePercent}% of the traffic at the start`
    state.log.warning(note)
    state.record.warnings = [...(state.record.warnings ?? []), note]
    return
  }
  if (!answer.ok) throw new BlueNotReadyError(answer.detail)
}

function causeOf(error: unknown): EventKind {
  if (error instanceof GateFailedError) return 'gate-failed'
  if (error instanceof CancelledError) return 'cancelled'
  if (error instanceof OutOfBandChangeError) return 'out-of-band'
  return 'error'
}

/**
 * Only our own writes may be undone: AWS shows the last verified state, or somewhere between
 * the phase in flight's start and its end (a backend may be midway: targets registered, not
 * healthy yet), which verify() tells apart from someone else's edit.
 */
async function isOurs(state: RunState, live: LiveState, retry: Retry): Promise<boolean> {
  if (live.fingerprint === state.lastVerified!.fingerprint) return true
  const flight = state.inFlight
  if (!flight) return false
  const answer = await retry('read the phase in flight', (signal) =>
    state.backend.verify(flight.phase, flight.from, signal)
  )
  return answer.status !== 'diverged'
}

/**
 * Back to the start's native state (undoing an adoption too), or to a fixed rollback-to split.
 * Before any traffic moved, only the adoption is undone, whatever rollback-to says.
 */
function rollbackPlan(state: RunState, start: LiveState, live: LiveState): Plan {
  const { rollbackTo } = state.settings
  if (rollbackTo === 'start' || !state.movedTraffic) {
    const restore = state.backend.restore(start, live)
    state.record.restore = { exact: restore.exact, ...(restore.note ? { note: restore.note } : {}) }
    return restore
  }
  return state.backend.plan(live, state.backend.quantize(rollbackTo, live))
}
