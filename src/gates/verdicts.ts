import type { GateResult, GateStatus } from './gate.js'

const WORST_FIRST: readonly GateStatus[] = ['fail', 'pending', 'pass']

/**
 * One gate result from several parts (target groups, health checks, resolvers): the worst
 * status (fail, then pending, then pass), with the details of the parts at that status, or of
 * every part when all pass. Needs at least one result.
 */
export function worstOf(results: readonly GateResult[]): GateResult {
  const status = WORST_FIRST.find((candidate) =>
    results.some((result) => result.status === candidate)
  )
  if (status === undefined) throw new Error('worstOf() needs at least one result')
  const detail = results
    .filter((result) => status === 'pass' || result.status === status)
    .map((result) => result.detail)
    .join('; ')
  return { status, detail }
}

/** Since when each key (a target, a health check, a resolver) has waited, on the gate's clock. */
export class WaitingSince {
  private readonly since = new Map<string, number>()

  /** How long the key has been waiting: 0 the first time it is seen waiting. */
  waited(key: string, now: number): number {
    const since = this.since.get(key) ?? now
    this.since.set(key, since)
    return now - since
  }

  /** The key no longer waits: its next wait starts afresh. */
  stop(key: string): void {
    this.since.delete(key)
  }

  /** Starts the clock of every key waiting now and stops every other. */
  track(waiting: Iterable<string>, now: number): void {
    const keys = new Set(waiting)
    for (const key of this.since.keys()) if (!keys.has(key)) this.since.delete(key)
    for (const key of keys) this.waited(key, now)
  }
}

/** The shortest bound on one check: AWS calls may take a retry or two. */
export const MIN_CHECK_TIMEOUT_MS = 15_000

/**
 * How long one check of a gate polled every `intervalMs` may take before it counts as failed:
 * generous (two intervals, at least 15 s), but bounded, so a hung call is a verdict.
 */
export function checkTimeoutFor(intervalMs: number): number {
  return Math.max(MIN_CHECK_TIMEOUT_MS, 2 * intervalMs)
}
