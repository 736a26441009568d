import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry'
import type { Clock } from '../clock.js'
import { AttemptTimeoutError, describeError, RollbackDeadlineError } from '../errors.js'

/**
 * A rollback must outlast a burst of AWS trouble (5xx, throttling, calls that hang) that the
 * SDK's own six attempts give up on: persist() tries a call again and again, each attempt
 * bounded, with capped exponential backoff and full jitter, until it answers or a deadline
 * passes. The SDK's retry strategy cannot do this: it counts attempts, not time, and has no
 * bound over an attempt that hangs.
 */

/** When the rollback must be done by, and the budget it was given (for the message). */
export interface Deadline {
  at: number
  budgetMs: number
}

export interface PersistOptions {
  clock: Clock
  deadline: Deadline
  /** The longest one attempt may take: a hung call is abandoned and tried again. */
  attemptTimeoutMs?: number
  /** Told of every failed attempt that will be tried again. */
  onRetry?: (message: string) => void
  /** [0, 1): the jitter; injected so tests can pin it. */
  random?: () => number
}

/** Above the SDK's 15 s request timeout, so one slow answer still lands. */
export const ATTEMPT_TIMEOUT_MS = 20_000
export const BACKOFF_BASE_MS = 250
/** Never more than 10 s between attempts: AWS back is noticed soon. */
export const BACKOFF_CAP_MS = 10_000

/**
 * Calls `call` until it resolves. Errors AWS may outgrow (throttling, 5xx, timeouts, resets, an
 * attempt past its bound) are tried again; any other error is thrown at once. Throws
 * RollbackDeadlineError, with the last error, once the deadline passes.
 */
export async function persist<T>(
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
  options: PersistOptions
): Promise<T> {
  const { clock, deadline } = options
  const random = options.random ?? Math.random
  let last: unknown
  for (let attempt = 0; ; attempt += 1) {
    const left = deadline.at - clock.now()
    if (left <= 0) throw new RollbackDeadlineError(what, deadline.budgetMs, last)
    try {
      return await bounded(
        what,
        call,
        Math.min(options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS, left)
      )
    } catch (error) {
      if (!isRetryable(error)) throw error
      last = error
      const pause = Math.min(backoffMs(attempt, random), Math.max(0, deadline.at - clock.now()))
      options.onRetry?.(`${what}: ${describeError(error)}; trying again in ${seconds(pause)}`)
      await clock.sleep(pause)
    }
  }
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): random in [0, cap). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt))
}

/**
 * What AWS may outgrow, by the SDK's own classification (its retry strategy uses the same
 * functions), looking through our AwsCallError wrappers to the SDK's error.
 */
export function isRetryable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 10; depth += 1) {
    if (cause instanceof AttemptTimeoutError) return true
    const sdk = cause as Parameters<typeof isTransientError>[0]
    if (isThrottlingError(sdk) || isTransientError(sdk) || isServerError(sdk)) return true
    cause = (cause as { cause?: unknown }).cause
  }
  return false
}

/** One attempt, abandoned (and its call aborted) after `ms`, whether or not it honours signals. */
async function bounded<T>(
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
  ms: number
): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new AttemptTimeoutError(what, ms))
    }, ms)
  })
  try {
    return await Promise.race([call(controller.signal), expired])
  } finally {
    clearTimeout(timer)
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`
}
