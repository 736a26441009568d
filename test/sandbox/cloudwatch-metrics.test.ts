/**
 * ALB metrics from real traffic: requests through a sandbox listener to real apps, published
 * per target group and load balancer as ALB publishes them, read back through the real SDK
 * (GetMetricData, ListMetrics), and an alarm that fires from that traffic and clears after it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  ListMetricsCommand,
  type MetricDataQuery,
  PutMetricAlarmCommand
} from '@aws-sdk/client-cloudwatch'
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  type ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type CloudWatchSandbox, startCloudWatch } from '../../sandbox/cloudwatch/index.js'
import type { Routed } from '../../sandbox/elbv2/data-plane.js'
import { type Sandbox, SANDBOX_CREDENTIALS, startSandbox } from '../../sandbox/index.js'
import { publishAlbMetrics, targetGroupDimension } from '../../sandbox/metrics/alb.js'
import { type BlueGreenScenario, createBlueGreen } from '../../sandbox/scenario.js'
import { elbClient, failure, until } from './sandbox-helpers.js'

const TIME_SCALE = 0.02 // one CloudWatch minute = 1.2 s
const MINUTE_MS = 60_000 * TIME_SCALE

let sandbox: Sandbox
let cloudwatch: CloudWatchSandbox
let cw: CloudWatchClient
let elb: ElasticLoadBalancingV2Client
let scenario: BlueGreenScenario
let stopPublishing: () => void
const routed: Routed[] = []
let trafficStart = 0
let trafficEnd = 0
let emptyGroupArn = ''

const lbDimension = () => sandbox.elb.model.loadBalancers.get(scenario.loadBalancerArn)!.resourceId
const tgDimension = (arn: string) => targetGroupDimension(arn)
const dims = (targetGroupArn?: string) => [
  ...(targetGroupArn ? [{ Name: 'TargetGroup', Value: tgDimension(targetGroupArn) }] : []),
  { Name: 'LoadBalancer', Value: lbDimension() }
]
const query = (
  id: string,
  metricName: string,
  stat: string,
  targetGroupArn?: string
): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'AWS/ApplicationELB',
      MetricName: metricName,
      Dimensions: dims(targetGroupArn)
    },
    Period: 60,
    Stat: stat
  }
})
const window = (): Pick<GetMetricDataCommandInput, 'StartTime' | 'EndTime'> => ({
  StartTime: new Date(trafficStart - MINUTE_MS),
  EndTime: new Date(trafficEnd + 3 * MINUTE_MS)
})
const sum = (values: number[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0)

async function burst(count: number, path = '/'): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, count - i) }, () => scenario.request(path)))
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: TIME_SCALE, seed: 4 })
  cloudwatch = await startCloudWatch({ faults: sandbox.faults, timeScale: TIME_SCALE })
  stopPublishing = publishAlbMetrics(sandbox.elb, cloudwatch.metrics)
  cw = new CloudWatchClient({
    region: sandbox.region,
    endpoint: cloudwatch.url,
    credentials: SANDBOX_CREDENTIALS,
    maxAttempts: 1
  })
  elb = elbClient(sandbox)
  scenario = await createBlueGreen(sandbox, { name: 'cwm', forward: { blue: 3, green: 1 } })
  const empty = await elb.send(
    new CreateTargetGroupCommand({
      Name: 'cwm-empty',
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-0sandbox0000000001',
      TargetType: 'ip'
    })
  )
  emptyGroupArn = empty.TargetGroups![0].TargetGroupArn!
  await elb.send(
    new CreateRuleCommand({
      ListenerArn: scenario.listenerArn,
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', Values: ['/empty/*'] }],
      Actions: [{ Type: 'forward', TargetGroupArn: emptyGroupArn }]
    })
  )
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: 'green-5xx',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Dimensions: dims(scenario.green.targetGroupArn),
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching'
    })
  )
  sandbox.elb.onRequest((r) => routed.push(r))
  // Two minutes of traffic: green fails every request, 3 requests in 100 go nowhere (503).
  scenario.green.apps[0].setFailing(true)
  trafficStart = Date.now()
  await burst(120)
  await burst(3, '/empty/x')
  await new Promise((resolve) => setTimeout(resolve, MINUTE_MS))
  await burst(80)
  trafficEnd = Date.now()
  scenario.green.apps[0].setFailing(false)
}, 30_000)

afterAll(async () => {
  stopPublishing()
  cw.destroy()
  elb.destroy()
  await scenario.close()
  await cloudwatch.close()
  await sandbox.close()
})

const expected = (filter: (r: Routed) => boolean) => routed.filter(filter).length

describe('ALB metrics from real traffic', () => {
  it('publishes a minute only after it closes and the publication delay passes', async () => {
    const out = await cw.send(
      new GetMetricDataCommand({
        ...window(),
        MetricDataQueries: [query('lb', 'RequestCount', 'Sum')]
      })
    )
    const newest = Math.max(
      ...(out.MetricDataResults![0].Timestamps ?? []).map((t) => t.getTime()),
      0
    )
    // The delay is a whole minute: not even the minute before the last one is out yet.
    expect(newest).toBeLessThan(Math.floor(trafficEnd / MINUTE_MS) * MINUTE_MS - MINUTE_MS)
  })

  it('counts every request per target group and per load balancer, and 5XX only where they were', async () => {
    const blue = scenario.blue.targetGroupArn
    const green = scenario.green.targetGroupArn
    const queries = [
      query('lb', 'RequestCount', 'Sum'),
      query('blue', 'RequestCount', 'Sum', blue),
      query('green', 'RequestCount', 'Sum', green),
      query('blue5xx', 'HTTPCode_Target_5XX_Count', 'Sum', blue),
      query('green5xx', 'HTTPCode_Target_5XX_Count', 'Sum', green),
      query('blue2xx', 'HTTPCode_Target_2XX_Count', 'Sum', blue),
      query('elb5xx', 'HTTPCode_ELB_5XX_Count', 'Sum'),
      query('elb503', 'HTTPCode_ELB_503_Count', 'Sum'),
      query('tgElb5xx', 'HTTPCode_ELB_5XX_Count', 'Sum', blue)
    ]
    const total = expected((r) => r.targetId !== undefined)
    const results = await until(
      async () => {
        const out = await cw.send(
          new GetMetricDataCommand({ ...window(), MetricDataQueries: queries })
        )
        const byId = new Map(out.MetricDataResults!.map((r) => [r.Id!, r]))
        return sum(byId.get('lb')!.Values) === total ? byId : undefined
      },
      8000,
      'every minute of traffic published'
    )
    const value = (id: string) => sum(results.get(id)!.Values)
    expect(value('blue')).toBe(
      expected((r) => r.targetGroupArn === blue && r.targetId !== undefined)
    )
    expect(value('green')).toBe(
      expected((r) => r.targetGroupArn === green && r.targetId !== undefined)
    )
    expect(value('blue') + value('green')).toBe(200)
    expect(value('green')).toBeGreaterThan(20)
    expect(value('green5xx')).toBe(value('green'))
    expect(results.get('blue5xx')!.Values).toEqual([]) // no datapoint when there was no 5XX
    expect(value('blue2xx')).toBe(value('blue'))
    expect(value('elb5xx')).toBe(3)
    expect(value('elb503')).toBe(3)
    expect(results.get('tgElb5xx')!.Values).toEqual([]) // ELB codes are per load balancer only
    expect(results.get('lb')!.Label).toBe('RequestCount')
    expect(results.get('lb')!.StatusCode).toBe('Complete')
    expect(results.get('lb')!.Timestamps!.length).toBeGreaterThanOrEqual(2)
  })

  it('gives TargetResponseTime in seconds with Average, SampleCount and percentiles', async () => {
    const blue = scenario.blue.targetGroupArn
    const out = await cw.send(
      new GetMetricDataCommand({
        ...window(),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          query('avg', 'TargetResponseTime', 'Average', blue),
          query('p99', 'TargetResponseTime', 'p99', blue),
          query('n', 'TargetResponseTime', 'SampleCount', blue),
          query('requests', 'RequestCount', 'Sum', blue)
        ]
      })
    )
    const [avg, p99, n, requests] = out.MetricDataResults!
    expect(n.Values).toEqual(requests.Values)
    avg.Values!.forEach((average, i) => {
      expect(average).toBeGreaterThan(0)
      expect(average).toBeLessThan(1)
      expect(p99.Values![i]).toBeGreaterThanOrEqual(average)
    })
    const stamps = avg.Timestamps!.map((t) => t.getTime())
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b))
    expect(stamps.every((t) => t % MINUTE_MS === 0)).toBe(true)
  })

  it('pages by MaxDatapoints with NextToken, PartialData until the last page', async () => {
    const queries = [
      query('lb', 'RequestCount', 'Sum'),
      query('tr', 'TargetResponseTime', 'Maximum')
    ]
    const whole = await cw.send(
      new GetMetricDataCommand({ ...window(), MetricDataQueries: queries })
    )
    const pages: { id: string; values: number[]; status: string }[] = []
    let token: string | undefined
    do {
      const page = await cw.send(
        new GetMetricDataCommand({
          ...window(),
          MetricDataQueries: queries,
          MaxDatapoints: 1,
          NextToken: token
        })
      )
      for (const r of page.MetricDataResults!)
        pages.push({ id: r.Id!, values: r.Values!, status: r.StatusCode! })
      token = page.NextToken
    } while (token)
    for (const result of whole.MetricDataResults!) {
      const parts = pages.filter((p) => p.id === result.Id)
      expect(parts.flatMap((p) => p.values)).toEqual(result.Values)
      expect(parts.map((p) => p.status).slice(-1)).toEqual(['Complete'])
      expect(parts.slice(0, -1).every((p) => p.status === 'PartialData')).toBe(true)
    }
    const bad = await failure(
      cw.send(
        new GetMetricDataCommand({ ...window(), MetricDataQueries: queries, NextToken: 'bogus' })
      )
    )
    expect(bad.name).toBe('InvalidNextToken')
  })

  it('lists the published metrics with dimension filters', async () => {
    const green = tgDimension(scenario.green.targetGroupArn)
    const all = await cw.send(
      new ListMetricsCommand({ Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount' })
    )
    const sets = all
      .Metrics!.map((m) =>
        m
          .Dimensions!.map((d) => d.Name)
          .sort()
          .join('+')
      )
      .sort()
    expect(sets).toEqual(['LoadBalancer', 'LoadBalancer+TargetGroup', 'LoadBalancer+TargetGroup'])
    const greens = await cw.send(
      new ListMetricsCommand({ Dimensions: [{ Name: 'TargetGroup', Value: green }] })
    )
    expect(greens.Metrics!.map((m) => m.MetricName).sort()).toEqual([
      'HTTPCode_Target_5XX_Count',
      'RequestCount',
      'TargetResponseTime'
    ])
    const empty = await cw.send(
      new ListMetricsCommand({
        Dimensions: [{ Name: 'TargetGroup', Value: tgDimension(emptyGroupArn) }]
      })
    )
    expect(empty.Metrics).toEqual([])
  })

  it('refuses what CloudWatch refuses, and expressions it does not evaluate', async () => {
    const send = (input: Partial<GetMetricDataCommandInput>) =>
      failure(
        cw.send(
          new GetMetricDataCommand({
            ...window(),
            MetricDataQueries: [query('a', 'RequestCount', 'Sum')],
            ...input
          })
        )
      )
    expect(
      (await send({ MetricDataQueries: [{ Id: 'e1', Expression: 'SUM(METRICS())' }] })).Code
    ).toBe('ValidationError')
    expect(
      (await send({ MetricDataQueries: [{ ...query('a', 'RequestCount', 'Sum'), Id: 'Bad' }] }))
        .Code
    ).toBe('ValidationError')
    expect(
      (
        await send({
          MetricDataQueries: [query('a', 'RequestCount', 'Sum'), query('a', 'RequestCount', 'Sum')]
        })
      ).Code
    ).toBe('ValidationError')
    expect(
      (await send({ StartTime: new Date(trafficEnd), EndTime: new Date(trafficStart - MINUTE_MS) }))
        .Code
    ).toBe('InvalidParameterValue')
    const period = {
      ...query('a', 'RequestCount', 'Sum'),
      MetricStat: { ...query('a', 'RequestCount', 'Sum').MetricStat!, Period: 45 }
    }
    expect((await send({ MetricDataQueries: [period] })).Code).toBe('InvalidParameterValue')
    const stat = {
      ...query('a', 'RequestCount', 'Sum'),
      MetricStat: { ...query('a', 'RequestCount', 'Sum').MetricStat!, Stat: 'Median' }
    }
    expect((await send({ MetricDataQueries: [stat] })).Code).toBe('InvalidParameterValue')
  })

  it('fires an alarm from the traffic and clears it once the 5XX stop', async () => {
    const state = async () =>
      (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['green-5xx'] }))).MetricAlarms![0]
    const alarmed = await until(
      async () => ((await state()).StateValue === 'ALARM' ? state() : undefined),
      8000,
      'ALARM'
    )
    expect(alarmed.StateReason).toMatch(/^Threshold Crossed: 1 out of the last 1 datapoints \[\d+ /)
    expect(JSON.parse(alarmed.StateReasonData!).statistic).toBe('Sum')
    // No green 5XX since: missing data is not breaching, so the alarm goes back to OK.
    await until(async () => ((await state()).StateValue === 'OK' ? true : undefined), 10_000, 'OK')
  }, 20_000)
})
