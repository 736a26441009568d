import { describe, expect, it } from '@jest/globals'
import {
  firstAbove,
  fixedThresholdScores,
  mannWhitneyScores,
  mannWhitneyZ,
  tuneThreshold
} from '../../bench/canary/baselines.js'
import { CANARY, runCanaryExperiment, sequentialDetection } from '../../bench/canary/experiment.js'
import { canaryFigures, quantile } from '../../bench/canary/figures.js'
import { binomial, simulateRuns } from '../../bench/canary/simulate.js'
import { seededRandom } from '../../sandbox/random.js'

describe('canary bench simulation', () => {
  it('draws binomials with the right mean and variance, both sides of p = 1/2', () => {
    const random = seededRandom(3)
    for (const [n, p] of [
      [3000, 0.01],
      [3000, 0.1],
      [50, 0.9]
    ]) {
      const draws = Array.from({ length: 20_000 }, () => binomial(random, n, p))
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length
      const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length
      expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / draws.length))
      expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.95)
      expect(variance / (n * p * (1 - p))).toBeLessThan(1.05)
    }
    expect(binomial(random, 10, 0)).toBe(0)
    expect(binomial(random, 10, 1)).toBe(10)
  })

  it('repeats the same runs from the same seed, and splits requests by weight', () => {
    const scenario = {
      requestsPerMinute: 3000,
      greenShare: 0.1,
      blueErrorRate: 0.01,
      ratio: 2,
      minutes: 5
    }
    const [a, b] = [simulateRuns(7, 2, scenario), simulateRuns(7, 2, scenario)]
    expect(a).toEqual(b)
    for (const minute of a[0]) {
      expect(minute.blue.requests + minute.green.requests).toBe(3000)
      expect(minute.green.requests).toBeGreaterThan(230)
      expect(minute.green.requests).toBeLessThan(370)
    }
  })
})

describe('canary bench baselines', () => {
  it('computes the one-sided Mann-Whitney z with ties as SciPy does', () => {
    // scipy.stats.mannwhitneyu(g, b, alternative='greater', method='asymptotic') → p 0.0780,
    // norm.isf(p) = 1.4185186364483267.
    const z = mannWhitneyZ([0.02, 0.03, 0.01, 0.03, 0.05], [0.01, 0.01, 0.02, 0.012, 0.03, 0.01])
    expect(z).toBeCloseTo(1.4185186364483267, 12)
    expect(mannWhitneyZ([1, 1], [1, 1])).toBe(0)
  })

  it('scores per minute and tunes a threshold that fails at most ⌊α·runs⌋ runs', () => {
    const minute = (g: number, y: number) => ({
      at: 0,
      blue: { requests: 900, errors: 9 },
      green: { requests: g, errors: y }
    })
    expect(fixedThresholdScores([minute(100, 5), minute(0, 0)])).toEqual([0.05, 0])
    expect(mannWhitneyScores([minute(100, 5), minute(100, 5)])).toEqual([-Infinity, -Infinity])
    const runs = [[1, 5], [2], [3, 0], [4], [9], [6], [7], [8], [0.5], [10]]
    const threshold = tuneThreshold(runs, 0.2)
    expect(threshold).toBe(8)
    expect(runs.filter((scores) => firstAbove(scores, threshold) !== undefined)).toHaveLength(2)
    expect(firstAbove([1, 9, 10], 8)).toBe(2)
    expect(firstAbove([1], 8)).toBeUndefined()
  })

  it('finds the minute the sequential test first reaches 1/α', () => {
    const bad = { at: 0, blue: { requests: 2700, errors: 27 }, green: { requests: 300, errors: 8 } }
    expect(sequentialDetection([bad, bad, bad, bad], 0.01)).toBe(3)
    expect(sequentialDetection([], 0.01)).toBeUndefined()
  })

  it('takes nearest-rank quantiles', () => {
    expect(quantile([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 0.9)).toBe(9)
    expect(quantile([], 0.5)).toBeNaN()
  })
})

describe('canary bench experiment', () => {
  it('runs end to end on a small scale and reports every method', () => {
    const settings = { ...CANARY, aaRuns: 50, tuningRuns: 50, detectionRuns: 30, latencyRuns: 5 }
    const m = runCanaryExperiment(settings, 5)
    expect(m.falseFail.sequential).toBeLessThanOrEqual(0.04)
    expect(m.thresholds.fixedThresholdRate).toBeGreaterThan(0.01)
    expect(m.detection.map((d) => d.ratio)).toEqual([2, 1.5])
    for (const d of m.detection) expect(d.minutes.sequential).toHaveLength(30)
    const figures = canaryFigures(m)
    expect(figures.every((f) => f.section === '8. Canary analysis')).toBe(true)
    expect(figures.every((f) => f.values.every(Number.isFinite))).toBe(true)
    expect(figures.find((f) => f.goal?.max === 6)?.name).toBe(
      "Minutes to detect 2× blue's 5XX rate, sequential e-value"
    )
  })
})
