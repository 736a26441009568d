import { describe, expect, it } from '@jest/globals'
import { ErrorRateMartingale, errorRateTest } from '../../src/analysis/error-rate.js'
import { binomialLogPmf } from '../../src/analysis/math.js'
import type { MinutePair } from '../../src/analysis/minutes.js'

const minute = (b: number, x: number, g: number, y: number, at = 0): MinutePair => ({
  at,
  blue: { requests: b, errors: x },
  green: { requests: g, errors: y }
})

describe('anytime-valid error-rate test', () => {
  it('computes the likelihood ratio of one alternative exactly', () => {
    // p = 0.1, θ = 2: π = 0.2/1.1; L = (π/p)^3 · ((1−π)/(1−p))^9 = 2.5490465416828516
    const test = new ErrorRateMartingale({ alpha: 0.01, ratios: [2], weights: [1] })
    expect(test.update(minute(900, 9, 100, 3))).toBeCloseTo(2.5490465416828516, 12)
  })

  it('mixes the default alternatives with their prior weights across minutes', () => {
    const test = new ErrorRateMartingale({ alpha: 0.01 })
    test.update(minute(900, 9, 100, 3))
    // Σ_k w_k Π_t L_t(θ_k) for the two minutes, computed by hand in Python.
    expect(test.update(minute(2700, 27, 300, 9))).toBeCloseTo(36.90005546116532, 9)
  })

  it('has mean exactly 1 when green is as good as blue (a martingale under H0)', () => {
    // Σ_y Bin(y; n, p) · M(y) over every outcome of one minute with n = 20 5XX, p = 0.25.
    let mean = 0
    for (let y = 0; y <= 20; y += 1) {
      const e = new ErrorRateMartingale({ alpha: 0.01 }).update(minute(300, 20 - y, 100, y))
      mean += Math.exp(binomialLogPmf(y, 20, 0.25)) * e
    }
    expect(mean).toBeCloseTo(1, 12)
  })

  it('has mean below 1 when green is better (a supermartingale on all of H0)', () => {
    // θ = 0.5: a 5XX is green's with probability 0.5·0.25 / (0.5·0.25 + 0.75) = 1/7.
    let mean = 0
    for (let y = 0; y <= 20; y += 1) {
      const e = new ErrorRateMartingale({ alpha: 0.01 }).update(minute(300, 20 - y, 100, y))
      mean += Math.exp(binomialLogPmf(y, 20, 1 / 7)) * e
    }
    expect(mean).toBeLessThan(0.5)
  })

  it('ignores minutes without 5XX or without both sides, and refuses impossible counts', () => {
    const test = new ErrorRateMartingale({ alpha: 0.01 })
    expect(test.update(minute(900, 0, 100, 0))).toBe(1)
    expect(test.update(minute(0, 0, 100, 5))).toBe(1)
    expect(test.informativeMinutes).toBe(0)
    expect(() => test.update(minute(10, 11, 10, 0))).toThrow(RangeError)
    expect(() => new ErrorRateMartingale({ alpha: 0.01, ratios: [0.9] })).toThrow(RangeError)
  })

  it('fails once the e-value reaches 1/α and stays failed, with the figures', () => {
    // 8 of 35 5XX green's at a 10 % share: e-values 6.89, 59.6, 563 (computed by hand).
    const bad = [minute(2700, 27, 300, 8), minute(2700, 27, 300, 8), minute(2700, 27, 300, 8)]
    const verdict = errorRateTest(bad, { alpha: 0.01, minRequests: 100 })
    expect(verdict.status).toBe('fail')
    expect(verdict.threshold).toBe(100)
    expect(verdict.failedAfterMinutes).toBe(3)
    expect(verdict.eValue).toBeCloseTo(563.0273571933232, 8)
    expect(verdict.maxEValue).toBeGreaterThanOrEqual(100)
    expect(verdict.green.errors).toBe(24)
    expect(verdict.blue.rate).toBeCloseTo(0.01, 12)
    expect(verdict.rateRatio).toBeCloseTo(24 / 900 / (81 / 8100), 12)
    // One good minute later the e-value may drop, the verdict does not.
    const later = errorRateTest([...bad, minute(2700, 40, 300, 0)], { alpha: 0.01, minRequests: 0 })
    expect(later.eValue).toBeLessThan(later.maxEValue)
    expect(later.status).toBe('fail')
  })

  it('is pending below the minimum sample and passes above it when green is fine', () => {
    const fine = [minute(2700, 27, 300, 3), minute(2700, 27, 300, 3)]
    expect(errorRateTest(fine, { alpha: 0.01, minRequests: 1000 }).status).toBe('pending')
    const verdict = errorRateTest(fine, { alpha: 0.01, minRequests: 600 })
    expect(verdict.status).toBe('pass')
    expect(verdict.eValue).toBeLessThan(1)
    expect(verdict.rateRatio).toBeCloseTo(1, 12)
    expect(errorRateTest([minute(100, 0, 100, 2)], { alpha: 0.01, minRequests: 0 }).rateRatio).toBe(
      Infinity
    )
  })
})
