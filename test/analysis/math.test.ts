import { describe, expect, it } from '@jest/globals'
import {
  binomialCdf,
  binomialLogPmf,
  binomialSurvival,
  logBeta,
  logGamma,
  logSumExp
} from '../../src/analysis/math.js'

// Reference values from SciPy 1.17 (scipy.special.gammaln, scipy.stats.binom).
describe('special functions', () => {
  it('computes ln Γ to about 14 digits, small and large', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247, 12)
    expect(logGamma(10)).toBeCloseTo(12.801827480081469, 12)
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 10)
    expect(logGamma(1e6) / 12815504.569147611).toBeCloseTo(1, 13)
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12)
    expect(() => logGamma(0)).toThrow(RangeError)
  })

  it('adds in log space without overflow', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12)
    expect(logSumExp([])).toBe(-Infinity)
  })

  it('gives exact binomial tails for small n', () => {
    expect(binomialCdf(3, 10, 0.5)).toBeCloseTo(176 / 1024, 14)
    expect(binomialSurvival(8, 10, 0.5)).toBeCloseTo(56 / 1024, 14)
    expect(Math.exp(binomialLogPmf(2, 4, 0.5))).toBeCloseTo(6 / 16, 14)
    expect(binomialCdf(-1, 10, 0.3)).toBe(0)
    expect(binomialCdf(10, 10, 0.3)).toBe(1)
    expect(binomialSurvival(0, 10, 0.3)).toBe(1)
    expect(binomialSurvival(11, 10, 0.3)).toBe(0)
  })

  it('handles p = 0 and p = 1', () => {
    expect(binomialSurvival(1, 50, 0)).toBe(0)
    expect(binomialCdf(49, 50, 1)).toBe(0)
    expect(binomialCdf(0, 50, 0)).toBe(1)
  })

  it('stays exact far out in the tails of large samples', () => {
    expect(binomialCdf(9000, 90000, 0.1)).toBeCloseTo(0.502807331764733, 10)
    expect(binomialSurvival(9200, 90000, 0.1) / 0.013520311479474726).toBeCloseTo(1, 9)
    expect(binomialCdf(8800, 90000, 0.1) / 0.013123811081309824).toBeCloseTo(1, 9)
    expect(binomialSurvival(31, 3000, 0.005) / 0.00018914000723662658).toBeCloseTo(1, 9)
    expect(binomialCdf(2, 3000, 0.005) / 3.82019097558852e-5).toBeCloseTo(1, 9)
    expect(binomialCdf(999_999, 10_000_000, 0.1)).toBeCloseTo(0.4998458085694785, 8)
  })

  it('refuses impossible parameters', () => {
    expect(() => binomialCdf(1, 2.5, 0.5)).toThrow(RangeError)
    expect(() => binomialCdf(1, 5, 1.5)).toThrow(RangeError)
  })
})
