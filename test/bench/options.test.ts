import { describe, expect, it } from '@jest/globals'
import { parseBenchArgs, RUNS } from '../../bench/options.js'

describe('npm run bench arguments', () => {
  it('measures and prints without recording unless --record is given', () => {
    expect(parseBenchArgs([])).toEqual({ markdown: false, record: false, runs: RUNS })
    expect(parseBenchArgs(['--record']).record).toBe(true)
    expect(parseBenchArgs(['--runs', '1', '--record'])).toEqual({
      markdown: false,
      record: true,
      runs: { coldStart: 1, overhead: 1, detection: 1, scale: 1 }
    })
  })

  it('refuses a mistyped flag instead of measuring for minutes and keeping nothing', () => {
    expect(() => parseBenchArgs(['--recrod'])).toThrow(/Unknown argument '--recrod'[\s\S]*--record/)
  })

  it('refuses a --runs that is not a whole number from 1', () => {
    for (const bad of [['--runs'], ['--runs', '0'], ['--runs', '1.5'], ['--runs', 'x']]) {
      expect(() => parseBenchArgs(bad)).toThrow(/--runs takes a whole number of runs from 1/)
    }
  })

  it('--markdown only reads the recorded results', () => {
    expect(parseBenchArgs(['--markdown']).markdown).toBe(true)
    expect(() => parseBenchArgs(['--markdown', '--record'])).toThrow(/measures nothing/)
  })
})
