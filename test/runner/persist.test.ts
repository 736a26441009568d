import { describe, expect, it } from '@jest/globals'
import { AwsCallError, RollbackDeadlineError } from '../../src/errors.js'
import {
  backoffMs,
  BACKOFF_CAP_MS,
  isRetryable,
  persist,
  type PersistOptions
} from '../../src/runner/persist.js'
import { FakeClock } from '../helpers/fake-clock.js'

/** Errors shaped as the SDK throws them: a name, and the HTTP status in $metadata. */
function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} from AWS`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status }
  })
}

function options(clock: FakeClock, budgetMs = 60_000, extra: Partial<PersistOptions> = {}) {
  const retries: string[] = []
  return {
    retries,
    options: {
      clock,
      deadline: { at: clock.now() + budgetMs, budgetMs },
      onRetry: (message: string) => retries.push(message),
      random: () => 0.5,
      ...extra
    } satisfies PersistOptions
  }
}

describe('persist: a rollback call tried until AWS answers or the deadline passes', () => {
  it('tries again through throttling and 5xx, with full-jitter backoff', async () => {
    const clock = new FakeClock()
    const failures = [
      sdkError('Throttling', 400),
      sdkError('InternalFailure', 500),
      sdkError('ServiceUnavailable', 503)
    ]
    const { options: opts, retries } = options(clock)
    const answer = await persist(
      'write the listener',
      async () => {
        const failure = failures.shift()
        if (failure) throw failure
        return 'written'
      },
      opts
    )
    expect(answer).toBe('written')
    // random 0.5 of 250, 500, 1000 ms.
    expect(clock.sleeps).toEqual([125, 250, 500])
    expect(retries[0]).toBe('write the listener: Throttling from AWS; trying again in 0.1s')
  })

  it('throws an error retrying cannot fix at once', async () => {
    const clock = new FakeClock()
    let calls = 0
    const refused = sdkError('ValidationError', 400)
    await expect(
      persist(
        'write',
        async () => {
          calls += 1
          throw refused
        },
        options(clock).options
      )
    ).rejects.toBe(refused)
    expect(calls).toBe(1)
  })

  it('abandons an attempt that hangs and tries again', async () => {
    const clock = new FakeClock()
    const signals: AbortSignal[] = []
    const answer = await persist(
      'read blue health',
      (signal) => {
        signals.push(signal)
        // The first attempt never answers.
        return signals.length === 1 ? new Promise<string>(() => {}) : Promise.resolve('healthy')
      },
      options(clock, 60_000, { attemptTimeoutMs: 20 }).options
    )
    expect(answer).toBe('healthy')
    expect(signals[0].aborted).toBe(true)
    expect(signals[1].aborted).toBe(false)
  })

  it('gives up at the deadline, naming what it tried and the last error', async () => {
    const clock = new FakeClock()
    const error = await persist(
      'write the listener',
      async () => {
        throw new AwsCallError('ModifyListener', 'listener/app/x', sdkError('InternalFailure', 500))
      },
      options(clock, 30_000).options
    ).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RollbackDeadlineError)
    expect((error as Error).message).toBe(
      "could not write the listener within the rollback's 30s (last error: ModifyListener on " +
        'listener/app/x failed: InternalFailure from AWS)'
    )
    // It kept trying until the deadline, never sleeping past it.
    expect(clock.now() - Date.UTC(2026, 10, 22, 12, 0, 0)).toBe(30_000)
  })

  it('backs off exponentially up to a cap, with full jitter', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n, () => 0.999))).toEqual([249, 499, 999, 1998])
    expect(backoffMs(20, () => 0.999)).toBe(BACKOFF_CAP_MS - 10)
    expect(backoffMs(5, () => 0)).toBe(0)
  })

  it('classifies errors as the SDK does, through our wrappers', () => {
    expect(isRetryable(sdkError('ThrottlingException', 400))).toBe(true)
    expect(isRetryable(sdkError('PriorRequestNotComplete', 400))).toBe(true)
    expect(isRetryable(sdkError('InternalError', 500))).toBe(true)
    expect(isRetryable(new AwsCallError('X', 'y', sdkError('ServiceUnavailable', 503)))).toBe(true)
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true
    )
    expect(isRetryable(sdkError('AccessDenied', 403))).toBe(false)
    expect(isRetryable(new AwsCallError('X', 'y', sdkError('ValidationError', 400)))).toBe(false)
    expect(isRetryable(new Error('rollback refused'))).toBe(false)
  })
})
