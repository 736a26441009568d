import type { LiveState, Plan } from '../backends/backend.js'
import {
  CancelledError,
  describeError,
  GateFailedError,
  OutOfBandChangeError,
  SettleError,
  VerifyTimeoutError
} from '../errors.js'
import type { EventKind } from '../record.js'
import { requireBlueCapacity, verifyPhase, writePhase } from './phases.js'
import { event, finish, readQuietly, type RunState } from './state.js'

/** The runner must leave the runner's 7.5 s SIGINT→SIGTERM grace with room to exit. */
export const CANCEL_ROLLBACK_BUDGET_MS = 6000

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

  let plan: Plan | undefined
  try {
    const live = await state.backend.read()
    if (!(await isOurs(state, live))) {
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
    if (plan.to.permille < live.split.permille) await requireBlueCapacity(state, live, undefined)
    state.log.warning(
      `Rolling back to ${plan.to} (${plan.phases.at(-1)?.expect.detail ?? live.detail})`
    )
    const budget =
      error instanceof CancelledError
        ? Math.min(CANCEL_ROLLBACK_BUDGET_MS, settings.verifyTimeoutMs)
        : settings.verifyTimeoutMs
    const restored = await applyRollback(state, plan, live, state.clock.now() + budget, error)
    finish(state, 'rolled-back', restored)
  } catch (rollbackError) {
    const now = await readQuietly(state)
    const where = now ? `AWS now shows ${now.detail}` : 'the live state could not be read'
    record.failure = `${reason}. Rollback to ${plan?.to ?? 'the start'} failed: ${describeError(rollbackError)}; ${where}`
    event(state, 'rollback-failed', record.failure, now?.split.percent)
    state.log.error(record.failure)
    finish(state, 'failed', now)
  }
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
async function isOurs(state: RunState, live: LiveState): Promise<boolean> {
  if (live.fingerprint === state.lastVerified!.fingerprint) return true
  const flight = state.inFlight
  if (!flight) return false
  const answer = await state.backend.verify(flight.phase, flight.from)
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

/**
 * Applies the rollback phase by phase, each verified (no gates: it must finish), all within one
 * budget. No cancel signal: a rollback goes on although the run was cancelled.
 */
async function applyRollback(
  state: RunState,
  plan: Plan,
  live: LiveState,
  deadline: number,
  cause: unknown
): Promise<LiveState> {
  let from = live
  const note =
    state.record.restore?.exact === false ? ` (nearest: ${state.record.restore.note})` : ''
  if (plan.phases.length === 0) {
    event(state, 'rollback', `Rolled back to ${live.detail}${note}`, plan.to.percent)
    return live
  }
  for (const [index, phase] of plan.phases.entries()) {
    await writePhase(state, phase, from, undefined)
    const last = index === plan.phases.length - 1
    if (last)
      event(state, 'rollback', `Rolled back to ${phase.expect.detail}${note}`, plan.to.percent)
    try {
      from = await verifyPhase(state, phase, from, { gated: false, deadline })
    } catch (verifyError) {
      // Cancelled runs have seconds, not minutes: a rollback that is written and reads back as
      // the target, but is still converging (Route 53 INSYNC + TTL), is rolled back.
      const now = await readQuietly(state)
      const written = last && now?.split.equals(plan.to)
      if (!(
        cause instanceof CancelledError &&
        verifyError instanceof VerifyTimeoutError &&
        written
      )) {
        throw verifyError
      }
      state.record.failure = `${describeError(cause)}. Rolled back to ${now!.detail}; AWS had not finished converging when the run had to end (${describeError(verifyError)})`
      return now!
    }
  }
  return from
}
