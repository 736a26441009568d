import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import { parseSchedule } from '../src/schedule.js'

const percents = (raw: string) => parseSchedule('steps', raw).points.map((p) => p.percent)

describe('parseSchedule', () => {
  it.each([
    ['10,25,50,100', [10, 25, 50, 100], undefined],
    ['10, 25 ,50', [10, 25, 50], undefined],
    ['0.5,1,5,100', [0.5, 1, 5, 100], undefined],
    ['every 25', [25, 50, 75, 100], undefined],
    ['every 30%', [30, 60, 90, 100], undefined],
    ['all-at-once', [100], undefined],
    ['AllAtOnce', [100], undefined],
    ['CodeDeployDefault.ECSAllAtOnce', [100], undefined],
    ['Canary10Percent5Minutes', [10, 100], 300_000],
    ['CodeDeployDefault.LambdaCanary10Percent30Minutes', [10, 100], 1_800_000],
    ['ECSCanary10Percent15Minutes', [10, 100], 900_000],
    ['Linear10PercentEvery1Minute', [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 60_000],
    [
      'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
      [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
      180_000
    ],
    ['LambdaLinear10PercentEvery10Minutes', [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 600_000]
  ])('%j', (raw, points, bakeMs) => {
    const schedule = parseSchedule('steps', raw)
    expect(schedule.points.map((p) => p.percent)).toEqual(points)
    expect(schedule.bakeMs).toBe(bakeMs)
  })

  it.each([
    '',
    '50,25,100',
    '10,10,100',
    '0,50,100',
    '10,abc',
    '10,101',
    'every 0',
    'every 100',
    'Canary0Percent5Minutes',
    'Canary10Percent0Minutes',
    'Canary10Percent5Hours',
    'BlueGreen',
    'Linear10PercentEveryMinute'
  ])('rejects %j naming the input and what is accepted', (raw) => {
    expect(() => parseSchedule('steps', raw)).toThrow(InputError)
    expect(() => parseSchedule('steps', raw)).toThrow(`Input 'steps' has an invalid value`)
    expect(() => parseSchedule('steps', raw)).toThrow('Canary10Percent5Minutes')
  })

  it.each([
    ['every 0', '"every N" takes N from 0.1 to 99.9 with at most one decimal, not 0'],
    ['every 100', 'N from 0.1 to 99.9'],
    ['every 33.33', 'N from 0.1 to 99.9 with at most one decimal, not 33.33'],
    [
      'Canary0Percent5Minutes',
      'the canary percent N in CanaryNPercentMMinutes must be a whole number from 1 to 99, not 0'
    ],
    ['Canary100Percent5Minutes', 'from 1 to 99, not 100'],
    [
      'Linear0PercentEvery1Minute',
      'the step N in LinearNPercentEveryMMinutes must be a whole number from 1 to 99'
    ],
    [
      'Canary10Percent0Minutes',
      "a preset's minutes M must be from 1 to 360 (6h, as bake-time), not 0"
    ],
    ['Linear10PercentEvery361Minutes', 'from 1 to 360 (6h, as bake-time), not 361'],
    ['10,abc', '"abc" is not a percent (each percent from 0.1 to 100 with at most one decimal'],
    ['50,25,100', '25 is not above 50'],
    ['0,50,100', '0 is not above 0'],
    ['', 'at least one percent']
  ])('%j says which range it missed', (raw, range) => {
    expect(() => parseSchedule('steps', raw)).toThrow(range)
  })

  it('keeps linear steps on the 0.1 % grid', () => {
    expect(percents('every 33.3')).toEqual([33.3, 66.6, 99.9, 100])
  })
})
