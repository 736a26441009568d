import type { LiveState, Phase, Plan } from '../backends/backend.js'
import {
  OutOfBandChangeError,
  PhaseFailedError,
  RollbackDeadlineError,
  VerifyTimeoutError
} from '../errors.js'
import { guardWrite } from './lease.js'
import type { Deadline } from './persist.js'
import { writePhase } from './phases.js'
import { saveInFlight, saveVerified } from './saved.js'
import { event, type RunState } from './state.js'

/** persist() bound to the rollback's clock, log and deadline (or a shorter one). */
export type Retry = <T>(
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
  within?: Deadline
) => Promise<T>

const VERIFY_FIRST_POLL_MS = 250
const VERIFY_MAX_POLL_MS = 1000

/**
 * Applies the rollback phase by phase, each written and verified through AWS trouble, all
 * within one deadline. No gates (it must finish) and no cancel signal (it goes on although the
 * run was cancelled). A phase written by an earlier process and still converging (the post step
 * after a cancelled rollback) is verified, not written again.
 */
export async function applyRollback(
  state: RunState,
  plan: Plan,
  live: LiveState,
  deadline: Deadline,
  retry: Retry
): Promise<LiveState> {
  const note =
    state.record.restore?.exact === false ? ` (nearest: ${state.record.restore.note})` : ''
  let from = live
  const flight = state.inFlight
  if (plan.phases.length === 0) {
    if (flight && live.fingerprint === flight.phase.expect.fingerprint) {
      from = await verifyUntil(state, flight.phase, flight.from, deadline, retry)
    }
    event(state, 'rollback', `Rolled back to ${from.detail}${note}`, plan.to.percent)
    return from
  }
  for (const [index, phase] of plan.phases.entries()) {
    await writeThrough(state, phase, from, retry)
    if (index === plan.phases.length - 1)
      event(state, 'rollback', `Rolled back to ${phase.expect.detail}${note}`, plan.to.percent)
    from = await verifyUntil(state, phase, from, deadline, retry)
  }
  return from
}

/**
 * Writes one phase, trying again through AWS trouble. Before a second try it reads: a write
 * whose answer was lost may have landed (nothing to send), and someone else's edit meanwhile
 * stops the rollback rather than being written over.
 */
async function writeThrough(
  state: RunState,
  phase: Phase,
  from: LiveState,
  retry: Retry
): Promise<void> {
  let tried = false
  await retry(`write ${phase.summary}`, async (signal) => {
    if (!tried) {
      tried = true
      return writePhase(state, phase, from, signal)
    }
    const live = await state.backend.read(signal)
    if (live.fingerprint === phase.expect.fingerprint) return
    if (live.fingerprint !== from.fingerprint) {
      const answer = await state.backend.verify(phase, from, signal)
      if (answer.status === 'diverged') throw new OutOfBandChangeError(from.detail, live.detail)
    }
    // The lease is checked (and Route 53's renewed) on every write, a retried one too.
    await state.backend.apply(await guardWrite(state, phase, signal), signal)
    saveInFlight(state)
  })
}

/** Polls verify() with backoff until AWS shows the phase's state or the deadline passes. */
async function verifyUntil(
  state: RunState,
  phase: Phase,
  from: LiveState,
  deadline: Deadline,
  retry: Retry
): Promise<LiveState> {
  const { backend, clock } = state
  const begun = clock.now()
  let pause = VERIFY_FIRST_POLL_MS
  for (;;) {
    const answer = await retry(`see AWS converge on ${phase.expect.split}`, (signal) =>
      backend.verify(phase, from, signal)
    )
    if (answer.status === 'converged') {
      state.lastVerified = answer.state
      state.inFlight = undefined
      saveVerified(state)
      return answer.state
    }
    if (answer.status === 'diverged') {
      throw new OutOfBandChangeError(
        phase.expect.detail,
        `${answer.state.detail} (${answer.detail})`
      )
    }
    if (answer.status === 'failed') throw new PhaseFailedError(phase.summary, answer.detail)
    const left = deadline.at - clock.now()
    if (left <= 0) {
      const live = `${answer.state.detail}: ${answer.detail}`
      throw new RollbackDeadlineError(
        `see AWS converge on ${phase.expect.split}`,
        deadline.budgetMs,
        new VerifyTimeoutError(`${phase.expect.split}`, clock.now() - begun, live)
      )
    }
    await clock.sleep(Math.min(pause, left))
    pause = Math.min(pause * 2, VERIFY_MAX_POLL_MS)
  }
}
