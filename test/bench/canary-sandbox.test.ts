import { describe, expect, it } from '@jest/globals'
import { canarySandboxFigures } from '../../bench/canary/figures.js'
import type { CanarySandboxRun } from '../../bench/canary/sandbox.js'
import { evaluate } from '../../bench/figure.js'

const run = (overrides: Partial<CanarySandboxRun>): CanarySandboxRun => ({
  status: 'rolled-back',
  failedGate: 'canary-analysis',
  minutes: 9,
  requestsPerMinute: 1400,
  ...overrides
})

describe('the end-to-end canary figure', () => {
  it('is the median of the runs in sandbox minutes, a run not rolled back counting horizon + 1', () => {
    const [figure] = canarySandboxFigures([
      run({ minutes: 4.5, requestsPerMinute: 1500 }),
      run({ minutes: undefined, status: 'succeeded', failedGate: undefined }),
      run({ minutes: 9, requestsPerMinute: 1300 })
    ])
    expect(figure.values).toEqual([4.5, 31, 9])
    expect(evaluate(figure).summary.median).toBe(9)
    expect(figure.note).toBe(
      'dist/index.js on the sandbox, 4 clients; blue 1 % 5XX, green 2 % at 10 %; 1,400 requests ' +
        'per sandbox minute (3 s); 2/3 rolled back by canary-analysis (31: not within 30)'
    )
  })

  it('is left out when no end-to-end run was made', () => {
    expect(canarySandboxFigures([])).toEqual([])
  })
})
