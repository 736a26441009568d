/**
 * Did traffic really split as configured? With weighted forwarding each request goes to a
 * group independently with probability weight / Σ weights, so a group's count over the minutes
 * since the change is binomial. An exact two-sided binomial test per group (Bonferroni over the
 * groups when there are more than two) says whether the observed share is within tolerance and
 * which way it leans. Stickiness, another rule forwarding to the same group, or a resolver
 * caching past the TTL make requests dependent or shift them, and show up here.
 *
 * This is a fixed-sample test: run it once per step on the window since the change (or divide
 * α by the number of looks); the sequential tests in error-rate.ts and latency.ts are the ones
 * that may look every minute.
 */
import { binomialCdf, binomialSurvival } from './math.js'

export interface SplitGroup {
  /** e.g. the target group ARN. */
  id: string
  /** The applied (quantized) weight. */
  weight: number
  /** The group's request count in each complete minute since the change. */
  requestsPerMinute: readonly number[]
}

export interface SplitOptions {
  /** The test's false-alarm probability, e.g. 0.01. */
  alpha: number
  /** A share difference too small to matter (e.g. 0.01 = one point); default 0. */
  margin?: number
  /** Fewer requests in all than this: pending. Default 0. */
  minRequests?: number
}

export type Deviation = 'none' | 'over' | 'under'

export interface GroupShare {
  id: string
  weight: number
  requests: number
  expectedShare: number
  observedShare: number
  /** The shares this many requests may show without the test objecting: the tolerance. */
  accepted: { low: number; high: number }
  /** Two-sided p-value against the expected share (± margin). */
  pValue: number
  deviation: Deviation
}

export interface SplitVerdict {
  status: 'agrees' | 'deviates' | 'pending'
  alpha: number
  /** The level each group is tested at (α, or α / groups for more than two groups). */
  groupAlpha: number
  total: number
  minutes: number
  groups: GroupShare[]
  /** e.g. "green 14.2% of 9,000 requests, expected 10.0% (accepted 9.3–10.8%)". */
  detail: string
}

function checkOptions(groups: readonly SplitGroup[], options: SplitOptions): void {
  if (!(options.alpha > 0 && options.alpha < 1)) {
    throw new RangeError(`alpha must be between 0 and 1, got ${options.alpha}`)
  }
  const margin = options.margin ?? 0
  if (!(margin >= 0 && margin < 1)) throw new RangeError(`margin must be in [0, 1), got ${margin}`)
  if (groups.length < 2) throw new RangeError('a split needs at least two groups')
  for (const group of groups) {
    if (!(group.weight >= 0) || !Number.isFinite(group.weight)) {
      throw new RangeError(`weight of ${group.id} must be ≥ 0, got ${group.weight}`)
    }
    for (const count of group.requestsPerMinute) {
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(`requests of ${group.id} must be whole numbers ≥ 0, got ${count}`)
      }
    }
  }
  if (groups.every((group) => group.weight === 0)) throw new RangeError('every weight is 0')
}

/** The largest count c with keep(c) true, for keep true at `from` and monotone. */
function lastKept(from: number, to: number, keep: (c: number) => boolean): number {
  let [good, bad] = [from, to]
  while (Math.abs(bad - good) > 1) {
    const middle = Math.floor((good + bad) / 2)
    if (keep(middle)) good = middle
    else bad = middle
  }
  return keep(bad) ? bad : good
}

function testGroup(
  group: SplitGroup,
  expectedShare: number,
  total: number,
  level: number,
  margin: number
): GroupShare {
  const requests = group.requestsPerMinute.reduce((sum, count) => sum + count, 0)
  const low = Math.max(0, expectedShare - margin)
  const high = Math.min(1, expectedShare + margin)
  const upper = binomialSurvival(requests, total, high)
  const lower = binomialCdf(requests, total, low)
  const deviation: Deviation = upper <= level / 2 ? 'over' : lower <= level / 2 ? 'under' : 'none'
  const notOver = (c: number) => binomialSurvival(c, total, high) > level / 2
  const notUnder = (c: number) => binomialCdf(c, total, low) > level / 2
  const highest = total === 0 ? 0 : lastKept(Math.floor(total * high), total, notOver)
  // The smallest count not flagged as under: search downwards by mirroring the index.
  const lowest =
    total === 0
      ? 0
      : total - lastKept(total - Math.ceil(total * low), total, (m) => notUnder(total - m))
  return {
    id: group.id,
    weight: group.weight,
    requests,
    expectedShare,
    observedShare: total > 0 ? requests / total : 0,
    accepted: { low: total > 0 ? lowest / total : 0, high: total > 0 ? highest / total : 1 },
    pValue: Math.min(1, 2 * Math.min(upper, lower)),
    deviation
  }
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`

export function checkSplit(groups: readonly SplitGroup[], options: SplitOptions): SplitVerdict {
  checkOptions(groups, options)
  const weightSum = groups.reduce((sum, group) => sum + group.weight, 0)
  const total = groups.reduce(
    (sum, group) => sum + group.requestsPerMinute.reduce((a, b) => a + b, 0),
    0
  )
  const minutes = Math.max(...groups.map((group) => group.requestsPerMinute.length))
  const groupAlpha = groups.length > 2 ? options.alpha / groups.length : options.alpha
  const shares = groups.map((group) =>
    testGroup(group, group.weight / weightSum, total, groupAlpha, options.margin ?? 0)
  )
  const pending = total < (options.minRequests ?? 0)
  const deviating = shares.filter((share) => share.deviation !== 'none')
  const status = pending ? 'pending' : deviating.length > 0 ? 'deviates' : 'agrees'
  const shown = deviating.length > 0 ? deviating : shares
  const detail =
    shown
      .map(
        (share) =>
          `${share.id} ${percent(share.observedShare)} of ${total.toLocaleString('en-US')} requests, ` +
          `expected ${percent(share.expectedShare)} (accepted ${percent(share.accepted.low)}–${percent(share.accepted.high)})`
      )
      .join('; ') + (pending ? `; pending until ${options.minRequests} requests` : '')
  return { status, alpha: options.alpha, groupAlpha, total, minutes, groups: shares, detail }
}
