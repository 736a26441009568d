import { describe, expect, it } from '@jest/globals'
import { planSteps } from '../src/plan.js'
import { Split } from '../src/split.js'

const points = [10, 25, 50, 100].map((p) => Split.ofPercent(p))
const plan = (live: number, requested: number) =>
  planSteps(Split.ofPercent(live), Split.ofPercent(requested), points).map((s) => s.percent)

describe('planSteps', () => {
  it.each([
    [0, 100, [10, 25, 50, 100]],
    [0, 25, [10, 25]],
    [0, 30, [10, 25, 30]],
    [10, 100, [25, 50, 100]],
    [12, 100, [25, 50, 100]],
    [25, 25, []],
    [100, 100, []],
    [100, 0, [50, 25, 10, 0]],
    [50, 10, [25, 10]],
    [60, 0, [50, 25, 10, 0]],
    [0, 5, [5]],
    [99.9, 100, [100]]
  ])('from %d %% to %d %%: %j', (live, requested, expected) => {
    expect(plan(live, requested)).toEqual(expected)
  })
})
