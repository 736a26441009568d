import {
  AttachLoadBalancerTargetGroupsCommand,
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DetachLoadBalancerTargetGroupsCommand
} from '@aws-sdk/client-auto-scaling'
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
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

interface Registered {
  id: string
  port: number
  registeredAt: number
  deregisteredAt?: number
}

export const elbMock = mockClient(ElasticLoadBalancingV2Client)
export const asgMock = mockClient(AutoScalingClient)

/**
 * One target group as AWS would hold it, driven by a fake clock: a registered target is
 * `initial` for `healthyAfterMs`, then healthy (or what its fate says); a deregistered one drains
 * for the deregistration delay. Auto Scaling groups register their instances when attached and
 * deregister them when detached, as AWS does. Every mutating call is logged in order.
 */
export class FakeTargetGroup {
  readonly targets = new Map<string, Registered>()
  readonly fates = new Map<string, Fate>()
  /** Targets that keep draining past the deregistration delay (AWS running late). */
  readonly lingering = new Set<string>()
  readonly groups = new Map<string, { instances: string[]; attached: boolean }>()
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
      const ids = (input.Targets ?? []).map((t: { Id: string; Port?: number }) => {
        this.register(t.Id, t.Port ?? this.port)
        return t.Id
      })
      this.log.push(`register ${ids.join(',')}`)
      return {}
    })
    elbMock.on(DeregisterTargetsCommand).callsFake((input) => {
      this.healthyAtDeregister.push(this.states().healthy ?? [])
      this.deregisterTimes.push(this.clock.now())
      const ids = (input.Targets ?? []).map((t: { Id: string; Port?: number }) => {
        this.deregister(t.Id, t.Port ?? this.port)
        return t.Id
      })
      this.log.push(`deregister ${ids.join(',')}`)
      return {}
    })
    asgMock.on(DescribeAutoScalingGroupsCommand).callsFake((input) => ({
      AutoScalingGroups: (input.AutoScalingGroupNames ?? []).flatMap((name: string) => {
        const group = this.groups.get(name)
        if (!group) return []
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
            TargetGroupARNs: group.attached ? [TG_ARN] : [],
            Instances: group.instances.map((id) => ({
              InstanceId: id,
              AvailabilityZone: 'us-east-1a',
              LifecycleState: id.endsWith('dead') ? 'Terminating' : 'InService',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: false
            }))
          }
        ]
      })
    }))
    asgMock.on(AttachLoadBalancerTargetGroupsCommand).callsFake((input) => {
      const group = this.groups.get(input.AutoScalingGroupName)!
      group.attached = true
      for (const id of group.instances) this.register(id, this.port)
      this.log.push(`attach ${input.AutoScalingGroupName}`)
      return {}
    })
    asgMock.on(DetachLoadBalancerTargetGroupsCommand).callsFake((input) => {
      const group = this.groups.get(input.AutoScalingGroupName)!
      group.attached = false
      for (const id of group.instances) this.deregister(id, this.port)
      this.log.push(`detach ${input.AutoScalingGroupName}`)
      return {}
    })
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

  group(name: string, instances: string[], attached = false): void {
    this.groups.set(name, { instances, attached })
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

  /** Ids by state right now, e.g. { healthy: [...], draining: [...] }. */
  states(): Record<string, string[]> {
    const byState: Record<string, string[]> = {}
    for (const description of this.describe()) {
      const state = description.TargetHealth!.State!
      ;(byState[state] ??= []).push(description.Target!.Id!)
    }
    return byState
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
