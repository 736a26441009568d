import type { LiveState, Phase } from '../backends/backend.js'
import {
  BlueNotReadyError,
  CancelledError,
  describeError,
  GateFailedError,
  OutOfBandChangeError,
  PhaseFailedError,
  SettleError,
  VerifyTimeoutError
} from '../errors.js'
import type { GateCheck, StepRecord } from '../record.js'
import { guardWrite } from './lease.js'
import { saveInFlight, saveVerified } from './saved.js'
import { event, type RunState } from './state.js'

const VERIFY_FIRST_POLL_MS = 250
// AWS's convergence is then noticed within 1 s, at 1 request/s: a tenth of ELB's Describe*
// refill and of Route 53's limit (a 5 s cap made mode targets wait up to 5 s per step for nothing).
const VERIFY_MAX_POLL_MS = 1000
/** A pending gate in the ready check is asked again this soon, backing off to its interval. */
const READY_FIRST_RECHECK_MS = 250

/** Sends one phase's calls. From here until it is verified, the phase is in flight. */
export async function writePhase(
  state: RunState,
  phase: Phase,
  from: LiveState,
  signal: AbortSignal | undefined
): Promise<void> {
  // A run whose lease another run took stops here, before writing (LeaseLostError).
  const sent = await guardWrite(state, phase, signal)
  state.inFlight = { phase, from }
  state.wrote = true
  if (phase.movesTraffic) {
    state.movedTraffic = true
    state.ready = state.ready === 'never' ? 'never' : 'stale'
    state.current = { split: phase.expect.split, since: state.clock.now() }
  }
  // Saved before the write: a step killed mid-write leaves the post step what to check.
  saveInFlight(state)
  await state.backend.apply(sent, signal)
  // Again once sent: apply() may leave what verify() needs in the phase (Route 53's change id).
  saveInFlight(state)
}

export interface VerifyOptions {
  /** Gates watch while a step's traffic-moving phase converges; never during a rollback. */
  gated: boolean
  /** By when AWS must show the phase's state. */
  deadline: number
  /** The run's cancel signal; a rollback passes none: it must finish. */
  signal?: AbortSignal
  /** Where the gates' verdicts are recorded. */
  step?: StepRecord
}

/**
 * Polls verify() with backoff until AWS shows the phase's state: diverged (someone else's edit)
 * stops the run without writing, failed rolls back, and the deadline bounds the wait.
 */
export async function verifyPhase(
  state: RunState,
  phase: Phase,
  from: LiveState,
  options: VerifyOptions
): Promise<LiveState> {
  const { backend, clock } = state
  const begun = clock.now()
  let pause = VERIFY_FIRST_POLL_MS
  let live = `${from.detail} (not read yet)`
  const timeout = (): never => {
    throw new VerifyTimeoutError(`${phase.expect.split}`, options.deadline - begun, live)
  }
  const gated = options.gated && phase.movesTraffic
  const verified = await state.watch.wait<LiveState>({
    label: `Converging: ${phase.summary}`,
    phase: 'converge',
    gated,
    split: state.current.split,
    since: state.current.since,
    signal: options.signal,
    onVerdict: gated ? recordVerdict(state, options.step) : undefined,
    work: async (signal) => {
      const answer = await backend.verify(phase, from, signal)
      live = `${answer.state.detail}: ${answer.detail}`
      if (answer.status === 'converged') return { done: true, value: answer.state }
      if (answer.status === 'diverged') {
        throw new OutOfBandChangeError(phase.expect.detail, answer.state.detail, answer.detail)
      }
      if (answer.status === 'failed') throw new PhaseFailedError(phase.summary, answer.detail)
      const left = options.deadline - clock.now()
      if (left <= 0) timeout()
      const retryInMs = Math.min(pause, left)
      pause = Math.min(pause * 2, VERIFY_MAX_POLL_MS)
      return { done: false, retryInMs }
    },
    deadline: options.deadline,
    expire: timeout
  })
  state.lastVerified = verified
  state.inFlight = undefined
  saveVerified(state)
  return verified
}

/** Every gate must pass before traffic moves toward green; 'pending' is waited on. */
export async function waitUntilReady(state: RunState, when: string): Promise<void> {
  const { watch, clock, settings } = state
  state.ready = 'fresh'
  if (watch.size === 0) return
  await watch.wait<void>({
    label: `Checking gates ${when}`,
    phase: 'ready',
    gated: true,
    split: state.current.split,
    since: state.current.since,
    signal: state.signal,
    onVerdict: (check) => {
      if (check.status === 'fail') throw new GateFailedError(check.gate, `${when}: ${check.detail}`)
    },
    decide: (latest) =>
      latest.size === watch.size && [...latest.values()].every((check) => check.status === 'pass')
        ? { value: undefined }
        : undefined,
    deadline: clock.now() + settings.healthTimeoutMs,
    expire: (latest) => {
      throw stillPending(watch.names, latest, `${when}: still pending after the health timeout`)
    },
    // Pending resolves on its own (green passing its first health checks): look again soon, so
    // the first step does not wait a whole interval for it.
    recheckInMs: (gate, check, streak) =>
      check.status === 'pending'
        ? Math.min(READY_FIRST_RECHECK_MS * 2 ** streak, gate.intervalMs)
        : gate.intervalMs
  })
  event(state, 'ready', `Gates pass ${when}`)
}

/** Polls every gate on its own schedule for the bake time; the first failure ends it. */
export async function bake(state: RunState, step: StepRecord): Promise<void> {
  const { watch, clock, settings } = state
  const bakeEnd = clock.now() + settings.bakeMs
  await watch.wait<void>({
    label: `Baking at ${state.current.split}`,
    phase: 'bake',
    gated: true,
    split: state.current.split,
    since: state.current.since,
    signal: state.signal,
    onVerdict: recordVerdict(state, step),
    wakeAt: bakeEnd,
    // A bake ends on a verdict: a gate still pending (probe failures below the threshold, DNS
    // answers not seen yet), or still being asked, is polled on, within the health timeout.
    decide: (latest, now, busy) => {
      if (now < bakeEnd) return undefined
      if (state.towardBlue) return { value: undefined }
      const decided =
        latest.size === watch.size &&
        busy.size === 0 &&
        [...latest.values()].every((check) => check.status !== 'pending')
      return decided ? { value: undefined } : undefined
    },
    deadline: bakeEnd + settings.healthTimeoutMs,
    expire: (latest) => {
      throw stillPending(watch.names, latest, 'still pending after the bake and the health timeout')
    }
  })
}

/** After the last bake: the backend finishes what is in flight (draining) while gates watch. */
export async function settleWatched(state: RunState, live: LiveState): Promise<void> {
  const settle = state.backend.settle
  if (!settle) return
  await state.watch.wait<void>({
    label: 'Settling',
    phase: 'converge',
    gated: true,
    split: state.current.split,
    since: state.current.since,
    signal: state.signal,
    onVerdict: recordVerdict(state, state.record.steps.at(-1)),
    work: async (signal) => {
      try {
        await settle.call(state.backend, live, signal)
      } catch (error) {
        // Every bake passed: a settle that cannot finish (an AWS error reading the drain) fails
        // the run like a drain past its bound and moves no traffic; cancellation rolls back.
        if (error instanceof CancelledError || error instanceof SettleError) throw error
        throw new SettleError(`could not wait for what is still in flight: ${describeError(error)}`)
      }
      return { done: true, value: undefined }
    }
  })
}

/**
 * Moving traffic toward blue is only safe when blue has healthy capacity to take it. A rollback
 * passes no signal: it must finish although the run was cancelled.
 */
export async function requireBlueCapacity(
  state: RunState,
  live: LiveState,
  signal: AbortSignal | undefined
): Promise<void> {
  const answer = await state.backend.blueCapacity(live, signal)
  if (!answer.ok) throw new BlueNotReadyError(answer.detail)
}

/**
 * Records a verdict in the step; a failure ends the wait at once, except while moving toward
 * blue: that is how people escape a bad green, so a red gate must not stop it.
 */
function recordVerdict(state: RunState, step: StepRecord | undefined): (check: GateCheck) => void {
  return (check) => {
    if (step) upsertGate(step.gates, check)
    if (check.status !== 'fail') return
    if (!state.towardBlue) throw new GateFailedError(check.gate, check.detail)
    state.log.warning(`${check.gate} fails while moving toward blue; carrying on: ${check.detail}`)
  }
}

/** The gates without a passing verdict, as one failure. */
function stillPending(
  names: readonly string[],
  latest: ReadonlyMap<string, GateCheck>,
  why: string
): GateFailedError {
  const open = names.filter((name) => latest.get(name)?.status !== 'pass')
  const detail = open
    .map((name) => `${name}: ${latest.get(name)?.detail ?? 'no answer yet'}`)
    .join('; ')
  return new GateFailedError(open[0] ?? names[0], `${why}: ${detail}`)
}

function upsertGate(checks: GateCheck[], check: GateCheck): void {
  const index = checks.findIndex((existing) => existing.gate === check.gate)
  if (index < 0) checks.push(check)
  else checks[index] = check
}
