import { setupErrorMessage } from './aws/setup-errors.js'

/** A user input that cannot be accepted. Thrown before any AWS call. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    readonly accepted: string
  ) {
    super(`Input '${input}' has an invalid value ${JSON.stringify(value)}: expected ${accepted}.`)
    this.name = 'InputError'
  }
}

/**
 * An input that parses but that AWS contradicts (a target group of another load balancer, a
 * private zone): found by a backend's read-only inspection, before the first write.
 */
export class TopologyError extends InputError {
  constructor(
    input: string,
    value: string,
    readonly shows: string,
    accepted: string
  ) {
    super(input, value, accepted)
    this.message = `Input '${input}' is ${JSON.stringify(value)}, but AWS shows ${shows}: expected ${accepted}.`
    this.name = 'TopologyError'
  }
}

/** After every bake passed, something the backend waits for (draining) did not finish in time. */
export class SettleError extends Error {
  constructor(readonly detail: string) {
    super(`The shift is done but did not settle: ${detail}`)
    this.name = 'SettleError'
  }
}

/** A gate said no: the run must roll back (or, before any shift, stop). */
export class GateFailedError extends Error {
  constructor(
    readonly gate: string,
    readonly detail: string
  ) {
    super(`Gate ${gate} failed: ${detail}`)
    this.name = 'GateFailedError'
  }
}

/** Blue has no healthy capacity to take the traffic a move toward blue would give it. */
export class BlueNotReadyError extends Error {
  constructor(detail: string) {
    super(`Blue cannot take traffic: ${detail}`)
    this.name = 'BlueNotReadyError'
  }
}

/** AWS did not agree with a write in time. */
export class VerifyTimeoutError extends Error {
  constructor(what: string, waitedMs: number, live: string) {
    super(`AWS did not converge on ${what} within ${waitedMs / 1000}s (live: ${live})`)
    this.name = 'VerifyTimeoutError'
  }
}

/** AWS will not reach a phase's state by itself (green targets unhealthy): the run rolls back. */
export class PhaseFailedError extends Error {
  constructor(
    readonly phase: string,
    readonly detail: string
  ) {
    super(`${phase} failed: ${detail}`)
    this.name = 'PhaseFailedError'
  }
}

/** An AWS call that failed, named by operation and resource so the log says what was touched. */
export class AwsCallError extends Error {
  constructor(
    readonly operation: string,
    readonly resource: string,
    override readonly cause: unknown
  ) {
    super(`${operation} on ${resource} failed: ${describeError(cause)}`)
    this.name = 'AwsCallError'
  }
}

/** The live state is not what this run last wrote: someone else changed it. */
export class OutOfBandChangeError extends Error {
  /** `how`: the backend's own account of the edit (a diverged verify's detail), when it has one. */
  constructor(
    readonly expected: string,
    readonly found: string,
    how?: string
  ) {
    super(
      `The traffic split was changed outside this run: ${how ?? `expected ${expected}, found ${found}`}. ` +
        'Stopping without overwriting it.'
    )
    this.name = 'OutOfBandChangeError'
  }
}

/** A resource exists but is not in a shape this action can manage safely. */
export class UnsupportedStateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnsupportedStateError'
  }
}

/** The run was cancelled (SIGINT/SIGTERM from the runner). */
export class CancelledError extends Error {
  constructor(reason = 'the run was cancelled') {
    super(reason)
    this.name = 'CancelledError'
  }
}

/** One line for any thrown value; AWS errors keep their code (e.g. "Throttling: Rate exceeded"). */
export function describeError(error: unknown): string {
  // Missing credentials or region: name the step and input that fix it, not only the SDK's words.
  const setup = setupErrorMessage(error)
  if (setup) return setup
  if (error instanceof Error) {
    const isAws = '$metadata' in error || '$fault' in error
    return isAws && !error.message.startsWith(error.name)
      ? `${error.name}: ${error.message}`
      : error.message
  }
  return String(error)
}

/** One attempt of a persisted call took longer than its bound; the call is tried again. */
export class AttemptTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms / 1000}s`)
    this.name = 'AttemptTimeoutError'
  }
}

/** A rollback kept trying until its deadline and AWS never answered as it must. */
export class RollbackDeadlineError extends Error {
  constructor(
    readonly what: string,
    deadlineMs: number,
    readonly last: unknown
  ) {
    super(
      `could not ${what} within the rollback's ${Math.round(deadlineMs / 100) / 10}s` +
        (last === undefined ? '' : ` (last error: ${describeError(last)})`)
    )
    this.name = 'RollbackDeadlineError'
  }
}

/** The post step found a main step that ended without a verdict: cancelled, killed or timed out. */
export class UnfinishedRunError extends Error {
  constructor(detail: string) {
    super(`The main step ended without a verdict (${detail})`)
    this.name = 'UnfinishedRunError'
  }
}
