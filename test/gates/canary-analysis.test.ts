import { beforeEach, describe, expect, it } from '@jest/globals'
import { albMetrics, emptySide, type Sides } from '../../src/backends/sides.js'
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { InputError } from '../../src/errors.js'
import { canaryAnalysis } from '../../src/gates/canary-analysis.js'
import type { Gate, GateContext } from '../../src/gates/gate.js'
import { Split } from '../../src/split.js'
import { gateDeps, inputs, type TestDeps } from './deps.js'
import { FakeMetrics, MINUTE } from './metric-data.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
const LB = `${ARN}:loadbalancer/app/shop/50dc6c495c0c9188`
const LB2 = `${ARN}:loadbalancer/app/shop-eu/0a1b2c3d4e5f6a7b`
const BLUE = `${ARN}:targetgroup/shop-blue/73e2d6bc24d8a067`
const GREEN = `${ARN}:targetgroup/shop-green/0123456789abcdef`
const [BLUE_SCOPE, BLUE_SCOPE2] = albMetrics(BLUE, [LB, LB2])
const [GREEN_SCOPE, GREEN_SCOPE2] = albMetrics(GREEN, [LB, LB2])

function sides(loadBalancers = [LB]): Sides {
  const side = (arn: string) => ({
    ...emptySide(),
    targetGroups: [
      { arn, loadBalancerArns: loadBalancers, metrics: albMetrics(arn, loadBalancers) }
    ]
  })
  return { blue: side(BLUE), green: side(GREEN), nameServers: [], loadBalancers: [] }
}

const metrics = new FakeMetrics()
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
/** Green's first weight lands at 12:00:10. */
const FIRST = T0 + 10_000
const bake = (percent: number, since = FIRST): GateContext => ({
  phase: 'bake',
  split: Split.ofPercent(percent),
  since
})

function build(values: Record<string, string> = {}, given = sides()): [Gate, TestDeps] {
  const deps = gateDeps({ sides: given })
  deps.clock.advance(T0 - deps.clock.now())
  const settings = canaryAnalysis.readInputs(
    inputs({ 'canary-analysis': 'on', ...values }),
    deps.settings
  )!
  return [canaryAnalysis.create(settings, deps)!, deps]
}

/** Per minute from 12:00: requests and 5XX of each side (a 0 count is left out, as ALB does). */
function traffic(
  minutes: number,
  blue: { requests: number; errors: number },
  green: { requests: number; errors: number },
  scopes = { blue: BLUE_SCOPE, green: GREEN_SCOPE }
): void {
  for (let i = 0; i < minutes; i += 1) {
    const at = T0 + i * MINUTE
    for (const [scope, side] of [
      [scopes.blue, blue],
      [scopes.green, green]
    ] as const) {
      metrics.set(scope, 'RequestCount', at, side.requests)
      if (side.errors > 0) metrics.set(scope, 'HTTPCode_Target_5XX_Count', at, side.errors)
    }
  }
}

/** p99 of TargetResponseTime per minute from 12:00, seconds. */
function latency(scope: typeof BLUE_SCOPE, values: number[]): void {
  metrics.perMinute(scope, 'TargetResponseTime', T0, values)
}

beforeEach(() => metrics.reset())

describe('canary-analysis inputs', () => {
  it('is off unless asked for', () => {
    expect(canaryAnalysis.readInputs(inputs(), gateDeps().settings)).toBeUndefined()
    expect(
      canaryAnalysis.readInputs(inputs({ 'canary-analysis': 'off' }), gateDeps().settings)
    ).toBeUndefined()
  })

  it('on: α 1 %, 10 % latency tolerance, 1,000 requests a side, both checks', () => {
    expect(
      canaryAnalysis.readInputs(inputs({ 'canary-analysis': 'on' }), gateDeps().settings)
    ).toEqual({
      alpha: 0.01,
      latencyTolerance: 0.1,
      minRequests: 1000,
      checks: ['error-rate', 'latency'],
      minuteMs: 60_000
    })
  })

  it('reads every input', () => {
    const read = inputs({
      'canary-analysis': 'on',
      'canary-alpha': '0.001',
      'canary-latency-tolerance': '25%',
      'canary-min-requests': '300',
      'canary-checks': 'error-rate',
      'metric-period': '3s'
    })
    expect(canaryAnalysis.readInputs(read, gateDeps().settings)).toEqual({
      alpha: 0.001,
      latencyTolerance: 0.25,
      minRequests: 300,
      checks: ['error-rate'],
      minuteMs: 3000
    })
  })

  it.each([
    ['canary-analysis', 'yes', 'one of on, off'],
    ['canary-alpha', '1', 'a probability from 0.0001 to 0.2'],
    ['canary-alpha', '0.5', 'a probability from 0.0001 to 0.2'],
    ['canary-alpha', '1e-2', 'a probability from 0.0001 to 0.2'],
    ['canary-alpha', '0', 'a probability from 0.0001 to 0.2'],
    ['canary-latency-tolerance', 'ten', 'a percent from 0 to 1000'],
    ['canary-min-requests', '0', 'a whole number from 1 to 100000000'],
    ['canary-checks', 'error-rate, errors', 'one or more of error-rate, latency'],
    ['canary-checks', ',', 'one or more of error-rate, latency']
  ])('%s %j is refused', (name, value, accepted) => {
    const read = () =>
      canaryAnalysis.readInputs(
        inputs({ 'canary-analysis': 'on', [name]: value }),
        gateDeps().settings
      )
    expect(read).toThrow(InputError)
    expect(read).toThrow(
      `Input '${name}' has an invalid value ${JSON.stringify(value)}: expected ${accepted}`
    )
  })
})

describe('canary-analysis applies where each side has its own metrics', () => {
  it('does not apply in mode targets (one group for both) and says why', () => {
    const shared = { arn: BLUE, loadBalancerArns: [LB], metrics: [] }
    const deps = gateDeps({
      settings: { mode: 'targets' },
      sides: {
        blue: { ...emptySide(), targetGroups: [{ ...shared, targetIds: ['i-1'] }] },
        green: { ...emptySide(), targetGroups: [{ ...shared, targetIds: ['i-2'] }] },
        nameServers: [],
        loadBalancers: []
      }
    })
    const settings = canaryAnalysis.readInputs(inputs({ 'canary-analysis': 'on' }), deps.settings)!
    expect(canaryAnalysis.create(settings, deps)).toBeUndefined()
    expect(deps.logger.lines).toEqual([
      'canary-analysis does not apply: CloudWatch has no ALB metrics of blue and green apart ' +
        '(mode targets: one target group carries both)'
    ])
  })
})

describe('canary-analysis on the error rate', () => {
  it('passes before green takes traffic, without asking CloudWatch', async () => {
    const [gate] = build()
    const result = await gate.check({ phase: 'ready', split: Split.BLUE, since: T0 })
    expect(result).toEqual({
      status: 'pass',
      detail: 'green takes no traffic yet: nothing to compare'
    })
    expect(metrics.inputs()).toHaveLength(0)
  })

  it('asks for both sides per minute from the minute green joined to the last published one', async () => {
    const [gate, deps] = build()
    deps.clock.advance(5 * MINUTE + 20_000)
    await gate.check(bake(10))
    const [input] = metrics.inputs()
    expect([input.StartTime, input.EndTime]).toEqual([new Date(T0), new Date(T0 + 4 * MINUTE)])
    expect(
      input.MetricDataQueries!.map((q) => [
        q.Id,
        q.MetricStat!.Metric!.MetricName,
        q.MetricStat!.Stat,
        q.MetricStat!.Period
      ])
    ).toEqual([
      ['blue0_requestcount', 'RequestCount', 'Sum', 60],
      ['blue0_httpcodetarget5xxcount', 'HTTPCode_Target_5XX_Count', 'Sum', 60],
      ['blue0_targetresponsetime', 'TargetResponseTime', 'p99', 60],
      ['green0_requestcount', 'RequestCount', 'Sum', 60],
      ['green0_httpcodetarget5xxcount', 'HTTPCode_Target_5XX_Count', 'Sum', 60],
      ['green0_targetresponsetime', 'TargetResponseTime', 'p99', 60]
    ])
    expect(input.MetricDataQueries![3].MetricStat!.Metric!.Dimensions).toEqual([
      { Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' },
      { Name: 'TargetGroup', Value: 'targetgroup/shop-green/0123456789abcdef' }
    ])
  })

  it("fails green at three times blue's 5XX rate, with the figures", async () => {
    const [gate, deps] = build({ 'canary-checks': 'error-rate' })
    traffic(3, { requests: 1000, errors: 10 }, { requests: 1000, errors: 30 })
    deps.clock.advance(5 * MINUTE)
    const result = await gate.check(bake(50))
    expect(result.status).toBe('fail')
    expect(result.detail).toMatch(
      /^green's 5XX rate is higher than blue's: 5XX: green 3\.00% \(90 of 3,000\), blue 1\.00% \(30 of 3,000\), ratio 3\.00×, e-value [\d,]+ \(fails at 100\) over 4 minutes; it first reached the threshold after [12] minutes$/
    )
  })

  it('passes an A/A canary once both sides carried the minimum sample', async () => {
    const [gate, deps] = build({ 'canary-checks': 'error-rate' })
    traffic(3, { requests: 900, errors: 9 }, { requests: 400, errors: 4 })
    deps.clock.advance(5 * MINUTE)
    const result = await gate.check(bake(30))
    expect(result.status).toBe('pass')
    expect(result.detail).toMatch(
      /^green's 5XX rate no worse than blue's: 5XX: green 1\.00% \(12 of 1,200\), blue 1\.00% \(27 of 2,700\), ratio 1\.00×, e-value 0\.\d+ /
    )
  })

  it('is pending while a side has carried fewer requests than the minimum', async () => {
    const [gate, deps] = build({ 'canary-checks': 'error-rate' })
    traffic(3, { requests: 900, errors: 9 }, { requests: 100, errors: 1 })
    deps.clock.advance(5 * MINUTE)
    const result = await gate.check(bake(10))
    expect(result.status).toBe('pending')
    expect(result.detail).toContain('may pass once green 300 of 1,000 requests needed')
  })

  it('keeps every minute since green first took traffic across steps', async () => {
    const [gate, deps] = build({ 'canary-checks': 'error-rate' })
    traffic(4, { requests: 900, errors: 9 }, { requests: 300, errors: 3 })
    deps.clock.advance(3 * MINUTE)
    await gate.check(bake(10))
    deps.clock.advance(3 * MINUTE)
    const result = await gate.check(bake(50, T0 + 3 * MINUTE))
    expect(metrics.inputs().at(-1)!.StartTime).toEqual(new Date(T0))
    expect(result.detail).toContain('green 1.00% (12 of 1,200)')
    expect(result.detail).toContain('over 5 minutes')
  })

  it('counts a minute CloudWatch has no 5XX datapoint for as none (ALB leaves zeros out)', async () => {
    const [gate, deps] = build({ 'canary-checks': 'error-rate', 'canary-min-requests': '100' })
    traffic(2, { requests: 500, errors: 0 }, { requests: 500, errors: 0 })
    deps.clock.advance(4 * MINUTE)
    const result = await gate.check(bake(50))
    expect(result.status).toBe('pass')
    expect(result.detail).toContain('no 5XX on either side')
  })

  it('sums a side behind several load balancers', async () => {
    const [gate, deps] = build({ 'canary-checks': 'error-rate' }, sides([LB, LB2]))
    traffic(2, { requests: 400, errors: 4 }, { requests: 300, errors: 3 })
    traffic(
      2,
      { requests: 600, errors: 6 },
      { requests: 200, errors: 2 },
      {
        blue: BLUE_SCOPE2,
        green: GREEN_SCOPE2
      }
    )
    deps.clock.advance(4 * MINUTE)
    const result = await gate.check(bake(50))
    expect(metrics.inputs()[0].MetricDataQueries).toHaveLength(8)
    expect(result.detail).toContain('green 1.00% (10 of 1,000), blue 1.00% (20 of 2,000)')
  })
})

describe('canary-analysis on latency', () => {
  const steady = { requests: 300, errors: 0 }

  it("fails green whose p99 is above blue's beyond the tolerance minute after minute", async () => {
    const [gate, deps] = build({ 'canary-checks': 'latency' })
    traffic(10, steady, steady)
    latency(BLUE_SCOPE, Array(10).fill(0.2))
    latency(GREEN_SCOPE, Array(10).fill(0.5))
    deps.clock.advance(12 * MINUTE)
    const result = await gate.check(bake(50))
    expect(result.status).toBe('fail')
    // 10 slow minutes of 10: E = 2^11 · B(11, 1) · P(Bin(11, ½) ≤ 10) = 2047/11 ≈ 186.
    expect(result.detail).toBe(
      "green is slower than blue: TargetResponseTime green's p99 above blue's by more than 10% " +
        'in 10 of 10 compared minutes, e-value 186 (fails at 100)'
    )
  })

  it('passes green within the tolerance', async () => {
    const [gate, deps] = build({ 'canary-checks': 'latency' })
    traffic(10, steady, steady)
    latency(BLUE_SCOPE, Array(10).fill(0.2))
    latency(GREEN_SCOPE, Array(10).fill(0.215))
    deps.clock.advance(12 * MINUTE)
    const result = await gate.check(bake(50))
    expect(result.status).toBe('pass')
    expect(result.detail).toContain('in 0 of 10 compared minutes')
  })

  it('shares α between the checks: each fails at 2/α', async () => {
    const [gate, deps] = build()
    traffic(10, steady, steady)
    latency(BLUE_SCOPE, Array(10).fill(0.2))
    latency(GREEN_SCOPE, Array(10).fill(0.5))
    deps.clock.advance(12 * MINUTE)
    const result = await gate.check(bake(50))
    // 186 < 200: not yet a failure at α/2 (and 3,000 requests a side: the sample is met).
    expect(result.status).toBe('pass')
    expect(result.detail).toContain('e-value 186 (fails at 200)')
  })
})

describe('canary-analysis inspection', () => {
  it('reads the last published minutes before the first write', async () => {
    const [gate] = build()
    await gate.inspect!()
    const [input] = metrics.inputs()
    expect([input.StartTime, input.EndTime]).toEqual([
      new Date(T0 - 3 * MINUTE),
      new Date(T0 - MINUTE)
    ])
  })

  it('refuses a role without cloudwatch:GetMetricData, naming the input', async () => {
    const [gate] = build()
    metrics.mock
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }))
    await expect(gate.inspect!()).rejects.toThrow(
      /^Input 'canary-analysis' has an invalid value "on": expected off, or a role allowed cloudwatch:GetMetricData \(GetMetricData on .* failed: .*not authorized/
    )
  })
})
