/**
 * The `lost-response` fault: the write is carried out and its answer never arrives, so the SDK
 * retries a write that already happened. Each service's retry then meets AWS's own answer to a
 * repeated request (idempotent ELBv2 and Auto Scaling writes succeed; Route 53's repeated change
 * batch is refused with InvalidChangeBatch).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import {
  AttachLoadBalancerTargetGroupsCommand,
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand
} from '@aws-sdk/client-auto-scaling'
import { DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  Route53Client
} from '@aws-sdk/client-route-53'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { cloudWatchClient, elbClient, failure } from './sandbox-helpers.js'

let sandbox: Sandbox
let elbv2: ElasticLoadBalancingV2Client
let listenerArn: string
let groups: string[]

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 0.02, route53PendingMs: 0 })
  elbv2 = elbClient(sandbox)
  const lb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'lost-alb' }))
  groups = []
  for (const name of ['lost-blue', 'lost-green']) {
    const out = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: lb.LoadBalancers![0].VpcId,
        TargetType: 'instance'
      })
    )
    groups.push(out.TargetGroups![0].TargetGroupArn!)
  }
  const listener = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancers![0].LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groups[0] }]
    })
  )
  listenerArn = listener.Listeners![0].ListenerArn!
})

afterEach(() => sandbox.faults.clear())

afterAll(async () => {
  elbv2.destroy()
  await sandbox.close()
})

function weights(blue: number, green: number) {
  return [
    {
      Type: 'forward' as const,
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: groups[0], Weight: blue },
          { TargetGroupArn: groups[1], Weight: green }
        ]
      }
    }
  ]
}

async function liveWeights(): Promise<number[]> {
  const out = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))
  return out.Listeners![0].DefaultActions![0].ForwardConfig!.TargetGroups!.map((g) => g.Weight!)
}

function faultsOf(operation: string) {
  return sandbox.faults.calls.filter((call) => call.operation === operation).map((c) => c.fault)
}

describe('ELBv2 lost responses', () => {
  it('applies the write and drops the connection: one attempt fails, the change is made', async () => {
    sandbox.faults.add({
      service: 'elbv2',
      operation: 'ModifyListener',
      kind: 'lost-response',
      times: 1
    })
    const error = await failure(
      elbv2.send(
        new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: weights(90, 10) })
      )
    )
    // A network error, not an AWS answer.
    expect(error.message).toMatch(/socket hang up/)
    expect(error.$metadata?.httpStatusCode).toBeUndefined()
    expect(await liveWeights()).toEqual([90, 10])
  })

  it('is retried by the SDK, and the retried ModifyListener succeeds', async () => {
    const retrying = elbClient(sandbox, 3)
    try {
      const before = faultsOf('ModifyListener').length
      sandbox.faults.add({
        service: 'elbv2',
        operation: 'ModifyListener',
        kind: 'lost-response',
        times: 1
      })
      const out = await retrying.send(
        new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: weights(50, 50) })
      )
      expect(out.$metadata.attempts).toBe(2)
      expect(faultsOf('ModifyListener').slice(before)).toEqual(['lost-response', undefined])
      expect(await liveWeights()).toEqual([50, 50])
    } finally {
      retrying.destroy()
    }
  })

  it("holds the answer past the client's request timeout, which the SDK retries", async () => {
    const timing = new ElasticLoadBalancingV2Client({
      ...sandbox.clientConfig('elbv2'),
      maxAttempts: 2,
      // Long enough for the retry to be answered on a loaded machine, far shorter than the hold.
      requestHandler: { requestTimeout: 1500, throwOnRequestTimeout: true }
    })
    try {
      sandbox.faults.add({
        service: 'elbv2',
        operation: 'ModifyListener',
        kind: 'lost-response',
        latencyMs: 60_000,
        times: 1
      })
      const before = faultsOf('ModifyListener').length
      const out = await timing.send(
        new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: weights(20, 80) })
      )
      expect(out.$metadata.attempts).toBe(2)
      expect(faultsOf('ModifyListener').slice(before)).toEqual(['lost-response', undefined])
      expect(await liveWeights()).toEqual([20, 80])
    } finally {
      timing.destroy()
    }
  })

  it('loses the answer of a refused write too', async () => {
    sandbox.faults.add({ service: 'elbv2', kind: 'lost-response', times: 1 })
    const error = await failure(
      elbv2.send(
        new ModifyListenerCommand({ ListenerArn: `${listenerArn}0`, DefaultActions: weights(1, 1) })
      )
    )
    // The sandbox did refuse it (ListenerNotFound), but the client only sees the connection drop.
    expect(error.message).toMatch(/socket hang up/)
    expect(error.$metadata?.httpStatusCode).toBeUndefined()
  })
})

describe('Route 53 lost responses', () => {
  it('makes the change; the retried batch is refused with InvalidChangeBatch, as on AWS', async () => {
    const route53 = new Route53Client({ ...sandbox.clientConfig('route53'), maxAttempts: 2 })
    try {
      const zone = sandbox.route53.createHostedZone('lost.example')
      const zoneId = zone.id
      sandbox.faults.add({
        service: 'route53',
        operation: 'ChangeResourceRecordSets',
        kind: 'lost-response',
        times: 1
      })
      const error = await failure(
        route53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: {
              Changes: [
                {
                  Action: 'CREATE',
                  ResourceRecordSet: {
                    Name: 'www.lost.example.',
                    Type: 'A',
                    SetIdentifier: 'blue',
                    Weight: 100,
                    TTL: 60,
                    ResourceRecords: [{ Value: '192.0.2.1' }]
                  }
                }
              ]
            }
          })
        )
      )
      expect(error.name).toBe('InvalidChangeBatch')
      expect(error.$metadata.attempts).toBe(2)
      const records = await route53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId })
      )
      const created = records.ResourceRecordSets!.filter((r) => r.Type === 'A')
      expect(created.map((r) => [r.Name, r.SetIdentifier, r.Weight])).toEqual([
        ['www.lost.example.', 'blue', 100]
      ])
    } finally {
      route53.destroy()
    }
  })
})

describe('Auto Scaling and CloudWatch lost responses', () => {
  it('retries an attachment that was made; attaching again is a no-op', async () => {
    const autoscaling = new AutoScalingClient({
      ...sandbox.clientConfig('autoscaling'),
      maxAttempts: 2
    })
    try {
      sandbox.autoscaling.createGroup('lost-web', [])
      sandbox.faults.add({
        service: 'autoscaling',
        operation: 'AttachLoadBalancerTargetGroups',
        kind: 'lost-response',
        times: 1
      })
      const out = await autoscaling.send(
        new AttachLoadBalancerTargetGroupsCommand({
          AutoScalingGroupName: 'lost-web',
          TargetGroupARNs: [groups[1]]
        })
      )
      expect(out.$metadata.attempts).toBe(2)
      const described = await autoscaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['lost-web'] })
      )
      expect(described.AutoScalingGroups![0].TargetGroupARNs).toEqual([groups[1]])
    } finally {
      autoscaling.destroy()
    }
  })

  it('retries a PutMetricAlarm that was stored', async () => {
    const cloudwatch = cloudWatchClient(sandbox, 2)
    try {
      sandbox.faults.add({
        service: 'cloudwatch',
        operation: 'PutMetricAlarm',
        kind: 'lost-response',
        times: 1
      })
      const out = await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: 'lost-alarm',
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'HTTPCode_Target_5XX_Count',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold'
        })
      )
      expect(out.$metadata.attempts).toBe(2)
      expect(faultsOf('PutMetricAlarm')).toEqual(['lost-response', undefined])
      const alarms = await cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNames: ['lost-alarm'] })
      )
      expect(alarms.MetricAlarms).toHaveLength(1)
    } finally {
      cloudwatch.destroy()
    }
  })
})
