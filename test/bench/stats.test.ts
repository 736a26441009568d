import { describe, expect, it } from '@jest/globals'
import { median, peakRate, relativeSpread, summarize } from '../../bench/stats.js'

describe('bench statistics', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNaN()
  })

  it('summarizes runs with their spread around the median', () => {
    const summary = summarize([10, 12, 8])
    expect(summary).toEqual({ median: 10, min: 8, max: 12, runs: 3 })
    expect(relativeSpread(summary)).toBeCloseTo(0.4)
    expect(relativeSpread(summarize([5]))).toBe(0)
  })

  it('counts the busiest 1 s window, the way a token bucket sees a burst', () => {
    expect(peakRate([0, 100, 200, 1500, 1600])).toBe(3)
    expect(peakRate([0, 999, 1000])).toBe(2)
    expect(peakRate([])).toBe(0)
  })
})
