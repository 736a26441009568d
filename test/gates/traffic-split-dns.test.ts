import { beforeEach, describe, expect, it } from '@jest/globals'
import { loadBalancerRef } from '../../src/backends/dns-load-balancers.js'
import {
  emptySide,
  type LoadBalancerRef,
  type RecordRef,
  type Sides
} from '../../src/backends/sides.js'
import type { Gate, GateContext } from '../../src/gates/gate.js'
import { trafficSplit } from '../../src/gates/traffic-split.js'
import { Split } from '../../src/split.js'
import { gateDeps, inputs, type TestDeps } from './deps.js'
import { FakeMetrics, MINUTE } from './metric-data.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer'
const BLUE_LB = loadBalancerRef(`${ARN}/app/shop-blue/50dc6c495c0c9188`)
const GREEN_LB = loadBalancerRef(`${ARN}/app/shop-green/73e2d6bc24d8a067`)

const record = (setIdentifier: string, dnsName: string): RecordRef => ({
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  name: 'www.example.com',
  type: 'A',
  setIdentifier,
  values: [],
  aliasTarget: { dnsName, hostedZoneId: 'Z35SXDOTRQ7X7K' },
  ttlSeconds: 60
})

/** What mode dns's inspection gives when both records alias an ALB of their own. */
function dnsSides(
  blue: LoadBalancerRef[] = [BLUE_LB],
  green: LoadBalancerRef[] = [GREEN_LB]
): Sides {
  const all = new Map([...blue, ...green].map((lb) => [lb.arn, lb]))
  return {
    blue: {
      ...emptySide(),
      records: [record('blue', 'shop-blue-1.us-east-1.elb.amazonaws.com')],
      loadBalancers: blue
    },
    green: {
      ...emptySide(),
      records: [record('green', 'shop-green-2.us-east-1.elb.amazonaws.com')],
      loadBalancers: green
    },
    nameServers: [],
    loadBalancers: [...all.values()]
  }
}

const metrics = new FakeMetrics()
/** The gate is built at T0 (12:00:00); the step's write lands 10 s later, its TTL ends 12:01:10. */
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
const CHANGE = T0 + 10_000
/** Route 53's 26 of 255 for a 10 % step. */
const TEN = Split.ofWeights(229, 26)
const bake = (split = TEN, since = CHANGE): GateContext => ({ phase: 'bake', split, since })

function build(
  values: Record<string, string> = {},
  sides = dnsSides()
): [Gate | undefined, TestDeps] {
  const deps = gateDeps({ sides, settings: { mode: 'dns' } })
  deps.clock.advance(T0 - deps.clock.now())
  const settings = trafficSplit.readInputs(inputs(values), deps.settings)!
  return [trafficSplit.create(settings, deps), deps]
}

/** Each load balancer's RequestCount from 12:01 on, one value per minute. */
function requests(blue: number[], green: number[]): void {
  metrics.perMinute(BLUE_LB.metrics[0], 'RequestCount', T0 + MINUTE, blue)
  metrics.perMinute(GREEN_LB.metrics[0], 'RequestCount', T0 + MINUTE, green)
}

const queried = (call: number) =>
  metrics.inputs()[call].MetricDataQueries!.map((q) => q.MetricStat!.Metric!.MetricName)

beforeEach(() => metrics.reset())

describe('traffic-split in mode dns: the split between the two load balancers', () => {
  it('judges RequestCount per load balancer over minutes starting one TTL after the change', async () => {
    const [gate, deps] = build()
    // 12:01 starts inside the TTL: resolvers still answered blue, and it must not count.
    requests([1000, 900, 897, 898, 5000], [0, 102, 103, 102, 0])
    deps.clock.advance(6 * MINUTE + 5000) // 12:06:05: 12:02-12:04 are published
    const result = await gate!.check(bake())
    expect(result.status).toBe('pass')
    expect(result.detail).toContain(
      'split as applied: blue 89.8% of 3,002 requests, expected 89.8% (accepted'
    )
    expect(result.detail).toContain('over 3 complete minutes starting one TTL after the change')
    const splitCall = metrics
      .inputs()
      .find((input) =>
        input.MetricDataQueries!.some((q) => q.MetricStat!.Metric!.MetricName === 'RequestCount')
      )!
    // The report gets the judged share and its minutes.
    expect(result.observation).toEqual({
      window: { start: T0 + 2 * MINUTE, end: T0 + 5 * MINUTE },
      greenShare: 307 / 3002
    })
    expect(splitCall.StartTime).toEqual(new Date(T0 + 2 * MINUTE))
    expect(splitCall.EndTime).toEqual(new Date(T0 + 5 * MINUTE))
    expect(splitCall.MetricDataQueries!.map((q) => q.MetricStat!.Metric!.Dimensions)).toEqual([
      [{ Name: 'LoadBalancer', Value: 'app/shop-blue/50dc6c495c0c9188' }],
      [{ Name: 'LoadBalancer', Value: 'app/shop-green/73e2d6bc24d8a067' }]
    ])
  })

  it('fails a split the weights do not explain, naming resolver caching and pinned clients', async () => {
    const [gate, deps] = build()
    requests([0, 700, 700, 700], [0, 300, 300, 300])
    deps.clock.advance(6 * MINUTE + 5000)
    const result = await gate!.check(bake())
    expect(result.status).toBe('fail')
    expect(result.detail).toContain('traffic does not split as applied (10.2% green)')
    expect(result.detail).toContain('green 30.0% of 3,000 requests, expected 10.2%')
    expect(result.detail).toContain("resolvers caching the old answer past the record's TTL (60s)")
    expect(result.detail).toContain('keep-alive')
  })

  it('passes without judging until the minutes after the TTL hold enough requests', async () => {
    const [gate, deps] = build()
    // Plenty inside the TTL's minute, too few after it.
    requests([5000, 300, 300], [0, 30, 30])
    deps.clock.advance(5 * MINUTE + 5000)
    const early = await gate!.check(bake())
    expect(early.status).toBe('pass')
    expect(early.detail).toContain(
      'split not judged yet at 10.2% green: 660 requests in 2 complete minutes starting one TTL (60s) after the change, 1,000 needed'
    )
  })

  it('judges a step once, then only watches the 5XX', async () => {
    const [gate, deps] = build()
    requests([0, 700, 700, 700], [0, 300, 300, 300])
    deps.clock.advance(6 * MINUTE + 5000)
    expect((await gate!.check(bake())).status).toBe('fail')
    const calls = metrics.inputs().length
    requests([0, 900, 900, 900, 900], [0, 102, 102, 102, 102])
    deps.clock.advance(MINUTE)
    expect((await gate!.check(bake())).status).toBe('fail')
    expect(
      metrics
        .inputs()
        .slice(calls)
        .map((_, i) => queried(calls + i))
    ).toEqual([['HTTPCode_ELB_5XX_Count', 'HTTPCode_ELB_5XX_Count']])
  })

  it('warn logs the mismatch once and passes', async () => {
    const [gate, deps] = build({ 'traffic-split': 'warn' })
    requests([0, 700, 700, 700], [0, 300, 300, 300])
    deps.clock.advance(6 * MINUTE + 5000)
    expect((await gate!.check(bake())).status).toBe('pass')
    expect((await gate!.check(bake())).status).toBe('pass')
    const warnings = deps.logger.lines.filter((line) => line.includes('(warn only)'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('resolvers caching the old answer')
  })

  it('reads no RequestCount while the step converges, and still fails on a load balancer 5XX', async () => {
    const [gate, deps] = build()
    requests([0, 700, 700, 700], [0, 300, 300, 300])
    metrics.set(GREEN_LB.metrics[0], 'HTTPCode_ELB_5XX_Count', T0 + MINUTE, 3)
    deps.clock.advance(6 * MINUTE + 5000)
    const result = await gate!.check({ ...bake(), phase: 'converge' })
    expect(result.status).toBe('fail')
    expect(result.detail).toContain('app/shop-green/73e2d6bc24d8a067')
    expect(result.detail).toContain('HTTPCode_ELB_5XX_Count 3 at 12:01')
    expect(metrics.inputs().map((_, i) => queried(i))).toEqual([
      ['HTTPCode_ELB_5XX_Count', 'HTTPCode_ELB_5XX_Count']
    ])
  })
})

describe('traffic-split in mode dns without a load balancer of its own on each side', () => {
  it('does not apply when no record aliases an ALB, and says why', () => {
    const [gate, deps] = build({}, dnsSides([], []))
    expect(gate).toBeUndefined()
    expect(deps.logger.lines.join('\n')).toContain(
      'traffic-split does not apply: blue and green do not each alias an Application Load Balancer of their own'
    )
  })

  it.each([
    ['only blue aliases one', [BLUE_LB], []],
    ['both alias the same one', [BLUE_LB], [BLUE_LB]]
  ])('watches only the 5XX when %s', async (_, blue, green) => {
    const [gate, deps] = build({}, dnsSides(blue, green))
    expect(deps.logger.lines.join('\n')).toContain(
      'traffic-split watches only the load balancer 5XX'
    )
    requests([0, 1000, 1000, 1000], [0, 0, 0, 0])
    deps.clock.advance(6 * MINUTE + 5000)
    expect((await gate!.check(bake())).status).toBe('pass')
    expect(metrics.inputs().map((_, i) => queried(i))).toEqual([['HTTPCode_ELB_5XX_Count']])
  })
})
