/**
 * The figures canary-analysis and traffic-split hand the report as data (GateResult.observation),
 * on exact CloudWatch counts: the report renders these numbers, never the details' words.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { errorRateTest, signTestEValue } from '../../src/analysis/index.js'
import { albMetrics, emptySide, type Sides } from '../../src/backends/sides.js'
import { canaryAnalysis } from '../../src/gates/canary-analysis.js'
import { evidence } from '../../src/gates/canary-observation.js'
import type { Gate, GateContext } from '../../src/gates/gate.js'
import { trafficSplit } from '../../src/gates/traffic-split.js'
import { Split } from '../../src/split.js'
import { gateDeps, inputs, type TestDeps } from './deps.js'
import { FakeMetrics, MINUTE } from './metric-data.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
const LB = `${ARN}:loadbalancer/app/shop/50dc6c495c0c9188`
const BLUE = `${ARN}:targetgroup/shop-blue/73e2d6bc24d8a067`
const GREEN = `${ARN}:targetgroup/shop-green/0123456789abcdef`
const [BLUE_SCOPE] = albMetrics(BLUE, [LB])
const [GREEN_SCOPE] = albMetrics(GREEN, [LB])
const LB_SCOPE = {
  namespace: 'AWS/ApplicationELB',
  dimensions: [{ name: 'LoadBalancer', value: 'app/shop/50dc6c495c0c9188' }]
}

function sides(): Sides {
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
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
/** Step 1 (10 %) lands at 12:00:10, step 2 (50 %) at 12:03:05. */
const STEP1 = T0 + 10_000
const STEP2 = T0 + 3 * MINUTE + 5000
const context = (percent: number, since: number, phase: GateContext['phase'] = 'bake') => ({
  phase,
  split: Split.ofPercent(percent),
  since
})

function build(
  definition: typeof canaryAnalysis | typeof trafficSplit,
  values: Record<string, string>
): [Gate, TestDeps] {
  const deps = gateDeps({ sides: sides() })
  deps.clock.advance(T0 - deps.clock.now())
  const settings = definition.readInputs(inputs(values), deps.settings)!
  return [(definition.create as (s: unknown, d: TestDeps) => Gate)(settings, deps), deps]
}

/** Minute i from 12:00: [blue requests, blue 5XX, blue p99, green requests, green 5XX, green p99]. */
const MINUTES = [
  [900, 9, 0.2, 100, 1, 0.21],
  [900, 9, 0.2, 100, 1, 0.21],
  [900, 9, 0.2, 100, 1, 0.21],
  [500, 5, 0.2, 500, 10, 0.4],
  [700, 14, 0.3, 300, 9, 0.6]
] as const

beforeEach(() => {
  metrics.reset()
  MINUTES.forEach(([br, be, bp, gr, ge, gp], i) => {
    const at = T0 + i * MINUTE
    metrics.set(BLUE_SCOPE, 'RequestCount', at, br)
    metrics.set(BLUE_SCOPE, 'HTTPCode_Target_5XX_Count', at, be)
    metrics.set(BLUE_SCOPE, 'TargetResponseTime', at, bp)
    metrics.set(GREEN_SCOPE, 'RequestCount', at, gr)
    metrics.set(GREEN_SCOPE, 'HTTPCode_Target_5XX_Count', at, ge)
    metrics.set(GREEN_SCOPE, 'TargetResponseTime', at, gp)
  })
})

describe('canary-analysis observation', () => {
  it("holds each side's figures over the step's minutes and every check's evidence", async () => {
    const [gate, deps] = build(canaryAnalysis, { 'canary-analysis': 'on' })
    await gate.check(context(10, STEP1))
    deps.clock.advance(6 * MINUTE + 30_000) // 12:06:30: minutes up to 12:05 published
    const result = await gate.check(context(50, STEP2))

    // Every minute since green joined, as the error-rate test sees them (α shared: 2/α).
    const pairs = MINUTES.map(([br, be, , gr, ge], i) => ({
      at: T0 + i * MINUTE,
      blue: { requests: br, errors: be },
      green: { requests: gr, errors: ge }
    }))
    const errorRate = errorRateTest(pairs, { alpha: 0.005, minRequests: 1000 })
    expect(result.observation).toEqual({
      // The step's minutes: 12:03 (its change at 12:03:05) and 12:04.
      window: { start: T0 + 3 * MINUTE, end: T0 + 5 * MINUTE },
      blue: { requests: 1200, errors: 19, p99: (0.2 * 500 + 0.3 * 700) / 1200 },
      green: { requests: 800, errors: 19, p99: (0.4 * 500 + 0.6 * 300) / 800 },
      evidence: [
        {
          check: 'error-rate',
          status: errorRate.status,
          eValue: errorRate.eValue,
          threshold: 200
        },
        // 12:03 and 12:04 slower beyond 10 %, 12:00-12:02 within it: 2 of 5.
        { check: 'latency', status: 'pass', eValue: signTestEValue(2, 5), threshold: 200 }
      ]
    })
    expect(result.detail).toContain(`e-value ${errorRate.eValue.toPrecision(3)} (fails at 200)`)
  })

  it('reads no p99 with the latency check off, and has only evidence before a step minute is out', async () => {
    const [gate, deps] = build(canaryAnalysis, {
      'canary-analysis': 'on',
      'canary-checks': 'error-rate'
    })
    deps.clock.advance(3 * MINUTE + 10_000) // 12:03:10: 12:00 and 12:01 published
    const early = await gate.check(context(50, STEP2))
    expect(early.observation?.window).toBeUndefined()
    expect(early.observation?.evidence?.map((e) => e.check)).toEqual(['error-rate'])
    deps.clock.advance(3 * MINUTE)
    const later = await gate.check(context(50, STEP2))
    expect(later.observation?.blue).toEqual({ requests: 1200, errors: 19 })
    expect(later.observation?.green).toEqual({ requests: 800, errors: 19 })
  })

  it('keeps an e-value past the largest double a number, as JSON can carry it', () => {
    const kept = evidence('error-rate', { status: 'fail', eValue: Infinity, threshold: 100 })
    expect(kept.eValue).toBe(Number.MAX_VALUE)
    expect(JSON.parse(JSON.stringify(kept)).eValue).toBe(Number.MAX_VALUE)
  })
})

describe('traffic-split observation', () => {
  it("holds the judged green share and its minutes, on the step's later verdicts too", async () => {
    const [gate, deps] = build(trafficSplit, {})
    deps.clock.advance(6 * MINUTE + 30_000)
    // 12:04: blue 700, green 300 at 30 % applied.
    const judged = await gate.check(context(30, STEP2))
    expect(judged.status).toBe('pass')
    // 12:04 only: the change's own minute (12:03) is mixed and left out.
    expect(judged.observation).toEqual({
      window: { start: T0 + 4 * MINUTE, end: T0 + 5 * MINUTE },
      greenShare: 0.3
    })
    deps.clock.advance(MINUTE)
    const settling = await gate.check(context(30, STEP2, 'converge'))
    expect(settling.observation).toEqual(judged.observation)
  })

  it('has none before the step is judged', async () => {
    const [gate, deps] = build(trafficSplit, {})
    deps.clock.advance(6 * MINUTE + 30_000)
    expect((await gate.check(context(30, STEP2, 'converge'))).observation).toBeUndefined()
    // 12:04 alone holds 1,000 requests; a step changed at 12:04:30 has no complete minute yet.
    expect((await gate.check(context(30, T0 + 4.5 * MINUTE))).observation).toBeUndefined()
  })
})
