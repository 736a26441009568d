/** The pure half of mode weighted-target-groups: weights, quantize, plan, restore, verify. */
import { describe, expect, it } from '@jest/globals'
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2'
import { checkForward } from '../../src/backends/weighted-actions.js'
import {
  classify,
  plan,
  quantize,
  restore,
  stateOf,
  type WeightedTarget
} from '../../src/backends/weighted-plan.js'
import {
  quantizeWeights,
  shiftProblem,
  type Weights,
  weightsFor
} from '../../src/backends/weighted-weights.js'
import { Split } from '../../src/split.js'
import {
  BLUE,
  forward,
  GREEN,
  native,
  oidc,
  OTHER,
  plainBlue,
  TARGET,
  weighted
} from './weighted-target-groups-fixtures.js'

const pct = (percent: number) => Split.ofPercent(percent)
const state = (...actions: Action[]) => stateOf(TARGET, native(...actions))
const beside = (blue: number, green: number, other: number) =>
  state(
    forward([
      [BLUE, blue],
      [GREEN, green],
      [OTHER, other]
    ])
  )
const tuplesOf = (call: { parameters: unknown }) =>
  (call.parameters as { DefaultActions: Action[] }).DefaultActions.find(
    (action) => action.Type === 'forward'
  )?.ForwardConfig?.TargetGroups

describe('weightsFor', () => {
  it.each([
    [0, 999, 0],
    [0.1, 999, 1],
    [10, 900, 100],
    [12.5, 875, 125],
    [50, 500, 500],
    [99.9, 1, 999],
    [100, 0, 999]
  ])('alone, %d %% green is blue %d / green %d', (percent, blue, green) => {
    expect(weightsFor(pct(percent), { blue: 1, green: 0, others: [] })).toEqual({
      blue,
      green,
      others: []
    })
  })

  it('keeps the other groups untouched when their scale expresses the split (blue 90 / other 10)', () => {
    // The old code refused this listener as "too coarse" (a minimum pair total of 100).
    const live = { blue: 90, green: 0, others: [10] }
    expect(weightsFor(pct(10), live)).toEqual({ blue: 81, green: 9, others: [10] })
    expect(weightsFor(pct(100), live)).toEqual({ blue: 0, green: 90, others: [10] })
  })

  it('rescales every weight together when the live scale cannot express the split', () => {
    const weights = weightsFor(pct(25), { blue: 90, green: 0, others: [10] })
    expect(weights).toEqual({ blue: 749, green: 250, others: [111] })
    // The other group keeps exactly 10 % of all traffic.
    expect(weights.others[0] * 10).toBe(weights.blue + weights.green + weights.others[0])
  })

  it('reaches 100 % from blue 900 / green 100 beside a group at weight 0', () => {
    // The old code kept the pair total of 1000 and failed at the last step: weight 1000.
    expect(weightsFor(Split.GREEN, { blue: 900, green: 100, others: [0] })).toEqual({
      blue: 0,
      green: 999,
      others: [0]
    })
  })

  it('reaches 100 % from blue 900 / green 100 / other 50 by scaling all down', () => {
    const live = { blue: 900, green: 100, others: [50] }
    expect(weightsFor(Split.GREEN, live)).toEqual({ blue: 0, green: 980, others: [49] })
    expect(weightsFor(pct(10), live)).toEqual({ blue: 882, green: 98, others: [49] })
  })

  it('knows before any write when no weights keep the others share', () => {
    expect(shiftProblem({ blue: 999, green: 999, others: [1] })).toContain('would need weight 1998')
    expect(shiftProblem({ blue: 1, green: 0, others: [999] })).toContain('no step between')
    expect(shiftProblem({ blue: 0, green: 0, others: [5] })).toContain('both at weight 0')
    expect(shiftProblem({ blue: 999, green: 999, others: [2] })).toBeUndefined()
    expect(() => weightsFor(pct(50), { blue: 999, green: 999, others: [1] })).toThrow(
      'Cannot shift blue and green weighing 1998'
    )
  })

  // Deterministic states beside other groups, including coarse and odd ones.
  const lives: Weights[] = [
    { blue: 90, green: 0, others: [10] },
    { blue: 900, green: 100, others: [50] },
    { blue: 7, green: 3, others: [5, 0, 2] },
    { blue: 1, green: 0, others: [1] },
    { blue: 999, green: 999, others: [2] },
    { blue: 0, green: 40, others: [999] },
    { blue: 333, green: 1, others: [500, 250] },
    { blue: 1, green: 0, others: [] },
    { blue: 100, green: 0, others: [0] }
  ]

  it.each(lives)('every split from %j is expressible, exact and idempotent', (live) => {
    const total = live.blue + live.green + live.others.reduce((a, b) => a + b, 0)
    for (let permille = 0; permille <= 1000; permille += 1) {
      const split = Split.ofPercent(permille / 10)
      const weights = weightsFor(split, live)
      const all = [weights.blue, weights.green, ...weights.others]
      expect(all.every((w) => Number.isInteger(w) && w >= 0 && w <= 999)).toBe(true)
      expect(all.some((w) => w > 0)).toBe(true)
      if (permille > 0 && permille < 1000) {
        expect(weights.blue).toBeGreaterThanOrEqual(1)
        expect(weights.green).toBeGreaterThanOrEqual(1)
      }
      // Each other group keeps its share of traffic exactly.
      const newTotal = all.reduce((a, b) => a + b, 0)
      weights.others.forEach((w, i) => expect(w * total).toBe(live.others[i] * newTotal))
      const quantized = quantizeWeights(split, live)
      expect(Split.ofWeights(weights.blue, weights.green)).toEqual(quantized)
      expect(quantizeWeights(quantized, live)).toEqual(quantized)
      // A later state of the same run (any split reached on the way) plans the same split.
      expect(quantizeWeights(quantized, weightsFor(pct(37.3), live))).toEqual(quantized)
    }
  })
})

describe('plan', () => {
  it('adopts a plain forward to blue, moving no traffic, then shifts', () => {
    const from = state(plainBlue)
    const planned = plan(TARGET, from, pct(10))
    expect(planned.phases.map((phase) => phase.movesTraffic)).toEqual([false, true])
    expect(planned.phases[0].summary).toContain('adopt')
    expect(planned.phases[0].calls[0].parameters).toEqual({
      ListenerArn: TARGET.arn,
      DefaultActions: [
        {
          Type: 'forward',
          Order: 1,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: BLUE, Weight: 1 },
              { TargetGroupArn: GREEN, Weight: 0 }
            ],
            TargetGroupStickinessConfig: { Enabled: false }
          }
        }
      ]
    })
    expect(tuplesOf(planned.phases[1].calls[0])).toEqual([
      { TargetGroupArn: BLUE, Weight: 900 },
      { TargetGroupArn: GREEN, Weight: 100 }
    ])
    expect(planned.to).toEqual(pct(10))
    expect(planned.phases[1].expect.detail).toBe('blue 900 / green 100 (ALB weights)')
  })

  it('keeps every other action and sends authenticate-oidc back with its stored secret', () => {
    const planned = plan(TARGET, state(oidc, weighted(900, 100)), pct(25))
    const [call] = planned.phases[0].calls
    expect((call.parameters as { DefaultActions: Action[] }).DefaultActions[0]).toEqual({
      ...oidc,
      AuthenticateOidcConfig: { ...oidc.AuthenticateOidcConfig, UseExistingClientSecret: true }
    })
    // What AWS will show afterwards has no such flag: it is no part of the state.
    expect(planned.phases[0].expect.native.actions[0]).toEqual(oidc)
  })

  it('plans nothing when AWS is already there', () => {
    expect(plan(TARGET, state(weighted(500, 500)), pct(50)).phases).toEqual([])
    expect(plan(TARGET, state(plainBlue), Split.BLUE).phases).toEqual([])
  })

  it('writes a stickiness change even when the split is already there', () => {
    const sticky = { ...TARGET, stickinessSeconds: 60 }
    const planned = plan(sticky, state(weighted(900, 100)), pct(10))
    expect(planned.phases).toHaveLength(1)
    expect(planned.phases[0].movesTraffic).toBe(false)
    expect(planned.phases[0].expect.detail).toContain('group stickiness 60 s')
    const off: WeightedTarget = { ...TARGET, stickinessSeconds: 0 }
    expect(plan(off, state(weighted(900, 100)), pct(10)).phases).toEqual([])
  })

  it('sets stickiness with the adoption, the first write', () => {
    const planned = plan({ ...TARGET, stickinessSeconds: 300 }, state(plainBlue), pct(10))
    const [adoption] = planned.phases[0].calls
    expect(
      (adoption.parameters as { DefaultActions: Action[] }).DefaultActions[0].ForwardConfig
        ?.TargetGroupStickinessConfig
    ).toEqual({ Enabled: true, DurationSeconds: 300 })
  })

  it('plans blue 90 / green 0 / other 10 to 100 % with the other group untouched', () => {
    const planned = plan(TARGET, beside(90, 0, 10), Split.GREEN)
    expect(tuplesOf(planned.phases[0].calls[0])).toEqual([
      { TargetGroupArn: BLUE, Weight: 0 },
      { TargetGroupArn: GREEN, Weight: 90 },
      { TargetGroupArn: OTHER, Weight: 10 }
    ])
  })

  it('says when it rescales the other groups', () => {
    const planned = plan(TARGET, beside(900, 100, 50), Split.GREEN)
    expect(planned.phases[0].summary).toBe(
      'blue 0 / green 980 (ALB weights) (+1 other target groups at 49); other target groups rescaled to keep their share'
    )
  })

  it('chains: each plan starts from the state the previous one leaves', () => {
    let from = beside(90, 0, 10)
    const seen: string[] = []
    for (const percent of [10, 25, 50, 100]) {
      const to = quantize(TARGET, pct(percent), from)
      const planned = plan(TARGET, from, to)
      expect(planned.to).toEqual(to)
      from = planned.phases.at(-1)?.expect ?? from
      seen.push(from.detail)
    }
    expect(seen).toEqual([
      'blue 81 / green 9 (ALB weights) (+1 other target groups at 10)',
      'blue 749 / green 250 (ALB weights) (+1 other target groups at 111)',
      // 50 % is not expressible at a pair total of 999: the finest scale that is, 990.
      'blue 495 / green 495 (ALB weights) (+1 other target groups at 110)',
      'blue 0 / green 990 (ALB weights) (+1 other target groups at 110)'
    ])
  })

  it('refuses all-zero weights and weights outside 0-999 before they reach AWS', () => {
    const zero = [
      { TargetGroupArn: BLUE, Weight: 0 },
      { TargetGroupArn: GREEN, Weight: 0 }
    ]
    expect(() => checkForward(zero)).toThrow('Refusing to write all-zero forward weights')
    expect(() => checkForward([{ TargetGroupArn: BLUE, Weight: 1000 }])).toThrow('outside 0-999')
    expect(() => checkForward([{ TargetGroupArn: BLUE, Weight: 999 }])).not.toThrow()
  })
})

describe('restore', () => {
  it('puts back blue 100 / green 0 exactly, not 999 / 0', () => {
    const start = state(weighted(100, 0))
    const live = plan(TARGET, start, pct(25)).phases[0].expect
    const back = restore(TARGET, start, live)
    expect(back.exact).toBe(true)
    expect(back.to).toEqual(Split.BLUE)
    expect(back.phases).toHaveLength(1)
    expect(back.phases[0].movesTraffic).toBe(true)
    expect(tuplesOf(back.phases[0].calls[0])).toEqual([
      { TargetGroupArn: BLUE, Weight: 100 },
      { TargetGroupArn: GREEN, Weight: 0 }
    ])
    expect(back.phases[0].expect).toEqual(start)
  })

  it('undoes an adoption: back to the plain forward to blue, as AWS showed it', () => {
    const start = state(oidc, { ...plainBlue, Order: 2 })
    const adopted = plan(TARGET, start, pct(10)).phases[0].expect
    const back = restore(TARGET, start, adopted)
    expect(back.phases[0].movesTraffic).toBe(false)
    expect(back.phases[0].calls[0].parameters).toEqual({
      ListenerArn: TARGET.arn,
      DefaultActions: [
        {
          ...oidc,
          AuthenticateOidcConfig: { ...oidc.AuthenticateOidcConfig, UseExistingClientSecret: true }
        },
        { ...plainBlue, Order: 2 }
      ]
    })
  })

  it('puts stickiness back as it was', () => {
    const start = state(
      weighted(999, 0, {
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE, Weight: 999 },
            { TargetGroupArn: GREEN, Weight: 0 }
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 }
        }
      })
    )
    const live = plan({ ...TARGET, stickinessSeconds: 60 }, start, pct(10)).phases[0].expect
    const [call] = restore(TARGET, start, live).phases[0].calls
    expect(
      (call.parameters as { DefaultActions: Action[] }).DefaultActions[0].ForwardConfig
        ?.TargetGroupStickinessConfig
    ).toEqual({ Enabled: true, DurationSeconds: 3600 })
  })

  it('plans nothing when AWS already shows the start', () => {
    const start = state(plainBlue)
    const spelledOtherwise = { ...plainBlue, TargetGroupArn: undefined }
    expect(restore(TARGET, start, state(spelledOtherwise)).phases).toEqual([])
    expect(restore(TARGET, start, state(weighted(1, 0, { Order: 1 }))).phases).toHaveLength(1)
  })
})

describe('classify (verify)', () => {
  const from = state(weighted(900, 100))
  const [phase] = plan(TARGET, from, pct(25)).phases

  it('is converged when AWS shows the phase, however it spells it', () => {
    const shown = state({ ...weighted(750, 250), Order: 2, TargetGroupArn: undefined })
    expect(classify(phase, from, shown).status).toBe('converged')
  })

  it('is pending while a lagging read still shows where the phase started', () => {
    expect(classify(phase, from, state(weighted(900, 100))).status).toBe('pending')
  })

  it('is diverged on anyone else edit, saying what changed', () => {
    const edited = classify(phase, from, state(weighted(0, 999)))
    expect(edited.status).toBe('diverged')
    expect(edited.detail).toBe(
      'expected blue 750 / green 250 (ALB weights), found blue 0 / green 999 (ALB weights)'
    )
    const other = classify(phase, from, state(oidc, weighted(750, 250)))
    expect(other.status).toBe('diverged')
    expect(other.detail).toContain('the weights match; another part of the action list changed')
  })
})
