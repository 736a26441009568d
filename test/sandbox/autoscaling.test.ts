import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  AttachLoadBalancerTargetGroupsCommand,
  AttachTrafficSourcesCommand,
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLoadBalancerTargetGroupsCommand,
  DescribeTrafficSourcesCommand,
  DetachLoadBalancerTargetGroupsCommand,
  DetachTrafficSourcesCommand
} from '@aws-sdk/client-auto-scaling'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { AutoScalingSandbox } from '../../sandbox/autoscaling/index.js'
import { type App, type Sandbox, startApp, startSandbox } from '../../sandbox/index.js'
import { failure, rawRequest, until } from './sandbox-helpers.js'

let sandbox: Sandbox
let autoScaling: AutoScalingSandbox
let elbv2: ElasticLoadBalancingV2Client
let apps: App[] = []
let instanceGroup: string
let ipGroup: string

const ids = ['i-0a00000000000001a', 'i-0a00000000000002a', 'i-0a00000000000003a']

function client(maxAttempts = 1): AutoScalingClient {
  return new AutoScalingClient({ ...sandbox.clientConfig('autoscaling'), maxAttempts })
}

async function health(targetGroupArn: string): Promise<Record<string, string>> {
  const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))
  return Object.fromEntries(
    (out.TargetHealthDescriptions ?? []).map((d) => [d.Target!.Id!, d.TargetHealth!.State!])
  )
}

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 0.02 })
  autoScaling = sandbox.autoscaling
  elbv2 = new ElasticLoadBalancingV2Client(sandbox.clientConfig('elbv2'))
  const lb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'asg-alb' }))
  const loadBalancerArn = lb.LoadBalancers![0].LoadBalancerArn!
  const vpcId = lb.LoadBalancers![0].VpcId
  const create = async (name: string, type: 'instance' | 'ip') => {
    const out = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: vpcId,
        TargetType: type,
        HealthCheckPath: '/health',
        HealthCheckIntervalSeconds: 5,
        HealthCheckTimeoutSeconds: 2,
        HealthyThresholdCount: 2
      })
    )
    return out.TargetGroups![0].TargetGroupArn!
  }
  instanceGroup = await create('asg-instances', 'instance')
  ipGroup = await create('asg-ips', 'ip')
  await elbv2.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: instanceGroup,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]
    })
  )
  await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: instanceGroup }]
    })
  )
  for (const id of [...ids, 'i-0a00000000000004a']) {
    const app = await startApp({ version: id })
    apps.push(app)
    sandbox.elb.defineInstance(id, app.port)
  }
  autoScaling.createGroup('web', ids)
  autoScaling.createGroup('empty', [])
})

afterAll(async () => {
  elbv2.destroy()
  await Promise.all(apps.map((app) => app.close()))
  apps = []
  await sandbox.close()
})

describe('Auto Scaling sandbox through the SDK', () => {
  it('describes groups with their instances, and leaves out names that do not exist', async () => {
    const out = await client().send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web', 'nope'] })
    )
    expect(out.AutoScalingGroups).toHaveLength(1)
    const [group] = out.AutoScalingGroups!
    expect(group.AutoScalingGroupName).toBe('web')
    expect(group.AutoScalingGroupARN).toMatch(
      /^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/web$/
    )
    expect(group.Instances!.map((i) => [i.InstanceId, i.LifecycleState, i.HealthStatus])).toEqual(
      ids.map((id) => [id, 'InService', 'Healthy'])
    )
    expect(group.TargetGroupARNs).toEqual([])
    expect(group.CreatedTime).toBeInstanceOf(Date)
  })

  it('pages with MaxRecords and NextToken, and refuses a bad token', async () => {
    const first = await client().send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }))
    expect(first.AutoScalingGroups!.map((g) => g.AutoScalingGroupName)).toEqual(['empty'])
    const second = await client().send(
      new DescribeAutoScalingGroupsCommand({ MaxRecords: 1, NextToken: first.NextToken })
    )
    expect(second.AutoScalingGroups!.map((g) => g.AutoScalingGroupName)).toEqual(['web'])
    expect(second.NextToken).toBeUndefined()
    const bad = await failure(
      client().send(new DescribeAutoScalingGroupsCommand({ NextToken: 'garbage' }))
    )
    expect(bad.name).toBe('InvalidNextToken')
    const tooMany = await failure(
      client().send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 }))
    )
    expect(tooMany.name).toBe('ValidationError')
  })

  it('registers InService instances when a target group is attached, and drains them on detach', async () => {
    const asg = client()
    await asg.send(
      new AttachLoadBalancerTargetGroupsCommand({
        AutoScalingGroupName: 'web',
        TargetGroupARNs: [instanceGroup]
      })
    )
    const attached = await asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] })
    )
    expect(attached.AutoScalingGroups![0].TargetGroupARNs).toEqual([instanceGroup])
    const states = await until(async () => {
      const now = await health(instanceGroup)
      return ids.every((id) => now[id] === 'healthy') ? now : undefined
    })
    expect(Object.keys(states).sort()).toEqual([...ids].sort())
    const described = await asg.send(
      new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'web' })
    )
    expect(described.LoadBalancerTargetGroups).toEqual([
      { LoadBalancerTargetGroupARN: instanceGroup, State: 'InService' }
    ])

    // A scale-out joins the attached target group; a scale-in leaves it.
    autoScaling.launchInstance('web', 'i-0a00000000000004a')
    await until(async () =>
      (await health(instanceGroup))['i-0a00000000000004a'] === 'healthy' ? true : undefined
    )
    autoScaling.terminateInstance('web', 'i-0a00000000000004a')
    expect((await health(instanceGroup))['i-0a00000000000004a']).toBe('draining')

    await asg.send(
      new DetachLoadBalancerTargetGroupsCommand({
        AutoScalingGroupName: 'web',
        TargetGroupARNs: [instanceGroup]
      })
    )
    const detached = await health(instanceGroup)
    expect(ids.map((id) => detached[id])).toEqual(['draining', 'draining', 'draining'])
    const after = await asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] })
    )
    expect(after.AutoScalingGroups![0].TargetGroupARNs).toEqual([])
    asg.destroy()
  })

  it.each([
    ['an unknown group', 'nope', () => instanceGroup, 'AutoScalingGroup name not found'],
    [
      'a target group that does not exist',
      'web',
      () => instanceGroup.replace('asg-instances', 'missing'),
      'Provided Target Groups may not be valid'
    ],
    ['an ip target group', 'web', () => ipGroup, 'has target type ip']
  ])('refuses to attach %s', async (_, name, arn, message) => {
    const error = await failure(
      client().send(
        new AttachLoadBalancerTargetGroupsCommand({
          AutoScalingGroupName: name,
          TargetGroupARNs: [arn()]
        })
      )
    )
    expect(error.name).toBe('ValidationError')
    expect(error.message).toContain(message)
    expect(error.$metadata.httpStatusCode).toBe(400)
  })

  it('injects faults in the protocol: throttling is retried by the SDK, a 500 surfaces', async () => {
    sandbox.faults.add({ service: 'autoscaling', kind: 'throttle', times: 1 })
    const retried = await client(3).send(new DescribeAutoScalingGroupsCommand({}))
    expect(retried.$metadata.attempts).toBe(2)
    sandbox.faults.add({
      service: 'autoscaling',
      operation: 'DescribeAutoScalingGroups',
      kind: 'server-error',
      times: 1
    })
    const error = await failure(client().send(new DescribeAutoScalingGroupsCommand({})))
    expect(error.$metadata.httpStatusCode).toBe(500)
    expect(sandbox.faults.count('autoscaling', 'DescribeAutoScalingGroups')).toBeGreaterThan(2)
  })

  it('refuses unsigned requests and unknown versions', async () => {
    const unsigned = await rawRequest(autoScaling.url, {
      body: 'Action=DescribeAutoScalingGroups&Version=2011-01-01',
      headers: { authorization: '', 'content-type': 'application/x-www-form-urlencoded' }
    })
    expect(unsigned.status).toBe(403)
    expect(unsigned.body).toContain('<Code>MissingAuthenticationToken</Code>')
    const versioned = await rawRequest(autoScaling.url, {
      body: 'Action=DescribeAutoScalingGroups&Version=2010-08-01',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }
    })
    expect(versioned.status).toBe(400)
    expect(versioned.body).toContain('<Code>InvalidAction</Code>')
  })
})

describe('Auto Scaling TrafficSources', () => {
  it('attaches with AttachTrafficSources, which only DetachTrafficSources detaches', async () => {
    autoScaling.createGroup('sources', [])
    const asg = client()
    await asg.send(
      new AttachTrafficSourcesCommand({
        AutoScalingGroupName: 'sources',
        TrafficSources: [{ Identifier: instanceGroup, Type: 'elbv2' }]
      })
    )
    const sources = await asg.send(
      new DescribeTrafficSourcesCommand({ AutoScalingGroupName: 'sources' })
    )
    expect(sources.TrafficSources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Identifier: instanceGroup, Type: 'elbv2' })
      ])
    )
    // The older API neither lists it nor detaches it (AWS documents both limits).
    const old = await asg.send(
      new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'sources' })
    )
    expect(old.LoadBalancerTargetGroups!.map((g) => g.LoadBalancerTargetGroupARN)).not.toContain(
      instanceGroup
    )
    await asg.send(
      new DetachLoadBalancerTargetGroupsCommand({
        AutoScalingGroupName: 'sources',
        TargetGroupARNs: [instanceGroup]
      })
    )
    const still = await asg.send(
      new DescribeTrafficSourcesCommand({ AutoScalingGroupName: 'sources' })
    )
    expect(still.TrafficSources!.map((s) => s.Identifier)).toContain(instanceGroup)
    await asg.send(
      new DetachTrafficSourcesCommand({
        AutoScalingGroupName: 'sources',
        TrafficSources: [{ Identifier: instanceGroup, Type: 'elbv2' }]
      })
    )
    const gone = await asg.send(
      new DescribeTrafficSourcesCommand({ AutoScalingGroupName: 'sources' })
    )
    expect(gone.TrafficSources!.map((s) => s.Identifier)).not.toContain(instanceGroup)
    asg.destroy()
  })

  it('lists target groups attached with the older API among the traffic sources', async () => {
    autoScaling.createGroup('legacy', [])
    const asg = client()
    await asg.send(
      new AttachLoadBalancerTargetGroupsCommand({
        AutoScalingGroupName: 'legacy',
        TargetGroupARNs: [instanceGroup]
      })
    )
    const sources = await asg.send(
      new DescribeTrafficSourcesCommand({
        AutoScalingGroupName: 'legacy',
        TrafficSourceType: 'elbv2'
      })
    )
    expect(sources.TrafficSources!.map((s) => [s.Identifier, s.Type])).toEqual([
      [instanceGroup, 'elbv2']
    ])
    const refused = await failure(
      asg.send(new AttachTrafficSourcesCommand({ AutoScalingGroupName: 'web', TrafficSources: [] }))
    )
    expect(refused.name).toBe('ValidationError')
    asg.destroy()
  })
})
