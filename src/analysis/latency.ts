/**
 * Is green slower than blue? An anytime-valid sign test on per-minute percentiles (e.g. the
 * p99 of `TargetResponseTime`). In each minute where both sides carried enough requests for the
 * percentile to mean something, X_t = 1 when green's percentile exceeds blue's by more than the
 * tolerance (green > blue·(1 + relative) + absolute), else 0.
 *
 * H0: green is no slower, so that P(X_t = 1 | past) ≤ 1/2: equally fast sides' percentiles come
 * out either way alike, and the tolerance only lowers that chance (it also absorbs the extra
 * noise of green's percentile, estimated from its smaller share of requests).
 *
 * Evidence: for one alternative q > 1/2, Π_t (2q)^X_t (2(1 − q))^(1 − X_t) has, under any
 * P(X_t = 1) = p ≤ 1/2, a per-minute mean 2(1 − q) + 2p(2q − 1) ≤ 1: a nonnegative
 * supermartingale. Mixing q uniformly over [1/2, 1] (density 2) keeps that and has a closed form
 * after k slow minutes of n:
 *   E_n = 2 · 2^n · ∫_{1/2}^1 q^k (1 − q)^(n−k) dq = 2^(n+1) · B(k+1, n−k+1) · P(Bin(n+1, ½) ≤ k)
 * (the incomplete beta at 1/2 is a binomial tail). By Ville's inequality failing once E_n ≥ 1/α
 * is a level-α test however long and often one looks. The price of the sign: at least
 * log2(1/α) + a few minutes, all of them slow, before it can fail (9 at α = 1 %).
 */
import { binomialCdf, logBeta } from './math.js'
import { minimumSample, type SampleCheck, type SampleRule } from './sample.js'

export interface SidePercentile {
  requests: number
  /** The minute's percentile in seconds; undefined when CloudWatch had none. */
  value?: number
}

export interface LatencyMinute {
  at: number
  blue: SidePercentile
  green: SidePercentile
}

export interface LatencyOptions extends SampleRule {
  alpha: number
  /** Green may be this much slower (0.1 = 10 %) before a minute counts as slow; default 0.1. */
  relativeTolerance?: number
  /** ...plus this many seconds; default 0. */
  absoluteTolerance?: number
  /** A side's requests in a minute below this: the minute is not compared. Default 100 (p99). */
  minRequestsPerMinute?: number
}

export interface LatencyVerdict {
  status: 'pass' | 'fail' | 'pending'
  eValue: number
  maxEValue: number
  threshold: number
  failedAfterMinutes?: number
  /** Minutes compared, and among them those where green was slower beyond the tolerance. */
  compared: number
  slower: number
  sample: SampleCheck
}

/** The mixture e-value after `slower` slow minutes out of `compared`. */
export function signTestEValue(slower: number, compared: number): number {
  if (!Number.isInteger(compared) || compared < 0 || !Number.isInteger(slower)) {
    throw new RangeError(`counts must be whole numbers, got ${slower} of ${compared}`)
  }
  if (slower < 0 || slower > compared) throw new RangeError(`${slower} of ${compared} minutes`)
  const logE =
    (compared + 1) * Math.LN2 +
    logBeta(slower + 1, compared - slower + 1) +
    Math.log(binomialCdf(slower, compared + 1, 0.5))
  return Math.exp(logE)
}

function checkOptions(options: LatencyOptions): Required<Omit<LatencyOptions, 'minRequests'>> {
  const relativeTolerance = options.relativeTolerance ?? 0.1
  const absoluteTolerance = options.absoluteTolerance ?? 0
  const minRequestsPerMinute = options.minRequestsPerMinute ?? 100
  if (!(options.alpha > 0 && options.alpha < 1)) {
    throw new RangeError(`alpha must be between 0 and 1, got ${options.alpha}`)
  }
  if (!(relativeTolerance >= 0) || !(absoluteTolerance >= 0)) {
    throw new RangeError('tolerances must be ≥ 0')
  }
  if (!Number.isInteger(minRequestsPerMinute) || minRequestsPerMinute < 1) {
    throw new RangeError(`minRequestsPerMinute must be a whole number ≥ 1`)
  }
  return { alpha: options.alpha, relativeTolerance, absoluteTolerance, minRequestsPerMinute }
}

/** 1 (slower), 0 (not), or undefined (not comparable: too few requests or no percentile). */
export function minuteIsSlower(
  minute: LatencyMinute,
  options: Omit<LatencyOptions, 'minRequests' | 'alpha'>
): 0 | 1 | undefined {
  const { blue, green } = minute
  const least = options.minRequestsPerMinute ?? 100
  if (blue.requests < least || green.requests < least) return undefined
  if (blue.value === undefined || green.value === undefined) return undefined
  const allowed =
    blue.value * (1 + (options.relativeTolerance ?? 0.1)) + (options.absoluteTolerance ?? 0)
  return green.value > allowed ? 1 : 0
}

export function latencyTest(
  minutes: readonly LatencyMinute[],
  options: LatencyOptions
): LatencyVerdict {
  const settings = checkOptions(options)
  const threshold = 1 / settings.alpha
  let compared = 0
  let slower = 0
  let eValue = 1
  let maxEValue = 1
  let failedAfterMinutes: number | undefined
  let blueRequests = 0
  let greenRequests = 0
  minutes.forEach((minute, index) => {
    blueRequests += minute.blue.requests
    greenRequests += minute.green.requests
    const slow = minuteIsSlower(minute, settings)
    if (slow === undefined) return
    compared += 1
    slower += slow
    eValue = signTestEValue(slower, compared)
    maxEValue = Math.max(maxEValue, eValue)
    if (failedAfterMinutes === undefined && eValue >= threshold) failedAfterMinutes = index + 1
  })
  const sample = minimumSample(blueRequests, greenRequests, options)
  const status = failedAfterMinutes !== undefined ? 'fail' : sample.met ? 'pass' : 'pending'
  return { status, eValue, maxEValue, threshold, failedAfterMinutes, compared, slower, sample }
}
