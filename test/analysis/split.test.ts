import { describe, expect, it } from '@jest/globals'
import { checkSplit } from '../../src/analysis/split.js'

const split = (blue: number[], green: number[], weights = [90, 10]) => [
  { id: 'blue', weight: weights[0], requestsPerMinute: blue },
  { id: 'green', weight: weights[1], requestsPerMinute: green }
]

describe('observed split check', () => {
  it('accepts a share inside the exact binomial tolerance and states that tolerance', () => {
    // 9,000 requests at 10 %: SciPy's binom gives 827..974 as the counts a 1 % test accepts.
    const verdict = checkSplit(split([2700, 2700, 2700], [300, 300, 300]), { alpha: 0.01 })
    expect(verdict.status).toBe('agrees')
    expect(verdict.total).toBe(9000)
    expect(verdict.minutes).toBe(3)
    const green = verdict.groups[1]
    expect(green.observedShare).toBeCloseTo(0.1, 12)
    expect(green.accepted.low).toBeCloseTo(827 / 9000, 12)
    expect(green.accepted.high).toBeCloseTo(974 / 9000, 12)
    expect(green.deviation).toBe('none')
  })

  it('flags just outside the tolerance, with the direction, and not just inside', () => {
    const over = checkSplit(split([8025], [975]), { alpha: 0.01 })
    expect(over.status).toBe('deviates')
    expect(over.groups[1].deviation).toBe('over')
    expect(over.groups[0].deviation).toBe('under')
    expect(over.detail).toContain('green 10.8% of 9,000 requests, expected 10.0%')
    expect(checkSplit(split([8026], [974]), { alpha: 0.01 }).status).toBe('agrees')
    const under = checkSplit(split([8174], [826]), { alpha: 0.01 })
    expect(under.groups[1].deviation).toBe('under')
    expect(checkSplit(split([8173], [827]), { alpha: 0.01 }).status).toBe('agrees')
  })

  it('gives the two-sided exact p-value', () => {
    // 2·min(P(X ≥ 960), P(X ≤ 960)) for Binomial(9000, 0.1), from SciPy.
    const verdict = checkSplit(split([8040], [960]), { alpha: 0.01 })
    expect(verdict.groups[1].pValue).toBeCloseTo(0.03795612286211581, 10)
  })

  it('treats a weight-0 group that got requests as a deviation', () => {
    const verdict = checkSplit(split([1000], [1], [1, 0]), { alpha: 0.01 })
    expect(verdict.status).toBe('deviates')
    expect(verdict.groups[1].deviation).toBe('over')
  })

  it('tolerates a margin that matters little', () => {
    const groups = split([8800], [1200])
    expect(checkSplit(groups, { alpha: 0.01 }).status).toBe('deviates')
    expect(checkSplit(groups, { alpha: 0.01, margin: 0.03 }).status).toBe('agrees')
  })

  it('is pending below the minimum sample, and splits α over more than two groups', () => {
    expect(checkSplit(split([5], [5]), { alpha: 0.01, minRequests: 100 }).status).toBe('pending')
    const three = checkSplit(
      [
        { id: 'a', weight: 1, requestsPerMinute: [100] },
        { id: 'b', weight: 1, requestsPerMinute: [100] },
        { id: 'c', weight: 1, requestsPerMinute: [100] }
      ],
      { alpha: 0.03 }
    )
    expect(three.groupAlpha).toBeCloseTo(0.01, 12)
    expect(three.status).toBe('agrees')
  })

  it('refuses inputs that cannot be', () => {
    expect(() => checkSplit(split([1.5], [1]), { alpha: 0.01 })).toThrow(RangeError)
    expect(() => checkSplit(split([1], [1]), { alpha: 1 })).toThrow(RangeError)
    expect(() => checkSplit(split([1], [1], [0, 0]), { alpha: 0.01 })).toThrow('every weight is 0')
  })
})
