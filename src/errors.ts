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
  constructor(
    readonly expected: string,
    readonly found: string
  ) {
    super(
      `The traffic split was changed outside this run: expected ${expected}, found ${found}. ` +
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
  if (error instanceof Error) {
    const isAws = '$metadata' in error || '$fault' in error
    return isAws && !error.message.startsWith(error.name)
      ? `${error.name}: ${error.message}`
      : error.message
  }
  return String(error)
}
