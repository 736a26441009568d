import { describe, expect, it } from '@jest/globals'
import { pairMinutes, totals } from '../../src/analysis/minutes.js'
import { minimumSample } from '../../src/analysis/sample.js'

describe('per-minute counts from CloudWatch series', () => {
  it('sums several load balancers per side and counts a missing datapoint as 0', () => {
    const minutes = pairMinutes(
      {
        requests: [
          { timestamps: [new Date(120_000), new Date(60_000)], values: [10, 20] },
          { timestamps: [60_000], values: [5] }
        ],
        errors: [{ timestamps: [60_000], values: [1] }]
      },
      { requests: [{ timestamps: [120_000], values: [4] }], errors: [] },
      [120_000, 60_000]
    )
    expect(minutes).toEqual([
      { at: 60_000, blue: { requests: 25, errors: 1 }, green: { requests: 0, errors: 0 } },
      { at: 120_000, blue: { requests: 10, errors: 0 }, green: { requests: 4, errors: 0 } }
    ])
    expect(totals(minutes.map((m) => m.blue))).toEqual({ requests: 35, errors: 1, rate: 1 / 35 })
  })

  it('refuses more errors than requests in a minute', () => {
    expect(() =>
      pairMinutes(
        { requests: [], errors: [{ timestamps: [0], values: [1] }] },
        { requests: [], errors: [] },
        [0]
      )
    ).toThrow('blue at 1970-01-01T00:00:00.000Z has 1 errors in 0 requests')
  })
})

describe('minimum-sample rule', () => {
  it('names the sides still short of the minimum', () => {
    expect(minimumSample(5000, 120, { minRequests: 1000 })).toMatchObject({
      met: false,
      detail: 'green 120 of 1,000 requests needed'
    })
    expect(minimumSample(5000, 1000, { minRequests: 1000 }).met).toBe(true)
    expect(() => minimumSample(1, 1, { minRequests: -1 })).toThrow(RangeError)
  })
})
