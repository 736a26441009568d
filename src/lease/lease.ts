import type { Phase } from '../backends/backend.js'
import { OutOfBandChangeError } from '../errors.js'

/**
 * The lease a run holds on what it moves (docs/lease.md): who holds it, since when and until
 * when, and who last moved the traffic. The same fields are written as ELB tags and as the
 * strings of a Route 53 TXT record, so both stores share this model and its decisions.
 */

/** The run that holds (or last held) a lease: its URL, and an id unique to this process. */
export interface RunIdentity {
  /** The workflow run's URL with its attempt, or `local:<host>:<pid>` outside Actions. */
  runUrl: string
  /** Random per process: two jobs of one run (a matrix) share a URL but not this id. */
  leaseId: string
}

export interface LeaseHolder extends RunIdentity {
  startedAt: number
  /** NaN when the stored expiry cannot be read: such a lease is never taken as expired. */
  expiresAt: number
}

/** Who moved the traffic last, kept after the lease is released. */
export interface LastMove {
  by: string
  outcome: string
  at: number
}

export interface LeaseFields {
  holder?: LeaseHolder
  last?: LastMove
}

/** The field names, shared by the tag keys (`traffic-shift:<name>`) and TXT strings (`<name>=`). */
export const FIELD = {
  holder: 'lease-holder',
  leaseId: 'lease-id',
  startedAt: 'lease-started',
  expiresAt: 'lease-expires',
  lastBy: 'last-moved-by',
  lastOutcome: 'last-outcome',
  lastAt: 'last-moved-at'
} as const

/** The fields of a held lease, removed on release (the last-* fields stay). */
export const HOLDER_FIELDS = [FIELD.holder, FIELD.leaseId, FIELD.startedAt, FIELD.expiresAt]

export function encodeFields(fields: LeaseFields): Map<string, string> {
  const out = new Map<string, string>()
  const { holder, last } = fields
  if (holder) {
    out.set(FIELD.holder, holder.runUrl)
    out.set(FIELD.leaseId, holder.leaseId)
    setTime(out, FIELD.startedAt, holder.startedAt)
    setTime(out, FIELD.expiresAt, holder.expiresAt)
  }
  if (last) {
    out.set(FIELD.lastBy, last.by)
    out.set(FIELD.lastOutcome, last.outcome)
    setTime(out, FIELD.lastAt, last.at)
  }
  return out
}

/** A time someone else wrote unreadably is left out rather than written back as garbage. */
function setTime(out: Map<string, string>, field: string, ms: number): void {
  if (Number.isFinite(ms)) out.set(field, new Date(ms).toISOString())
}

export function decodeFields(stored: ReadonlyMap<string, string>): LeaseFields {
  const fields: LeaseFields = {}
  const runUrl = stored.get(FIELD.holder)
  if (runUrl !== undefined) {
    fields.holder = {
      runUrl,
      leaseId: stored.get(FIELD.leaseId) ?? '',
      startedAt: Date.parse(stored.get(FIELD.startedAt) ?? ''),
      expiresAt: Date.parse(stored.get(FIELD.expiresAt) ?? '')
    }
  }
  const by = stored.get(FIELD.lastBy)
  if (by !== undefined) {
    fields.last = {
      by,
      outcome: stored.get(FIELD.lastOutcome) ?? '',
      at: Date.parse(stored.get(FIELD.lastAt) ?? '')
    }
  }
  return fields
}

/** Another run holds a live lease: this run refuses before its first write. */
export class LeaseHeldError extends Error {
  constructor(
    readonly resource: string,
    readonly holder: LeaseHolder
  ) {
    super(
      `Another run holds the lease on ${resource}: ${holder.runUrl}, until ${when(holder.expiresAt)}. ` +
        'Refusing before any write. Wait for that run to end (or its lease to expire), or set ' +
        'break-lease: true to take it over on purpose (an operator’s emergency rollback).'
    )
    this.name = 'LeaseHeldError'
  }
}

/**
 * This run's lease was taken by another run (break-lease, or a takeover after it expired): like
 * any outside change, the run stops without writing and without a rollback over the newcomer.
 */
export class LeaseLostError extends OutOfBandChangeError {
  constructor(resource: string, found: string) {
    super(`this run's lease on ${resource}`, found)
    this.message =
      `This run lost its lease on ${resource} to ${found}. ` +
      'Stopping without writing over that run.'
    this.name = 'LeaseLostError'
  }
}

/** How acquire() may take what it found: free, after an expiry, or broken on purpose. */
export type Taking = 'free' | 'expired' | 'earlier-attempt' | 'broken'

/** Decides whether `found` may be taken now; throws LeaseHeldError when it may not. */
export function takeable(
  resource: string,
  found: LeaseFields,
  now: number,
  breakLease: boolean,
  me?: RunIdentity
): { taking: Taking; warning?: string } {
  const holder = found.holder
  if (!holder) return { taking: 'free' }
  if (me && isEarlierAttempt(holder.runUrl, me.runUrl)) {
    return {
      taking: 'earlier-attempt',
      warning:
        `Taking over the lease on ${resource} of ${holder.runUrl}, an earlier attempt of this ` +
        'workflow run (GitHub re-runs a run only once it has completed, so that attempt is over); ' +
        'this run starts from the live state it inspected.'
    }
  }
  if (holder.expiresAt <= now) {
    return {
      taking: 'expired',
      warning:
        `Taking over the lease on ${resource} of ${holder.runUrl}, which expired at ` +
        `${when(holder.expiresAt)} (a run that was killed or lost its runner); this run starts ` +
        'from the live state it inspected.'
    }
  }
  if (breakLease) {
    return {
      taking: 'broken',
      warning:
        `break-lease: true breaks the live lease on ${resource} of ${holder.runUrl} ` +
        `(until ${when(holder.expiresAt)}); that run stops at its next write without writing.`
    }
  }
  throw new LeaseHeldError(resource, holder)
}

/**
 * Whether `held` names an earlier attempt of the run `mine` names (…/runs/ID/attempts/N): a
 * re-run of a killed run may take its lease at once instead of waiting for it to expire. Compared
 * as the stores spell URLs (ELB tags respell some characters as `_`).
 */
export function isEarlierAttempt(held: string, mine: string): boolean {
  const attempt = (url: string) => /^(.*\/runs\/\d+)\/attempts\/(\d+)$/.exec(url)
  const [a, b] = [attempt(spelled(held)), attempt(spelled(mine))]
  return a !== null && b !== null && a[1] === b[1] && Number(a[2]) < Number(b[2])
}

function spelled(url: string): string {
  return url.replace(/[^A-Za-z0-9/.:@=+-]/g, '_')
}

/** What a dry run says about `found`: nothing for a free lease. */
export function peekNote(
  resource: string,
  found: LeaseFields,
  now: number,
  breakLease: boolean,
  me?: RunIdentity
): string | undefined {
  try {
    const { warning } = takeable(resource, found, now, breakLease, me)
    return warning && `A run now: ${warning}`
  } catch (error) {
    if (!(error instanceof LeaseHeldError)) throw error
    return `A run now would refuse: ${error.message}`
  }
}

/** Throws LeaseLostError unless `found` is this run's lease. */
export function requireOurs(resource: string, found: LeaseFields, me: RunIdentity): void {
  const holder = found.holder
  // The id alone decides: the URL is for people, and a store may have to spell it differently.
  if (holder?.leaseId === me.leaseId) return
  // A lease released since: the run that last moved the traffic is the one to look at.
  const gone = found.last
    ? `nobody: released since, the traffic last moved by ${found.last.by} (${found.last.outcome}, ${when(found.last.at)})`
    : 'nobody (the lease was removed)'
  throw new LeaseLostError(
    resource,
    holder ? `${holder.runUrl} (until ${when(holder.expiresAt)})` : gone
  )
}

export function when(ms: number): string {
  return Number.isNaN(ms) ? 'an expiry that cannot be read' : new Date(ms).toISOString()
}

/** What the run's outcome leaves behind when it releases its lease. */
export interface Release {
  status: string
  /** Only a run that moved traffic replaces the last-moved-by fields. */
  movedTraffic: boolean
}

/**
 * The runner's view of a lease: taken once after inspection and before the first write, checked
 * and renewed before every write, released at the end.
 */
export interface Lease {
  /** What the lease is on, for messages. */
  readonly resource: string
  /** Who takes it: saved for the post step, which holds the lease under the same identity. */
  readonly identity: RunIdentity
  /** Read-only, for a dry run: what taking the lease now would do, when not simply take it. */
  peek(signal?: AbortSignal): Promise<string | undefined>
  /** Takes the lease or throws LeaseHeldError; returns warnings (an expired or broken lease). */
  acquire(signal?: AbortSignal): Promise<string[]>
  /**
   * Before each write: throws LeaseLostError unless the lease is still this run's, renews it,
   * and returns the phase to send (Route 53 puts the lease's renewal in the phase's own batch).
   */
  guard<N>(phase: Phase<N>, signal?: AbortSignal): Promise<Phase<N>>
  /**
   * The post step: holds again the lease an earlier process of this run took under `identity`
   * (no write); throws LeaseLostError unless it is still that identity's.
   */
  resume(signal?: AbortSignal): Promise<void>
  /** Leaves only who moved the traffic last; never touches a lease that is not this run's. */
  release(outcome: Release): Promise<void>
}

/** How long a lease lasts from its last renewal; see leaseDurationMs. */
export interface LeaseTiming {
  bakeMs: number
  verifyTimeoutMs: number
  healthTimeoutMs: number
}

/**
 * Margin for clock skew between runners and the release after the last bake. Short, because a
 * killed run blocks a re-run this long; the settle (draining) writes nothing, so a lease that
 * expires during it lets another run in without letting this one overwrite it.
 */
export const LEASE_MARGIN_MS = 5 * 60_000

/**
 * Longest a live run goes between two renewals (a write): a verify, a bake with gates still
 * pending up to the health timeout, then the next step's ready check; plus the margin. A run
 * killed mid-way blocks others no longer than this.
 */
export function leaseDurationMs(timing: LeaseTiming): number {
  return timing.verifyTimeoutMs + timing.bakeMs + 2 * timing.healthTimeoutMs + LEASE_MARGIN_MS
}
