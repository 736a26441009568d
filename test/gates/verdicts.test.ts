import { describe, expect, it } from '@jest/globals'
import type { GateResult } from '../../src/gates/gate.js'
import { WaitingSince, worstOf } from '../../src/gates/verdicts.js'

const pass = (detail: string): GateResult => ({ status: 'pass', detail })
const pending = (detail: string): GateResult => ({ status: 'pending', detail })
const fail = (detail: string): GateResult => ({ status: 'fail', detail })

describe('worstOf', () => {
  it('passes with every detail when all parts pass', () => {
    expect(worstOf([pass('a'), pass('b')])).toEqual({ status: 'pass', detail: 'a; b' })
  })

  it('is pending with only the pending details while nothing fails', () => {
    expect(worstOf([pass('a'), pending('b'), pending('c')])).toEqual({
      status: 'pending',
      detail: 'b; c'
    })
  })

  it('fails with only the failing details, whatever else is pending', () => {
    expect(worstOf([pending('a'), fail('b'), pass('c'), fail('d')])).toEqual({
      status: 'fail',
      detail: 'b; d'
    })
  })

  it('refuses an empty list rather than invent a verdict', () => {
    expect(() => worstOf([])).toThrow('at least one result')
  })
})

describe('WaitingSince', () => {
  it('times each key from when it was first seen waiting', () => {
    const waiting = new WaitingSince()
    expect(waiting.waited('a', 1000)).toBe(0)
    expect(waiting.waited('a', 4000)).toBe(3000)
    expect(waiting.waited('b', 4000)).toBe(0)
  })

  it('starts afresh after stop()', () => {
    const waiting = new WaitingSince()
    waiting.waited('a', 1000)
    waiting.stop('a')
    expect(waiting.waited('a', 5000)).toBe(0)
  })

  it('track() starts the keys waiting now and forgets the others', () => {
    const waiting = new WaitingSince()
    waiting.track(['a', 'b'], 1000)
    waiting.track(['b', 'c'], 3000)
    expect(waiting.waited('b', 6000)).toBe(5000)
    expect(waiting.waited('c', 6000)).toBe(3000)
    expect(waiting.waited('a', 6000)).toBe(0)
  })
})
