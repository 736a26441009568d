import type { Clock } from '../../src/clock.js'
import { CancelledError } from '../../src/errors.js'

/** A clock whose sleeps advance time at once, so no test waits for real. */
export class FakeClock implements Clock {
  /** Every sleep asked for, in order (ms). */
  readonly sleeps: number[] = []

  constructor(private time = Date.UTC(2026, 10, 22, 12, 0, 0)) {}

  now(): number {
    return this.time
  }

  advance(ms: number): void {
    this.time += ms
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new CancelledError()
    this.sleeps.push(ms)
    this.time += ms
    await Promise.resolve()
    if (signal?.aborted) throw new CancelledError()
  }
}
