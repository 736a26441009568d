/**
 * Every timer the sandbox starts goes through here, so that close() can cancel them all, and so
 * that AWS durations (seconds) shrink by one `timeScale` for fast tests.
 */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly sleepers = new Set<() => void>()
  private closed = false

  /** @param timeScale real milliseconds = AWS seconds × 1000 × timeScale */
  constructor(readonly timeScale = 1) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
      throw new RangeError(`timeScale must be a positive number, got ${timeScale}`)
    }
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Converts an AWS duration in seconds to the real delay in milliseconds. */
  scaled(seconds: number): number {
    return seconds * 1000 * this.timeScale
  }

  /** Runs fn after ms (real time); returns a cancel function. Ignored once closed. */
  after(ms: number, fn: () => void): () => void {
    if (this.closed) return () => {}
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      fn()
    }, ms)
    this.timers.add(timer)
    return () => {
      clearTimeout(timer)
      this.timers.delete(timer)
    }
  }

  /** Resolves after ms, or at once when the sandbox closes (so no request hangs on close). */
  sleep(ms: number): Promise<void> {
    if (this.closed || ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const wake = (): void => {
        cancel()
        this.sleepers.delete(wake)
        resolve()
      }
      const cancel = this.after(ms, wake)
      this.sleepers.add(wake)
    })
  }

  close(): void {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const wake of [...this.sleepers]) wake()
  }
}
