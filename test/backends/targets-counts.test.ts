import { describe, expect, it } from '@jest/globals'
import {
  choose,
  countsAt,
  countsFor,
  quantizeSplit,
  shareOf,
  type Standing
} from '../../src/backends/targets-counts.js'
import { Split } from '../../src/split.js'

const pct = (percent: number) => Split.ofPercent(percent)

describe('countsAt: green registered = ceil(P·G), blue kept = B − floor(P·B)', () => {
  it.each([
    // 3 blue → 5 green
    [3, 5, 0, 0, 3],
    [3, 5, 10, 1, 3],
    [3, 5, 25, 2, 3],
    [3, 5, 50, 3, 2],
    [3, 5, 75, 4, 1],
    [3, 5, 100, 5, 0],
    // 4 blue → 4 green
    [4, 4, 10, 1, 4],
    [4, 4, 25, 1, 3],
    [4, 4, 50, 2, 2],
    [4, 4, 75, 3, 1],
    [4, 4, 100, 4, 0],
    // 5 blue → 3 green, and a 0.1 % step on a large fleet
    [5, 3, 50, 2, 3],
    [400, 400, 0.1, 1, 400]
  ])('%d blue → %d green at %d %%: %d green, %d blue', (b, g, percent, wantGreen, wantBlue) => {
    expect(countsAt(pct(percent), b, g)).toEqual({ green: wantGreen, blue: wantBlue })
  })
})

describe('quantizeSplit: the split whole targets carry', () => {
  const total = { blue: 3, green: 5 }

  it('3 blue → 5 green at "10 %" carries 25 %: 1 green beside 3 blue', () => {
    expect(quantizeSplit(pct(10), Split.BLUE, total, { blue: 3, green: 0 }).percent).toBe(25)
  })

  it.each([
    [50, 60],
    [75, 80],
    [100, 100],
    [0.1, 25]
  ])('at "%d %%" carries %d %%', (asked, carried) => {
    expect(quantizeSplit(pct(asked), Split.BLUE, total, { blue: 3, green: 0 }).percent).toBe(
      carried
    )
  })

  it('keeps green a killed run left starting when moving toward green', () => {
    // 4 blue registered, 2 green registered and still initial: the live split is 0 %.
    const carried = quantizeSplit(pct(10), Split.BLUE, { blue: 4, green: 4 }, { blue: 4, green: 2 })
    expect(carried).toEqual(shareOf(2, 4))
  })

  it('answers the live split itself when asked for it', () => {
    expect(quantizeSplit(pct(20), pct(20), { blue: 4, green: 4 }, { blue: 4, green: 1 })).toEqual(
      pct(20)
    )
  })

  it('is a no-op for a partial run asked again (20 % live for "10 %" on 4 → 4)', () => {
    expect(
      quantizeSplit(pct(10), pct(20), { blue: 4, green: 4 }, { blue: 4, green: 1 }).percent
    ).toBe(20)
  })
})

describe('countsFor: the counts that carry a quantized split exactly', () => {
  it('round-trips where countsAt does not (25 % on 3 → 5 is 1 + 3, not 2 + 3)', () => {
    expect(countsAt(pct(25), 3, 5)).toEqual({ green: 2, blue: 3 })
    expect(countsFor(pct(25), Split.BLUE, { blue: 3, green: 5 }, { blue: 3, green: 0 })).toEqual({
      green: 1,
      blue: 3
    })
  })

  it('takes the pair with most capacity, so 33.3 % on 4 → 4 is 2 + 4, not 1 + 2', () => {
    expect(
      countsFor(shareOf(2, 4), Split.BLUE, { blue: 4, green: 4 }, { blue: 4, green: 2 })
    ).toEqual({ green: 2, blue: 4 })
  })

  it('puts every blue target back on a run to 0 %', () => {
    expect(
      countsFor(Split.BLUE, Split.GREEN, { blue: 3, green: 5 }, { blue: 0, green: 5 })
    ).toEqual({ green: 0, blue: 3 })
  })

  it('refuses a split the targets cannot carry', () => {
    expect(() =>
      countsFor(pct(33), Split.BLUE, { blue: 1, green: 1 }, { blue: 1, green: 0 })
    ).toThrow('plan() takes quantized splits')
  })
})

describe('choose', () => {
  const keys = ['a', 'b', 'c', 'd']
  const standing =
    (map: Record<string, Standing>) =>
    (key: string): Standing =>
      map[key] ?? 'absent'

  it('grows by adding in list order and keeps what is registered', () => {
    expect([...choose(keys, standing({ c: 'healthy' }), 2)]).toEqual(['c', 'a'])
  })

  it('shrinks by keeping the healthiest first, then list order, and registers nothing', () => {
    const now = standing({ a: 'broken', b: 'healthy', c: 'waiting', d: 'healthy' })
    expect([...choose(keys, now, 2)]).toEqual(['b', 'd'])
    expect([...choose(keys, now, 3)]).toEqual(['b', 'd', 'c'])
  })

  it('re-registers draining targets only after fresh ones', () => {
    expect([...choose(keys, standing({ a: 'draining' }), 3)]).toEqual(['b', 'c', 'd'])
    expect([...choose(keys, standing({ a: 'draining' }), 4)]).toEqual(['b', 'c', 'd', 'a'])
  })
})
