/**
 * The few special functions the tests need: log-gamma, the binomial distribution's log-pmf and
 * exact tails, and a stable log-sum-exp. Our own because a statistics library would be most of
 * the bundle for four functions; each is checked against published values in test/analysis.
 */

/** Lanczos coefficients (g = 7, n = 9): about 15 significant digits for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7
]

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`)
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0]
  for (let i = 1; i < LANCZOS.length; i += 1) sum += LANCZOS[i] / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b)
}

/** ln(Σ exp(x)), without overflow; −Infinity for an empty list. */
export function logSumExp(values: readonly number[]): number {
  const top = Math.max(...values)
  if (!Number.isFinite(top)) return top
  let sum = 0
  for (const value of values) sum += Math.exp(value - top)
  return top + Math.log(sum)
}

function checkBinomial(n: number, p: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0, got ${n}`)
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be within [0, 1], got ${p}`)
}

/** ln P(X = k) for X ~ Binomial(n, p). */
export function binomialLogPmf(k: number, n: number, p: number): number {
  checkBinomial(n, p)
  if (!Number.isInteger(k) || k < 0 || k > n) return -Infinity
  if (p === 0) return k === 0 ? 0 : -Infinity
  if (p === 1) return k === n ? 0 : -Infinity
  return (
    logGamma(n + 1) -
    logGamma(k + 1) -
    logGamma(n - k + 1) +
    k * Math.log(p) +
    (n - k) * Math.log1p(-p)
  )
}

/**
 * Σ P(X = j) from j = k away from the mean (down to 0, or up to n), relative to P(X = k) so
 * nothing underflows; terms only shrink on that side, so it stops once they stop counting.
 */
function tailFrom(k: number, n: number, p: number, direction: -1 | 1): number {
  const start = binomialLogPmf(k, n, p)
  if (start === -Infinity) return 0
  let term = 1
  let sum = 1
  for (let j = k; direction < 0 ? j > 0 : j < n; j += direction) {
    // pmf(j−1)/pmf(j) = j(1−p) / ((n−j+1)p); pmf(j+1)/pmf(j) = (n−j)p / ((j+1)(1−p))
    term *= direction < 0 ? (j * (1 - p)) / ((n - j + 1) * p) : ((n - j) * p) / ((j + 1) * (1 - p))
    sum += term
    if (term < sum * 1e-17) break
  }
  return Math.exp(start + Math.log(sum))
}

/** P(X ≤ k) for X ~ Binomial(n, p), exact to double precision. */
export function binomialCdf(k: number, n: number, p: number): number {
  checkBinomial(n, p)
  if (k < 0) return 0
  if (k >= n) return 1
  const whole = Math.floor(k)
  if (p === 0) return 1
  if (p === 1) return 0
  if (whole <= n * p) return Math.min(1, tailFrom(whole, n, p, -1))
  return Math.max(0, 1 - tailFrom(whole + 1, n, p, 1))
}

/** P(X ≥ k) for X ~ Binomial(n, p), exact to double precision. */
export function binomialSurvival(k: number, n: number, p: number): number {
  checkBinomial(n, p)
  if (k <= 0) return 1
  if (k > n) return 0
  const whole = Math.ceil(k)
  if (p === 0) return 0
  if (p === 1) return 1
  if (whole >= n * p) return Math.min(1, tailFrom(whole, n, p, 1))
  return Math.max(0, 1 - tailFrom(whole - 1, n, p, -1))
}
