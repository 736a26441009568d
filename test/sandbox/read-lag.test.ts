/**
 * Lagging reads (`faults.lagReads`): ELBv2 and Auto Scaling reads answer the state as it was
 * `ms` ago, as their eventually consistent APIs may. The faults' clock is pinned here, so each
 * case says exactly which moment a read sees; real time plays no part.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import {
  AttachLoadBalancerTargetGroupsCommand,
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand
} from '@aws-sdk/client-auto-scaling'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { Faults } from '../../sandbox/faults.js'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { copyModel } from '../../sandbox/read-lag.js'
import { elbClient, failure } from './sandbox-helpers.js'

const clock = { now: 1_000_000 }
let sandbox: Sandbox
let elbv2: ElasticLoadBalancingV2Client
let autoscaling: AutoScalingClient
let vpcId: string
let listenerArn: string
let groups: string[]

beforeAll(async () => {
  sandbox = await startSandbox({ faults: new Faults(() => clock.now) })
  elbv2 = elbClient(sandbox)
  autoscaling = new AutoScalingClient({ ...sandbox.clientConfig('autoscaling'), maxAttempts: 1 })
  const lb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'lag-alb' }))
  vpcId = lb.LoadBalancers![0].VpcId!
  groups = []
  for (const name of ['lag-blue', 'lag-green']) {
    groups.push(await createGroup(name))
  }
  const listener = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancers![0].LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: weights(1, 0)
    })
  )
  listenerArn = listener.Listeners![0].ListenerArn!
})

afterEach(() => sandbox.faults.clear())

afterAll(async () => {
  elbv2.destroy()
  autoscaling.destroy()
  await sandbox.close()
})

async function createGroup(name: string): Promise<string> {
  const out = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: vpcId,
      TargetType: 'instance'
    })
  )
  return out.TargetGroups![0].TargetGroupArn!
}

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

async function setWeights(blue: number, green: number): Promise<void> {
  await elbv2.send(
    new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: weights(blue, green) })
  )
}

async function readWeights(): Promise<number[]> {
  const out = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))
  return out.Listeners![0].DefaultActions![0].ForwardConfig!.TargetGroups!.map((g) => g.Weight!)
}

describe('ELBv2 lagging reads', () => {
  it('are off by default: a read right after a write sees it', async () => {
    await setWeights(9, 1)
    expect(await readWeights()).toEqual([9, 1])
    await setWeights(1, 0)
  })

  it('answer the state before a write until the lag has passed', async () => {
    sandbox.faults.lagReads({ service: 'elbv2', ms: 1000 })
    await setWeights(90, 10)
    expect(await readWeights()).toEqual([1, 0])
    clock.now += 999
    expect(await readWeights()).toEqual([1, 0])
    clock.now += 1
    expect(await readWeights()).toEqual([90, 10])
  })

  it('show each write once it is `ms` old, in order', async () => {
    sandbox.faults.lagReads({ service: 'elbv2', ms: 1000 })
    await setWeights(50, 50)
    clock.now += 500
    await setWeights(10, 90)
    clock.now += 600
    // 1100 ms after the first write, 600 ms after the second.
    expect(await readWeights()).toEqual([50, 50])
    clock.now += 400
    expect(await readWeights()).toEqual([10, 90])
  })

  it('do not find a group created less than `ms` ago, as AWS documents for new resources', async () => {
    sandbox.faults.lagReads({ service: 'elbv2', ms: 1000 })
    const arn = await createGroup('lag-new')
    const error = await failure(
      elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }))
    )
    expect(error.name).toBe('TargetGroupNotFoundException')
    clock.now += 1000
    const out = await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }))
    expect(out.TargetGroups![0].TargetGroupName).toBe('lag-new')
  })

  it('act on the live state when writing: a write right after another builds on it', async () => {
    sandbox.faults.lagReads({ service: 'elbv2', ms: 1000 })
    await setWeights(30, 70)
    // ModifyListener validates against the live listener and target groups, not the lagged copy.
    await setWeights(20, 80)
    clock.now += 1000
    expect(await readWeights()).toEqual([20, 80])
  })
})

describe('Auto Scaling lagging reads', () => {
  it("lag the group's attachment, but not ELBv2's view of the registered instances", async () => {
    // No app behind it: only where it is registered matters here.
    sandbox.elb.defineInstance('i-0lag0000000000001', 1)
    sandbox.autoscaling.createGroup('lag-web', ['i-0lag0000000000001'])
    sandbox.faults.lagReads({ service: 'autoscaling', ms: 2000 })
    clock.now += 1
    await autoscaling.send(
      new AttachLoadBalancerTargetGroupsCommand({
        AutoScalingGroupName: 'lag-web',
        TargetGroupARNs: [groups[1]]
      })
    )
    const describe = async () =>
      (
        await autoscaling.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['lag-web'] })
        )
      ).AutoScalingGroups![0].TargetGroupARNs
    expect(await describe()).toEqual([])
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: groups[1] }))
    expect(health.TargetHealthDescriptions!.map((d) => d.Target!.Id)).toEqual([
      'i-0lag0000000000001'
    ])
    clock.now += 2000
    expect(await describe()).toEqual([groups[1]])
  })

  it("lag Auto Scaling's own activity (a scale-out), and its registration in ELBv2", async () => {
    sandbox.elb.defineInstance('i-0lag0000000000002', 1)
    sandbox.faults.lagReads({ service: 'autoscaling', ms: 2000 })
    sandbox.faults.lagReads({ service: 'elbv2', ms: 2000 })
    sandbox.autoscaling.launchInstance('lag-web', 'i-0lag0000000000002')
    const ids = async () =>
      (
        await autoscaling.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['lag-web'] })
        )
      ).AutoScalingGroups![0].Instances!.map((i) => i.InstanceId)
    const registered = async () =>
      (
        await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: groups[1] }))
      ).TargetHealthDescriptions!.map((d) => d.Target!.Id)
    expect(await ids()).toEqual(['i-0lag0000000000001'])
    expect(await registered()).toEqual(['i-0lag0000000000001'])
    clock.now += 2000
    expect(await ids()).toEqual(['i-0lag0000000000001', 'i-0lag0000000000002'])
    expect((await registered()).sort()).toEqual(['i-0lag0000000000001', 'i-0lag0000000000002'])
  })
})

describe('copyModel', () => {
  it('copies deeply and keeps the class, so later changes do not reach the copy', () => {
    const copy = copyModel(sandbox.elb.model)
    expect(Object.getPrototypeOf(copy)).toBe(Object.getPrototypeOf(sandbox.elb.model))
    const live = sandbox.elb.model.targetGroup(groups[0])
    live.attributes.set('sandbox.test', 'changed')
    expect(copy.targetGroup(groups[0]).attributes.has('sandbox.test')).toBe(false)
    live.attributes.delete('sandbox.test')
  })
})
