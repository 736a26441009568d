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
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  InvalidTargetException,
  RegisterTargetsCommand,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import type { FakeClock } from './fake-clock.js'

export const TG_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/73e2d6bc24d8a067'
export const LB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188'

/** How a target answers health checks once registered. */
export type Fate =
  | 'healthy'
  | 'unhealthy'
  /** Stays `initial` forever (health checks never complete). */
  | 'stuck'

export type Api = 'target-groups' | 'traffic-sources'

interface Registered {
  id: string
  port: number
  registeredAt: number
  deregisteredAt?: number
}

interface FakeAutoScalingGroup {
  instances: string[]
  /** Instances of the group not in service (Pending, Terminating…). */
  notInService: string[]
  attachment: { api: Api; since: number; removingSince?: number } | null
}

export const elbMock = mockClient(ElasticLoadBalancingV2Client)
export const asgMock = mockClient(AutoScalingClient)

const WRITES = [
  RegisterTargetsCommand,
  DeregisterTargetsCommand,
  AttachLoadBalancerTargetGroupsCommand,
  DetachLoadBalancerTargetGroupsCommand,
  AttachTrafficSourcesCommand,
  DetachTrafficSourcesCommand
]

/**
 * One target group as AWS would hold it, driven by a fake clock: a registered target is
 * `initial` for `healthyAfterMs`, then healthy (or what its fate says); a deregistered one drains
 * for the deregistration delay. Auto Scaling groups register their InService instances when
 * attached and deregister them when detached, with the API they were attached with (the other
 * API's detach leaves them attached, as AWS documents); a terminated instance leaves the target
 * group and cannot be registered again. Every mutating call is logged in order.
 */
export class FakeTargetGroup {
  readonly targets = new Map<string, Registered>()
  readonly fates = new Map<string, Fate>()
  /** Targets that keep draining past the deregistration delay (AWS running late). */
  readonly lingering = new Set<string>()
  readonly groups = new Map<string, FakeAutoScalingGroup>()
  readonly terminated = new Set<string>()
  /** Mutations in order, e.g. "register i-1,i-2", "deregister i-3", "attach shop-green". */
  readonly log: string[] = []
  /** The healthy targets at the moment of each DeregisterTargets call. */
  readonly healthyAtDeregister: string[][] = []
  /** The clock's time at each DeregisterTargets call. */
  readonly deregisterTimes: number[] = []
  targetType = 'instance'
  port = 80
  healthyAfterMs = 10_000
  delaySeconds = 30
  loadBalancers = [LB_ARN]

  constructor(private readonly clock: FakeClock) {
    elbMock.reset()
    asgMock.reset()
    elbMock.on(DescribeTargetGroupsCommand).callsFake(() => ({
      TargetGroups: [
        {
          TargetGroupArn: TG_ARN,
          TargetGroupName: 'shop',
          TargetType: this.targetType,
          Port: this.port,
          LoadBalancerArns: this.loadBalancers
        }
      ]
    }))
    elbMock.on(DescribeTargetGroupAttributesCommand).callsFake(() => ({
      Attributes: [
        { Key: 'deregistration_delay.timeout_seconds', Value: String(this.delaySeconds) },
        { Key: 'stickiness.enabled', Value: 'false' }
      ]
    }))
    elbMock.on(DescribeTargetHealthCommand).callsFake(() => ({
      TargetHealthDescriptions: this.describe()
    }))
    elbMock.on(RegisterTargetsCommand).callsFake((input) => {
      const targets = (input.Targets ?? []) as { Id: string; Port?: number }[]
      const dead = targets.find((t) => this.terminated.has(t.Id))
      if (dead) {
        throw new InvalidTargetException({
          message: `The following targets are not in a running state and cannot be registered: '${dead.Id}'`,
          $metadata: {}
        })
      }
      for (const t of targets) this.register(t.Id, t.Port ?? this.port)
      this.log.push(`register ${targets.map((t) => t.Id).join(',')}`)
      return {}
    })
    elbMock.on(DeregisterTargetsCommand).callsFake((input) => {
      this.healthyAtDeregister.push(this.states().healthy ?? [])
      this.deregisterTimes.push(this.clock.now())
      const targets = (input.Targets ?? []) as { Id: string; Port?: number }[]
      for (const t of targets) this.deregister(t.Id, t.Port ?? this.port)
      this.log.push(`deregister ${targets.map((t) => t.Id).join(',')}`)
      return {}
    })
    asgMock.on(DescribeAutoScalingGroupsCommand).callsFake((input) => ({
      AutoScalingGroups: (input.AutoScalingGroupNames ?? []).flatMap((name: string) => {
        const group = this.groups.get(name)
        if (!group) return []
        const api = this.attachedApi(group)
        return [
          {
            AutoScalingGroupName: name,
            MinSize: 0,
            MaxSize: 10,
            DesiredCapacity: group.instances.length,
            DefaultCooldown: 300,
            AvailabilityZones: ['us-east-1a'],
            HealthCheckType: 'ELB',
            CreatedTime: new Date(0),
            TargetGroupARNs: api === 'target-groups' ? [TG_ARN] : [],
            TrafficSources: api ? [{ Identifier: TG_ARN, Type: 'elbv2' }] : [],
            Instances: [
              ...group.instances.map((id) => instance(id, 'InService')),
              ...group.notInService.map((id) => instance(id, 'Terminating'))
            ]
          }
        ]
      })
    }))
    asgMock.on(DescribeLoadBalancerTargetGroupsCommand).callsFake((input) => {
      const group = this.requireGroup(input.AutoScalingGroupName)
      const state = this.attachmentState(group, 'target-groups')
      return {
        LoadBalancerTargetGroups: state
          ? [{ LoadBalancerTargetGroupARN: TG_ARN, State: state }]
          : []
      }
    })
    asgMock.on(DescribeTrafficSourcesCommand).callsFake((input) => {
      const group = this.requireGroup(input.AutoScalingGroupName)
      // Every traffic source, whichever API attached it, as DescribeTrafficSources may show.
      const state =
        this.attachmentState(group, 'traffic-sources') ??
        this.attachmentState(group, 'target-groups')
      return {
        TrafficSources: state
          ? [{ TrafficSource: TG_ARN, Identifier: TG_ARN, Type: 'elbv2', State: state }]
          : []
      }
    })
    const attach = (api: Api) => (input: { AutoScalingGroupName?: string }) => {
      const name = input.AutoScalingGroupName!
      const group = this.requireGroup(name)
      if (!this.attachedApi(group)) group.attachment = { api, since: this.clock.now() }
      for (const id of group.instances) this.register(id, this.port)
      this.log.push(`attach ${name}${api === 'traffic-sources' ? ' (traffic sources)' : ''}`)
      return {}
    }
    const detach = (api: Api) => (input: { AutoScalingGroupName?: string }) => {
      const name = input.AutoScalingGroupName!
      const group = this.requireGroup(name)
      this.log.push(`detach ${name}${api === 'traffic-sources' ? ' (traffic sources)' : ''}`)
      // The other API cannot detach it: AWS documents it for DetachLoadBalancerTargetGroups.
      if (group.attachment?.api !== api || group.attachment.removingSince !== undefined) return {}
      group.attachment.removingSince = this.clock.now()
      for (const id of group.instances) this.deregister(id, this.port)
      return {}
    }
    asgMock.on(AttachLoadBalancerTargetGroupsCommand).callsFake(attach('target-groups'))
    asgMock.on(AttachTrafficSourcesCommand).callsFake(attach('traffic-sources'))
    asgMock.on(DetachLoadBalancerTargetGroupsCommand).callsFake(detach('target-groups'))
    asgMock.on(DetachTrafficSourcesCommand).callsFake(detach('traffic-sources'))
  }

  /** Targets registered (and healthy) since long before the run. */
  seed(...ids: string[]): void {
    for (const id of ids) {
      this.targets.set(`${id}:${this.port}`, {
        id,
        port: this.port,
        registeredAt: this.clock.now() - 3_600_000
      })
    }
  }

  /** An Auto Scaling group; attached ones are attached with the API given. */
  group(name: string, instances: string[], attached: boolean | Api = false): void {
    const api = attached === true ? 'target-groups' : attached || undefined
    this.groups.set(name, {
      instances,
      notInService: [],
      attachment: api ? { api, since: this.clock.now() - 3_600_000 } : null
    })
  }

  /** Auto Scaling terminates an instance (scale-in, replacement): it leaves the target group. */
  terminate(name: string, id: string): void {
    const group = this.requireGroup(name)
    group.instances = group.instances.filter((instance) => instance !== id)
    this.terminated.add(id)
    for (const target of this.targets.values()) {
      if (target.id === id) this.deregister(id, target.port)
    }
  }

  /** Auto Scaling launches an instance into a group: an attached group registers it. */
  launch(name: string, id: string): void {
    const group = this.requireGroup(name)
    group.instances.push(id)
    if (this.attachedApi(group)) this.register(id, this.port)
  }

  register(id: string, port: number): void {
    const key = `${id}:${port}`
    const existing = this.targets.get(key)
    if (existing && existing.deregisteredAt === undefined) return
    this.targets.set(key, { id, port, registeredAt: this.clock.now() })
  }

  deregister(id: string, port: number): void {
    const target = this.targets.get(`${id}:${port}`)
    if (target && target.deregisteredAt === undefined) target.deregisteredAt = this.clock.now()
  }

  /** How many writes (register, deregister, attach, detach) were sent. */
  writes(): number {
    return WRITES.reduce(
      (sum, command) =>
        sum +
        (elbMock.commandCalls(command as never).length +
          asgMock.commandCalls(command as never).length),
      0
    )
  }

  /** Ids by state right now, e.g. { healthy: [...], draining: [...] }. */
  states(): Record<string, string[]> {
    const byState: Record<string, string[]> = {}
    for (const description of this.describe()) {
      const state = description.TargetHealth!.State!
      ;(byState[state] ??= []).push(description.Target!.Id!)
    }
    return byState
  }

  /** The API a group is attached with now (none once it has left). */
  attachedApi(group: FakeAutoScalingGroup): Api | undefined {
    return this.attachmentState(group, group.attachment?.api ?? 'target-groups') &&
      group.attachment?.removingSince === undefined
      ? group.attachment!.api
      : undefined
  }

  private attachmentState(group: FakeAutoScalingGroup, api: Api): string | undefined {
    const attachment = group.attachment
    if (!attachment || attachment.api !== api) return undefined
    if (attachment.removingSince === undefined) return 'InService'
    // Removing while its instances drain, then gone.
    if (this.clock.now() - attachment.removingSince < this.delaySeconds * 1000) return 'Removing'
    group.attachment = null
    return undefined
  }

  private requireGroup(name: string | undefined): FakeAutoScalingGroup {
    const group = this.groups.get(name ?? '')
    if (!group) throw new Error(`AutoScalingGroup name not found - ${name}`)
    return group
  }

  private describe(): TargetHealthDescription[] {
    const now = this.clock.now()
    const out: TargetHealthDescription[] = []
    for (const [key, target] of this.targets) {
      if (target.deregisteredAt !== undefined) {
        const drained = now - target.deregisteredAt >= this.delaySeconds * 1000
        if (drained && !this.lingering.has(target.id)) {
          this.targets.delete(key)
          continue
        }
        out.push(this.entry(target, 'draining', 'Target.DeregistrationInProgress'))
        continue
      }
      const fate = this.fates.get(target.id) ?? 'healthy'
      if (fate === 'stuck' || now - target.registeredAt < this.healthyAfterMs) {
        out.push(this.entry(target, 'initial', 'Elb.InitialHealthChecking'))
      } else if (fate === 'unhealthy') {
        out.push(this.entry(target, 'unhealthy', 'Target.ResponseCodeMismatch'))
      } else {
        out.push(this.entry(target, 'healthy'))
      }
    }
    return out
  }

  private entry(target: Registered, state: string, reason?: string): TargetHealthDescription {
    return {
      Target: { Id: target.id, Port: target.port },
      TargetHealth: { State: state as 'healthy', Reason: reason as undefined }
    }
  }
}

function instance(id: string, state: 'InService' | 'Terminating') {
  return {
    InstanceId: id,
    AvailabilityZone: 'us-east-1a',
    LifecycleState: state,
    HealthStatus: 'Healthy',
    ProtectedFromScaleIn: false
  }
}
