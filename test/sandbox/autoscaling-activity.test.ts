/**
 * Auto Scaling's own activity during a run, seen through the real SDK clients: scale-out
 * (Pending while the new app boots, then registered and InService), scale-in (Terminating while
 * the target drains for the deregistration delay, then gone) and replacement of an unhealthy
 * instance (terminated first, then a new one launched; desired capacity kept).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  type AutoScalingGroup
} from '@aws-sdk/client-auto-scaling'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type App, type Sandbox, startApp, startSandbox } from '../../sandbox/index.js'
import { until } from './sandbox-helpers.js'

let sandbox: Sandbox
let elbv2: ElasticLoadBalancingV2Client
let autoscaling: AutoScalingClient
let targetGroupArn: string
let listenerUrl: string
const apps: App[] = []
const ids = ['i-0d000000000000001', 'i-0d000000000000002']

beforeAll(async () => {
  // A 100 s boot → 2 s, a 50 s deregistration delay → 1 s, the 5 s health interval → 0.1 s:
  // long enough for the SDK calls that look at each stage.
  sandbox = await startSandbox({ timeScale: 0.02 })
  elbv2 = new ElasticLoadBalancingV2Client(sandbox.clientConfig('elbv2'))
  autoscaling = new AutoScalingClient(sandbox.clientConfig('autoscaling'))
  const lb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'activity-alb' }))
  const group = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: 'activity',
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: lb.LoadBalancers![0].VpcId,
      TargetType: 'instance',
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 2,
      HealthyThresholdCount: 2
    })
  )
  targetGroupArn = group.TargetGroups![0].TargetGroupArn!
  await elbv2.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: targetGroupArn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '50' }]
    })
  )
  const listener = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancers![0].LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }]
    })
  )
  listenerUrl = sandbox.elb.listenerUrl(listener.Listeners![0].ListenerArn!)
  for (const id of ids) {
    const app = await startApp({ version: 'v1' })
    apps.push(app)
    sandbox.elb.defineInstance(id, app.port)
  }
  sandbox.autoscaling.createGroup('web', ids, {
    targetGroupArns: [targetGroupArn],
    launchTemplate: { version: 'v1-launched', bootSeconds: 100 }
  })
  sandbox.autoscaling.createGroup('fixed', [])
  await Promise.all(ids.map((id) => sandbox.elb.waitForTargetState(targetGroupArn, id, 'healthy')))
})

afterAll(async () => {
  elbv2.destroy()
  autoscaling.destroy()
  await sandbox.close()
  await Promise.all(apps.map((app) => app.close()))
})

async function describeGroup(): Promise<AutoScalingGroup> {
  const out = await autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] })
  )
  return out.AutoScalingGroups![0]
}

async function instances(): Promise<Record<string, string>> {
  const group = await describeGroup()
  return Object.fromEntries(
    group.Instances!.map((i) => [i.InstanceId!, `${i.LifecycleState}/${i.HealthStatus}`])
  )
}

async function targets(): Promise<Record<string, string>> {
  const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))
  return Object.fromEntries(
    out.TargetHealthDescriptions!.map((d) => [d.Target!.Id!, d.TargetHealth!.State!])
  )
}

/** Requests through the listener until one is answered by `version`. */
async function servedBy(version: string): Promise<void> {
  await until(
    async () => {
      const response = await fetch(listenerUrl)
      await response.arrayBuffer()
      return response.headers.get('x-version') === version ? true : undefined
    },
    10_000,
    `a response from ${version}`
  )
}

describe('scale-out', () => {
  let launched: string

  it('launches a Pending instance that is not registered until it has booted', async () => {
    const scaling = sandbox.autoscaling.scaleOut('web')
    const group = await describeGroup()
    expect(group.DesiredCapacity).toBe(3)
    const pending = group.Instances!.find((i) => !ids.includes(i.InstanceId!))!
    expect(pending.LifecycleState).toBe('Pending')
    expect(Object.keys(await targets())).not.toContain(pending.InstanceId)
    launched = await scaling
    expect(launched).toBe(pending.InstanceId)
  })

  it('then registers it, marks it InService, and a real app behind it takes traffic', async () => {
    expect((await instances())[launched]).toBe('InService/Healthy')
    expect(Object.keys(await targets())).toContain(launched)
    await sandbox.elb.waitForTargetState(targetGroupArn, launched, 'healthy')
    await servedBy('v1-launched')
  })

  it('refuses a group without a launch template, changing nothing', async () => {
    await expect(sandbox.autoscaling.scaleOut('fixed')).rejects.toThrow(/no launch template/)
    expect(sandbox.autoscaling.model.groups.get('fixed')!.desiredCapacity).toBe(0)
  })

  describe('scale-in', () => {
    it('drains the instance for the deregistration delay, then it leaves the group', async () => {
      const failures: number[] = []
      let stop = false
      const traffic = (async () => {
        while (!stop) {
          const response = await fetch(listenerUrl)
          await response.arrayBuffer()
          if (response.status !== 200) failures.push(response.status)
        }
      })()
      try {
        const scaling = sandbox.autoscaling.scaleIn('web', launched)
        const group = await describeGroup()
        expect(group.DesiredCapacity).toBe(2)
        expect((await instances())[launched]).toBe('Terminating/Healthy')
        expect((await targets())[launched]).toBe('draining')
        expect(await scaling).toBe(launched)
        expect(Object.keys(await instances())).toEqual(ids)
        expect(Object.keys(await targets())).not.toContain(launched)
      } finally {
        stop = true
        await traffic
      }
      // The other instances took every request while it drained.
      expect(failures).toEqual([])
    })
  })
})

describe('replacement of an unhealthy instance', () => {
  it('terminates it first, then launches a replacement; desired capacity is kept', async () => {
    const replacing = sandbox.autoscaling.replaceInstance('web', ids[0])
    expect((await instances())[ids[0]]).toBe('Terminating/Unhealthy')
    expect((await describeGroup()).DesiredCapacity).toBe(2)
    expect((await targets())[ids[0]]).toBe('draining')
    // No replacement while it drains.
    expect(Object.keys(await instances())).toEqual(ids)
    await until(
      async () => ((await instances())[ids[0]] === undefined ? true : undefined),
      10_000,
      'the unhealthy instance to leave'
    )
    expect(Object.values(await instances()).sort()).toEqual([
      'InService/Healthy',
      'Pending/Healthy'
    ])
    const replacement = await replacing
    expect(await instances()).toEqual({
      [ids[1]]: 'InService/Healthy',
      [replacement]: 'InService/Healthy'
    })
    expect((await describeGroup()).DesiredCapacity).toBe(2)
    await sandbox.elb.waitForTargetState(targetGroupArn, replacement, 'healthy')
    await servedBy('v1-launched')
  })

  it('refuses an instance that is not InService', async () => {
    await expect(sandbox.autoscaling.replaceInstance('web', 'i-0nope')).rejects.toThrow(
      /no instance i-0nope/
    )
  })
})
