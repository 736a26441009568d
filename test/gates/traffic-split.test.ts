import { beforeEach, describe, expect, it } from '@jest/globals'
import { albMetrics, emptySide, type Sides } from '../../src/backends/sides.js'
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { InputError } from '../../src/errors.js'
import type { Gate, GateContext } from '../../src/gates/gate.js'
import { trafficSplit } from '../../src/gates/traffic-split.js'
import { Split } from '../../src/split.js'
import { gateDeps, inputs, type TestDeps } from './deps.js'
import { FakeMetrics, MINUTE } from './metric-data.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
const LB = `${ARN}:loadbalancer/app/shop/50dc6c495c0c9188`
const BLUE = `${ARN}:targetgroup/shop-blue/73e2d6bc24d8a067`
const GREEN = `${ARN}:targetgroup/shop-green/0123456789abcdef`
const LB_SCOPE = {
  namespace: 'AWS/ApplicationELB',
  dimensions: [{ name: 'LoadBalancer', value: 'app/shop/50dc6c495c0c9188' }]
}
const BLUE_SCOPE = albMetrics(BLUE, [LB])[0]
const GREEN_SCOPE = albMetrics(GREEN, [LB])[0]

/** The sides mode weighted-target-groups gives: a group per side, one load balancer. */
function weightedSides(): Sides {
  const side = (arn: string) => ({
    ...emptySide(),
    targetGroups: [{ arn, loadBalancerArns: [LB], metrics: albMetrics(arn, [LB]) }]
  })
  return {
    blue: side(BLUE),
    green: side(GREEN),
    nameServers: [],
    loadBalancers: [{ arn: LB, metrics: [LB_SCOPE] }]
  }
}

const metrics = new FakeMetrics()
/** The gate is built at T0 (12:00:00); the step's write lands 10 s later. */
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
const CHANGE = T0 + 10_000
const bake = (percent: number, since = CHANGE): GateContext => ({
  phase: 'bake',
  split: Split.ofPercent(percent),
  since
})

function build(values: Record<string, string> = {}, sides = weightedSides()): [Gate, TestDeps] {
  const deps = gateDeps({ sides })
  deps.clock.advance(T0 - deps.clock.now())
  const settings = trafficSplit.readInputs(inputs(values), deps.settings)!
  return [trafficSplit.create(settings, deps)!, deps]
}

/** Blue and green's RequestCount from 12:01 on, one value per minute. */
function requests(blue: number[], green: number[]): void {
  metrics.perMinute(BLUE_SCOPE, 'RequestCount', T0 + MINUTE, blue)
  metrics.perMinute(GREEN_SCOPE, 'RequestCount', T0 + MINUTE, green)
}

beforeEach(() => metrics.reset())

describe('traffic-split inputs', () => {
  it('is on by default, with AWS minutes', () => {
    expect(trafficSplit.readInputs(inputs(), gateDeps().settings)).toEqual({
      action: 'on',
      minuteMs: 60_000
    })
  })

  it.each([
    [{ 'traffic-split': 'warn' }, { action: 'warn', minuteMs: 60_000 }],
    [
      { 'traffic-split': 'on', 'metric-period': '3s' },
      { action: 'on', minuteMs: 3000 }
    ]
  ])('%j → %j', (values, expected) => {
    expect(trafficSplit.readInputs(inputs(values), gateDeps().settings)).toEqual(expected)
  })

  it('off builds no gate', () => {
    expect(
      trafficSplit.readInputs(inputs({ 'traffic-split': 'off' }), gateDeps().settings)
    ).toBeUndefined()
  })

  it.each([
    [
      'traffic-split',
      'yes',
      /^Input 'traffic-split' has an invalid value "yes": expected one of on, warn, off/
    ],
    ['metric-period', '2m', /^Input 'metric-period' has an invalid value "2m"/],
    ['metric-period', '0', /^Input 'metric-period'/],
    ['metric-period', '60', /^Input 'metric-period'.*a bare number needs a unit/]
  ])('%s %j is refused', (name, value, message) => {
    const read = () => trafficSplit.readInputs(inputs({ [name]: value }), gateDeps().settings)
    expect(read).toThrow(InputError)
    expect(read).toThrow(message)
  })
})

describe('traffic-split applies where CloudWatch counts the sides', () => {
  it('does not apply without ALB metrics (mode dns), and says why', () => {
    const deps = gateDeps({ sides: { ...weightedSides(), ...dnsSides() } })
    const settings = trafficSplit.readInputs(inputs(), deps.settings)!
    expect(trafficSplit.create(settings, deps)).toBeUndefined()
    expect(deps.logger.lines.join('\n')).toMatch(/^traffic-split does not apply: /)
  })

  it('watches only the load balancer 5XX when both sides share one group (mode targets)', async () => {
    const shared = { arn: BLUE, loadBalancerArns: [LB], metrics: [] }
    const sides: Sides = {
      blue: { ...emptySide(), targetGroups: [{ ...shared, targetIds: ['i-1'] }] },
      green: { ...emptySide(), targetGroups: [{ ...shared, targetIds: ['i-2'] }] },
      nameServers: [],
      loadBalancers: [{ arn: LB, metrics: [LB_SCOPE] }]
    }
    const [gate, deps] = build({}, sides)
    expect(deps.logger.lines.join('\n')).toMatch(/watches only the load balancer 5XX/)
    deps.clock.advance(6 * MINUTE)
    expect((await gate.check(bake(50))).status).toBe('pass')
    const queries = metrics.inputs()[0].MetricDataQueries!
    expect(queries.map((q) => q.MetricStat!.Metric!.MetricName)).toEqual(['HTTPCode_ELB_5XX_Count'])
  })
})

function dnsSides(): Pick<Sides, 'blue' | 'green' | 'loadBalancers'> {
  return { blue: emptySide(), green: emptySide(), loadBalancers: [] }
}

describe('traffic-split on the observed split', () => {
  it('asks for per-minute sums of both groups and the load balancer, over complete minutes', async () => {
    const [gate, deps] = build()
    requests([900, 900, 900, 900], [100, 100, 100, 100])
    deps.clock.advance(6 * MINUTE + 5000)
    const result = await gate.check(bake(10))
    expect(result.status).toBe('pass')
    const [input] = metrics.inputs()
    // From the baseline's first minute (11:50) to the end of the last published one (12:05).
    expect(input.StartTime).toEqual(new Date(T0 - 10 * MINUTE))
    expect(input.EndTime).toEqual(new Date(T0 + 5 * MINUTE))
    expect(input.ScanBy).toBe('TimestampAscending')
    expect(
      input.MetricDataQueries!.map((q) => [
        q.MetricStat!.Metric!.MetricName,
        q.MetricStat!.Metric!.Dimensions,
        q.MetricStat!.Period,
        q.MetricStat!.Stat
      ])
    ).toEqual([
      [
        'RequestCount',
        [
          { Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' },
          { Name: 'TargetGroup', Value: 'targetgroup/shop-blue/73e2d6bc24d8a067' }
        ],
        60,
        'Sum'
      ],
      [
        'RequestCount',
        [
          { Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' },
          { Name: 'TargetGroup', Value: 'targetgroup/shop-green/0123456789abcdef' }
        ],
        60,
        'Sum'
      ],
      [
        'HTTPCode_ELB_5XX_Count',
        [{ Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' }],
        60,
        'Sum'
      ]
    ])
  })

  it('passes a split as applied, with the figures', async () => {
    const [gate, deps] = build()
    requests([900, 905, 890, 902], [100, 95, 110, 98])
    deps.clock.advance(6 * MINUTE)
    const result = await gate.check(bake(10))
    expect(result.status).toBe('pass')
    expect(result.detail).toContain(
      'split as applied: blue 89.9% of 4,000 requests, expected 90.0% (accepted'
    )
    expect(result.detail).toContain('over 4 complete minutes since the change')
  })

  it('fails a split off by more than the margin and names the likely causes', async () => {
    const [gate, deps] = build()
    // 15 % green at an applied 10 %: five points off, far beyond chance at 4,000 requests.
    requests([850, 850, 850, 850], [150, 150, 150, 150])
    deps.clock.advance(6 * MINUTE)
    const result = await gate.check(bake(10))
    expect(result.status).toBe('fail')
    expect(result.detail).toMatch(/^traffic does not split as applied \(10% green\): /)
    expect(result.detail).toContain('green 15.0% of 4,000 requests, expected 10.0%')
    expect(result.detail).toContain('target group stickiness')
    expect(result.detail).toContain('another listener rule or load balancer')
  })

  it('accepts a share within the margin (a point off at 4,000 requests)', async () => {
    const [gate, deps] = build()
    requests([890, 890, 890, 890], [110, 110, 110, 110])
    deps.clock.advance(6 * MINUTE)
    expect((await gate.check(bake(10))).status).toBe('pass')
  })

  it('fails blue still taking requests at 100 % green', async () => {
    const [gate, deps] = build()
    requests([100, 100, 100, 100], [900, 900, 900, 900])
    deps.clock.advance(6 * MINUTE)
    const result = await gate.check(bake(100))
    expect(result.status).toBe('fail')
    expect(result.detail).toContain('blue 10.0% of 4,000 requests, expected 0.0%')
  })

  it('warn logs the mismatch once per step and passes', async () => {
    const [gate, deps] = build({ 'traffic-split': 'warn' })
    requests([850, 850, 850, 850], [150, 150, 150, 150])
    deps.clock.advance(6 * MINUTE)
    const first = await gate.check(bake(10))
    await gate.check(bake(10))
    expect(first.status).toBe('pass')
    expect(first.detail).toMatch(/^warn only: traffic does not split as applied/)
    expect(
      deps.logger.lines.filter((line) => line.startsWith('warning: traffic-split'))
    ).toHaveLength(1)
  })

  it('passes without judging until the complete minutes hold 1,000 requests, then judges', async () => {
    const [gate, deps] = build()
    requests([300, 300, 300, 300], [100, 100, 100, 100])
    deps.clock.advance(4 * MINUTE) // 12:01 and 12:02 published: 800 requests
    const early = await gate.check(bake(10))
    expect(early).toEqual({
      status: 'pass',
      detail: expect.stringContaining(
        'split not judged yet at 10% green: 800 requests in 2 complete minutes since the change, 1,000 needed'
      )
    })
    deps.clock.advance(MINUTE)
    expect((await gate.check(bake(10))).status).toBe('fail')
  })

  it('counts only whole minutes after the change: the minute it happened in is mixed', async () => {
    const [gate, deps] = build()
    // 12:00 (the change at 12:00:10) still all blue; 12:01 on as applied.
    metrics.set(BLUE_SCOPE, 'RequestCount', T0, 1000)
    requests([900, 900], [100, 100])
    deps.clock.advance(4 * MINUTE)
    const result = await gate.check(bake(10))
    expect(result.status).toBe('pass')
    expect(result.detail).toContain('of 2,000 requests')
  })

  it('judges a step once: the verdict holds for the step, a new step is judged afresh', async () => {
    const [gate, deps] = build()
    requests([900, 900, 500, 500], [100, 100, 500, 500])
    deps.clock.advance(4 * MINUTE)
    expect((await gate.check(bake(10))).status).toBe('pass')
    deps.clock.advance(2 * MINUTE)
    // The same step: no second look (one look keeps its false-alarm rate at α).
    expect((await gate.check(bake(10))).status).toBe('pass')
    // The next step, applied at 12:02:30, is judged on its own minutes.
    const result = await gate.check(bake(50, T0 + 2 * MINUTE + 30_000))
    expect(result.status).toBe('pass')
    expect(result.detail).toContain('green 50.0% of 2,000 requests')
  })

  it('does not judge the split while a step converges or before it moves', async () => {
    const [gate, deps] = build()
    requests([500, 500, 500, 500], [500, 500, 500, 500])
    deps.clock.advance(6 * MINUTE)
    for (const phase of ['converge', 'ready'] as const) {
      const result = await gate.check({ phase, split: Split.ofPercent(10), since: CHANGE })
      expect(result.status).toBe('pass')
      expect(result.detail).not.toContain('split')
    }
  })
})

describe('traffic-split on the load balancer 5XX', () => {
  it('fails on a 503 minute since the change when the load balancer had none before', async () => {
    const [gate, deps] = build()
    metrics.set(LB_SCOPE, 'HTTPCode_ELB_5XX_Count', T0 + 2 * MINUTE, 3)
    deps.clock.advance(6 * MINUTE)
    const result = await gate.check({
      phase: 'converge',
      split: Split.ofPercent(10),
      since: CHANGE
    })
    expect(result).toEqual({
      status: 'fail',
      detail:
        'app/shop/50dc6c495c0c9188 answered 5XX itself (HTTPCode_ELB_5XX_Count 3 at 12:02; its ' +
        'worst minute in the 10 before the run: 0): no healthy target (503), a target refusing ' +
        'or resetting connections (502) or timing out (504)'
    })
  })

  it('counts the minute of the change itself', async () => {
    const [gate, deps] = build()
    metrics.set(LB_SCOPE, 'HTTPCode_ELB_5XX_Count', T0, 1)
    deps.clock.advance(3 * MINUTE)
    expect((await gate.check(bake(10))).status).toBe('fail')
  })

  it('tolerates what the load balancer answered before the run, and no more', async () => {
    const [gate, deps] = build()
    metrics.set(LB_SCOPE, 'HTTPCode_ELB_5XX_Count', T0 - 4 * MINUTE, 3)
    metrics.set(LB_SCOPE, 'HTTPCode_ELB_5XX_Count', T0 + MINUTE, 3)
    deps.clock.advance(4 * MINUTE)
    const ok = await gate.check({ phase: 'ready', split: Split.ofPercent(10), since: CHANGE })
    expect(ok.status).toBe('pass')
    expect(ok.detail).toContain('worst minute before the run (3)')
    metrics.set(LB_SCOPE, 'HTTPCode_ELB_5XX_Count', T0 + 2 * MINUTE, 4)
    deps.clock.advance(MINUTE)
    expect((await gate.check(bake(10))).detail).toContain('HTTPCode_ELB_5XX_Count 4 at 12:02')
  })

  it('ignores a minute CloudWatch may still be filling', async () => {
    const [gate, deps] = build()
    metrics.set(LB_SCOPE, 'HTTPCode_ELB_5XX_Count', T0 + 2 * MINUTE, 1)
    deps.clock.advance(3 * MINUTE + 59_000) // 12:02 closed 59 s ago: not yet published
    expect((await gate.check(bake(10))).status).toBe('pass')
  })
})

describe('traffic-split inspection', () => {
  it('reads the baseline before the first write', async () => {
    const [gate] = build()
    await gate.inspect!()
    const [input] = metrics.inputs()
    expect([input.StartTime, input.EndTime]).toEqual([new Date(T0 - 10 * MINUTE), new Date(T0)])
  })

  it('refuses a role without cloudwatch:GetMetricData, naming the input to turn it off', async () => {
    const [gate] = build()
    metrics.mock.on(GetMetricDataCommand).rejects(
      Object.assign(new Error('not authorized to perform: cloudwatch:GetMetricData'), {
        name: 'AccessDenied'
      })
    )
    const inspection = gate.inspect!()
    await expect(inspection).rejects.toThrow(InputError)
    await expect(inspection).rejects.toThrow(
      /^Input 'traffic-split' has an invalid value "on": expected off, or a role allowed cloudwatch:GetMetricData \(GetMetricData on RequestCount, HTTPCode_ELB_5XX_Count of .* failed: .*not authorized/
    )
  })
})
