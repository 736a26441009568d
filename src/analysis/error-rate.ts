/**
 * Is green's 5XX rate worse than blue's? An anytime-valid test, so a gate may look every minute
 * for as long as it likes without inflating its false alarms.
 *
 * Model: in minute t blue serves b_t requests at 5XX rate r, green g_t at rate θ·r. Conditional
 * on the minute's total n_t = x_t + y_t of 5XX (blue x_t, green y_t), green's count is
 * Binomial(n_t, π_t(θ)) with π_t(θ) = θ·p_t / (θ·p_t + 1 − p_t), p_t = g_t / (b_t + g_t): the
 * odds that a 5XX is green's are θ times green's share of requests (exact when 5XX are Poisson,
 * and the rate r, unknown and drifting, cancels). H0 is θ ≤ 1: green no worse. (With binomial
 * 5XX at equal rates the count is hypergeometric instead, which is smaller than the binomial in
 * convex order (Hoeffding 1963); L_t below is convex in y, so its mean is still ≤ 1.)
 *
 * Evidence: for one alternative θ the minute's likelihood ratio is
 *   L_t(θ) = (π_t / p_t)^y_t · ((1 − π_t) / (1 − p_t))^x_t.
 * Under θ = 1, E[L_t | past, b_t, g_t, n_t] = Σ_y Bin(y; n_t, p_t)·(π/p)^y·((1−π)/(1−p))^(n−y)
 * = Σ_y Bin(y; n_t, π_t) = 1, so Π_t L_t is a martingale with mean 1; a mixture Σ_k w_k Π_t
 * L_t(θ_k) with weights fixed in advance is one too (a sum of martingales). Under θ < 1 green's
 * count is stochastically smaller and L_t(θ_k) grows with y for θ_k ≥ 1, so the expectation is
 * ≤ 1: a nonnegative supermartingale under all of H0. Ville's inequality then bounds
 * P(sup_t M_t ≥ 1/α) ≤ α: failing the first time M_t reaches 1/α is a level-α test at any
 * stopping time. This is the mixture SPRT (Johari, Koomen, Pekelis & Walsh, "Always Valid
 * Inference: Continuous Monitoring of A/B Tests", Operations Research 2022) on the conditional
 * binomial of Lindon & Malek, "Anytime-Valid Inference for Multinomial Count Data", NeurIPS 2022;
 * a discrete mixture because p_t changes with each step, which breaks their Beta conjugacy.
 */
import { logSumExp } from './math.js'
import { checkSideMinute, type MinutePair, type SideTotals, totals } from './minutes.js'
import { minimumSample, type SampleCheck, type SampleRule } from './sample.js'

/**
 * How much worse green may be, and how much prior weight each ratio gets. Most of it sits at
 * 1.5–3×, the range a canary has to catch within minutes; 5× and 10× catch outages at once.
 */
export const DEFAULT_RATIOS: readonly number[] = [1.25, 1.5, 2, 3, 5, 10]
export const DEFAULT_WEIGHTS: readonly number[] = [0.1, 0.2, 0.35, 0.2, 0.1, 0.05]

export interface ErrorRateOptions extends SampleRule {
  /** The false-fail probability over the whole run, e.g. 0.01: fail at e-value ≥ 1/α. */
  alpha: number
  /** Alternatives θ > 1 (green's rate ÷ blue's); default DEFAULT_RATIOS. */
  ratios?: readonly number[]
  /** Their prior weights (normalized here); default DEFAULT_WEIGHTS. */
  weights?: readonly number[]
}

export interface ErrorRateVerdict {
  status: 'pass' | 'fail' | 'pending'
  /** The mixture likelihood ratio after the last minute. */
  eValue: number
  /** The largest it has been: reaching 1/α once fails for good. */
  maxEValue: number
  threshold: number
  /** Minutes (from the first) after which it first reached 1/α. */
  failedAfterMinutes?: number
  /** Minutes with 5XX on both sides' traffic, the ones that carry evidence. */
  informativeMinutes: number
  blue: SideTotals
  green: SideTotals
  /** Green's pooled 5XX rate ÷ blue's (Infinity when only green has 5XX). */
  rateRatio: number | undefined
  sample: SampleCheck
}

function checkOptions(options: Omit<ErrorRateOptions, 'minRequests'>): {
  ratios: number[]
  logWeights: number[]
} {
  if (!(options.alpha > 0 && options.alpha < 1)) {
    throw new RangeError(`alpha must be between 0 and 1, got ${options.alpha}`)
  }
  const ratios = [...(options.ratios ?? DEFAULT_RATIOS)]
  const weights = [...(options.weights ?? (options.ratios ? ratios.map(() => 1) : DEFAULT_WEIGHTS))]
  if (ratios.length === 0 || ratios.length !== weights.length) {
    throw new RangeError('ratios and weights must be non-empty lists of the same length')
  }
  if (ratios.some((ratio) => !(ratio > 1) || !Number.isFinite(ratio))) {
    throw new RangeError(`every ratio must be a number > 1, got ${ratios.join(', ')}`)
  }
  if (weights.some((weight) => !(weight > 0) || !Number.isFinite(weight))) {
    throw new RangeError(`every weight must be > 0, got ${weights.join(', ')}`)
  }
  const sum = weights.reduce((a, b) => a + b, 0)
  return { ratios, logWeights: weights.map((weight) => Math.log(weight / sum)) }
}

/** The running test, one minute at a time (the bench feeds it thousands of runs). */
export class ErrorRateMartingale {
  private readonly ratios: number[]
  /** ln(w_k · Π_t L_t(θ_k)) per alternative. */
  private readonly logTerms: number[]
  private informative = 0

  constructor(options: Omit<ErrorRateOptions, 'minRequests'>) {
    const { ratios, logWeights } = checkOptions(options)
    this.ratios = ratios
    this.logTerms = logWeights
  }

  /** Adds a minute; returns the e-value after it. */
  update(minute: MinutePair): number {
    checkSideMinute(minute.blue, 'blue')
    checkSideMinute(minute.green, 'green')
    const b = minute.blue.requests
    const g = minute.green.requests
    const x = minute.blue.errors
    const y = minute.green.errors
    // Without both sides' traffic, or without a 5XX, the minute says nothing about θ: L_t = 1.
    if (b > 0 && g > 0 && x + y > 0) {
      this.informative += 1
      const p = g / (b + g)
      this.ratios.forEach((theta, k) => {
        const pi = (theta * p) / (theta * p + 1 - p)
        this.logTerms[k] += y * Math.log(pi / p) + x * Math.log((1 - pi) / (1 - p))
      })
    }
    return this.eValue
  }

  get eValue(): number {
    return Math.exp(logSumExp(this.logTerms))
  }

  get informativeMinutes(): number {
    return this.informative
  }
}

export function errorRateTest(
  minutes: readonly MinutePair[],
  options: ErrorRateOptions
): ErrorRateVerdict {
  const martingale = new ErrorRateMartingale(options)
  const threshold = 1 / options.alpha
  let maxEValue = 1
  let failedAfterMinutes: number | undefined
  minutes.forEach((minute, index) => {
    const e = martingale.update(minute)
    maxEValue = Math.max(maxEValue, e)
    if (failedAfterMinutes === undefined && e >= threshold) failedAfterMinutes = index + 1
  })
  const blue = totals(minutes.map((minute) => minute.blue))
  const green = totals(minutes.map((minute) => minute.green))
  const sample = minimumSample(blue.requests, green.requests, options)
  let rateRatio: number | undefined
  if (
    blue.rate !== undefined &&
    green.rate !== undefined &&
    (blue.errors > 0 || green.errors > 0)
  ) {
    rateRatio = blue.errors === 0 ? Infinity : green.rate / blue.rate
  }
  const status = failedAfterMinutes !== undefined ? 'fail' : sample.met ? 'pass' : 'pending'
  return {
    status,
    eValue: martingale.eValue,
    maxEValue,
    threshold,
    failedAfterMinutes,
    informativeMinutes: martingale.informativeMinutes,
    blue,
    green,
    rateRatio,
    sample
  }
}
