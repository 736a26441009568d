/**
 * The sandbox as a whole: the env() variables alone point unmodified SDK clients at it (as they
 * will the bundled action), the blue/green scenario, and close() leaving nothing behind.
 */
import { describe, expect, it } from '@jest/globals'
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53'
import { startSandbox } from '../../sandbox/index.js'
import { createBlueGreen } from '../../sandbox/scenario.js'
import { elbClient, failure, until } from './sandbox-helpers.js'

/** Servers, sockets and timers alive now (what would keep jest from exiting). */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) {
    if (['TCPServerWrap', 'TCPSocketWrap', 'Timeout', 'UDPWrap'].includes(kind))
      counts[kind] = (counts[kind] ?? 0) + 1
  }
  return counts
}

describe('the sandbox', () => {
  it('is reachable by SDK clients configured only through env()', async () => {
    const sandbox = await startSandbox({ timeScale: 0.01 })
    const scenario = await createBlueGreen(sandbox, { name: 'env', alarms: ['green-5xx'] })
    const env = sandbox.env()
    expect(Object.keys(env).sort()).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_DEFAULT_REGION',
      'AWS_EC2_METADATA_DISABLED',
      'AWS_ENDPOINT_URL_AUTO_SCALING',
      'AWS_ENDPOINT_URL_CLOUDWATCH',
      'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2',
      'AWS_ENDPOINT_URL_ROUTE_53',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY'
    ])
    const saved = { ...process.env }
    Object.assign(process.env, env)
    delete process.env.AWS_PROFILE
    delete process.env.AWS_ENDPOINT_URL
    const elbv2 = new ElasticLoadBalancingV2Client({ maxAttempts: 1 })
    const cloudwatch = new CloudWatchClient({ maxAttempts: 1 })
    const route53 = new Route53Client({ maxAttempts: 1 })
    const autoscaling = new AutoScalingClient({ maxAttempts: 1 })
    sandbox.autoscaling.createGroup('env-green', ['i-0e000000000000001'])
    try {
      const listeners = await elbv2.send(
        new DescribeListenersCommand({ ListenerArns: [scenario.listenerArn] })
      )
      expect(listeners.Listeners![0].ListenerArn).toBe(scenario.listenerArn)
      const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['green-5xx'] }))
      expect(alarms.MetricAlarms![0].StateValue).toBe('OK')
      const zones = await route53.send(new ListHostedZonesCommand({}))
      expect(zones.HostedZones).toEqual([])
      const groups = await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))
      expect(groups.AutoScalingGroups!.map((group) => group.AutoScalingGroupName)).toEqual([
        'env-green'
      ])
    } finally {
      process.env = saved
      for (const client of [elbv2, cloudwatch, route53, autoscaling]) client.destroy()
      await scenario.close()
      await sandbox.close()
    }
  })

  it('builds a blue/green scenario with healthy targets on both sides when weighted', async () => {
    const sandbox = await startSandbox({ timeScale: 0.01 })
    try {
      const scenario = await createBlueGreen(sandbox, {
        forward: { blue: 500, green: 500 },
        targetsPerColor: 2,
        deregistrationDelaySeconds: 10
      })
      const states = [scenario.blue, scenario.green].flatMap((side) =>
        [...sandbox.elb.model.targetGroup(side.targetGroupArn).targets.values()].map((t) => t.state)
      )
      expect(states).toEqual(['healthy', 'healthy', 'healthy', 'healthy'])
      const versions = new Set<string | undefined>()
      for (let i = 0; i < 20; i += 1) versions.add((await scenario.request('/')).version)
      expect(versions).toEqual(new Set(['v1', 'v2']))
      expect(sandbox.elb.dataPlane.served.get(scenario.blue.targetGroupArn)).toBeGreaterThan(0)
      await scenario.close()
    } finally {
      await sandbox.close()
    }
  })

  it('closes every port, socket and timer, even with requests in flight', async () => {
    const baseline = handles()
    const sandbox = await startSandbox({ timeScale: 0.01 })
    const scenario = await createBlueGreen(sandbox, { name: 'bye', forward: { blue: 1, green: 1 } })
    const listenerUrl = scenario.listenerUrl
    await scenario.request('/')
    const client = elbClient(sandbox)
    sandbox.faults.add({ service: 'elbv2', kind: 'latency', latencyMs: 60_000 })
    const slow = failure(
      client.send(new DescribeListenersCommand({ ListenerArns: [scenario.listenerArn] }))
    )
    await until(
      () => (sandbox.faults.count('elbv2', 'DescribeListeners') > 0 ? true : undefined),
      2000
    )
    const started = Date.now()
    await scenario.close()
    await sandbox.close()
    await sandbox.close()
    await slow
    expect(Date.now() - started).toBeLessThan(2000)
    client.destroy()
    for (const url of [
      sandbox.endpoints.elbv2,
      sandbox.endpoints.cloudwatch,
      sandbox.endpoints.route53,
      sandbox.endpoints.autoscaling,
      listenerUrl
    ]) {
      await expect(fetch(url)).rejects.toThrow()
    }
    const left = await until(
      () => {
        const now = handles()
        const same = Object.keys({ ...now, ...baseline }).every(
          (k) => (now[k] ?? 0) <= (baseline[k] ?? 0)
        )
        return same ? now : undefined
      },
      3000,
      'handles to return to the baseline'
    )
    expect(left).toBeDefined()
  })
})
