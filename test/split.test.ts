import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import { parsePercent, Split } from '../src/split.js'

describe('Split', () => {
  it.each([
    [0, 0],
    [0.1, 1],
    [12.5, 125],
    [100, 1000]
  ])('%d %% is %d permille', (percent, permille) => {
    const split = Split.ofPercent(percent)
    expect(split.permille).toBe(permille)
    expect(split.percent).toBe(percent)
    expect(split.bluePercent).toBe(100 - percent)
  })

  it.each([-1, 100.1, Number.NaN, Infinity, 12.55])('refuses %d', (percent) => {
    expect(() => Split.ofPercent(percent)).toThrow(RangeError)
  })

  it('reads weights as green share of the pair', () => {
    expect(Split.ofWeights(900, 100).percent).toBe(10)
    expect(Split.ofWeights(229, 26).percent).toBe(10.2)
    expect(Split.ofWeights(1, 1).percent).toBe(50)
    expect(Split.ofWeights(0, 7).percent).toBe(100)
  })

  it('cannot represent a split where nothing takes traffic', () => {
    expect(() => Split.ofWeights(0, 0)).toThrow('send traffic nowhere')
    expect(() => Split.ofWeights(-1, 2)).toThrow(RangeError)
  })

  it('compares and prints', () => {
    expect(Split.ofPercent(10).equals(Split.ofPercent(10))).toBe(true)
    expect(Split.ofPercent(10).equals(Split.ofPercent(10.1))).toBe(false)
    expect(String(Split.ofPercent(12.5))).toBe('12.5% green')
  })
})

describe('parsePercent', () => {
  it.each([
    ['0', 0],
    ['10', 10],
    ['12.5', 12.5],
    [' 100 ', 100],
    ['25%', 25]
  ])('accepts %j', (raw, percent) => {
    expect(parsePercent('traffic', raw).percent).toBe(percent)
  })

  it.each(['', 'ten', '-5', '100.5', '101', '12.55', '1e2', '0x10', '10,5', 'NaN'])(
    'rejects %j naming the input and what is accepted',
    (raw) => {
      expect(() => parsePercent('traffic', raw)).toThrow(InputError)
      expect(() => parsePercent('traffic', raw)).toThrow(
        `Input 'traffic' has an invalid value ${JSON.stringify(raw)}: expected a number from 0 to 100`
      )
    }
  )
})
