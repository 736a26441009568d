import { describe, expect, it } from '@jest/globals'
import {
  type LatencyMinute,
  latencyTest,
  minuteIsSlower,
  signTestEValue
} from '../../src/analysis/latency.js'

const minute = (blue: number, green: number, requests = 1000): LatencyMinute => ({
  at: 0,
  blue: { requests, value: blue },
  green: { requests, value: green }
})

describe('anytime-valid latency sign test', () => {
  it('has the closed-form mixture e-value (values from SciPy)', () => {
    expect(signTestEValue(0, 0)).toBeCloseTo(1, 12)
    expect(signTestEValue(9, 9)).toBeCloseTo(102.3, 9) // (2^10 − 1) / 10
    expect(signTestEValue(7, 10)).toBeCloseTo(1.375757575757576, 12)
    expect(signTestEValue(0, 5)).toBeCloseTo(1 / 6, 12)
    expect(signTestEValue(3, 3)).toBeCloseTo(3.75, 12)
    expect(() => signTestEValue(4, 3)).toThrow(RangeError)
  })

  it('is a supermartingale at p = 1/2: the mean of the next e-value is the current one', () => {
    // From 3 slow of 5: E[E_6] = ½ E(4, 6) + ½ E(3, 6) = E(3, 5) (a martingale at exactly ½).
    const next = 0.5 * signTestEValue(4, 6) + 0.5 * signTestEValue(3, 6)
    expect(next).toBeCloseTo(signTestEValue(3, 5), 12)
  })

  it('counts a minute slow only beyond the tolerance and with enough requests', () => {
    const options = { relativeTolerance: 0.1, absoluteTolerance: 0.005, minRequestsPerMinute: 100 }
    expect(minuteIsSlower(minute(0.2, 0.226), options)).toBe(1)
    expect(minuteIsSlower(minute(0.2, 0.224), options)).toBe(0)
    expect(minuteIsSlower(minute(0.2, 0.5, 99), options)).toBeUndefined()
    expect(
      minuteIsSlower(
        { at: 0, blue: { requests: 500 }, green: { requests: 500, value: 1 } },
        options
      )
    ).toBeUndefined()
  })

  it('fails after nine slow minutes at α = 1 %, not eight', () => {
    const slow = Array.from({ length: 9 }, () => minute(0.2, 0.4))
    expect(latencyTest(slow.slice(0, 8), { alpha: 0.01, minRequests: 0 }).status).toBe('pass')
    const verdict = latencyTest(slow, { alpha: 0.01, minRequests: 0 })
    expect(verdict.status).toBe('fail')
    expect(verdict.failedAfterMinutes).toBe(9)
    expect(verdict).toMatchObject({ compared: 9, slower: 9 })
  })

  it('passes an equally fast green once the sample is met, pending before', () => {
    const even = Array.from({ length: 6 }, (_, i) => minute(0.2, i % 2 ? 0.21 : 0.19))
    expect(latencyTest(even, { alpha: 0.01, minRequests: 10_000 }).status).toBe('pending')
    const verdict = latencyTest(even, { alpha: 0.01, minRequests: 5000 })
    expect(verdict.status).toBe('pass')
    expect(verdict.slower).toBe(0)
    expect(verdict.eValue).toBeLessThan(1)
  })
})
