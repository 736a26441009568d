import {
  AttachLoadBalancerTargetGroupsCommand,
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DetachLoadBalancerTargetGroupsCommand
} from '@aws-sdk/client-auto-scaling'
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type TargetDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { awsCall } from '../aws/call.js'
import type { PlannedCall } from './backend.js'

/** The target group facts the targets mode depends on. */
export interface GroupFacts {
  name: string
  targetType: string
  /** The port a target registered without one uses (undefined for lambda groups). */
  port?: number
  loadBalancerArns: string[]
  deregistrationDelaySeconds: number
}

/** One registered target as DescribeTargetHealth reports it. */
export interface TargetHealth {
  id: string
  port: number
  state: string
  reason: string
  description: string
}

/** An Auto Scaling group's InService instances and whether it is attached to our group. */
export interface AutoScalingView {
  name: string
  inService: string[]
  attachedTo: (targetGroupArn: string) => boolean
}

export interface Endpoint {
  id: string
  port: number
}

/** AWS's default when the attribute is absent. */
const DEFAULT_DEREGISTRATION_DELAY = 300

/** The AWS calls of the targets mode, each named by operation and resource when it fails. */
export class TargetsAws {
  constructor(
    private readonly elbv2: ElasticLoadBalancingV2Client,
    private readonly autoScaling: () => AutoScalingClient
  ) {}

  async group(arn: string): Promise<GroupFacts | undefined> {
    const out = await awsCall('DescribeTargetGroups', arn, () =>
      this.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }))
    )
    const group = out.TargetGroups?.[0]
    if (!group) return undefined
    const attributes = await awsCall('DescribeTargetGroupAttributes', arn, () =>
      this.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }))
    )
    const delay = attributes.Attributes?.find(
      (attribute) => attribute.Key === 'deregistration_delay.timeout_seconds'
    )?.Value
    return {
      name: group.TargetGroupName ?? arn,
      targetType: group.TargetType ?? 'instance',
      port: group.Port,
      loadBalancerArns: group.LoadBalancerArns ?? [],
      deregistrationDelaySeconds: delay === undefined ? DEFAULT_DEREGISTRATION_DELAY : Number(delay)
    }
  }

  /** Every target registered in the group, draining ones included. */
  async health(arn: string): Promise<TargetHealth[]> {
    const out = await awsCall('DescribeTargetHealth', arn, () =>
      this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))
    )
    return (out.TargetHealthDescriptions ?? []).flatMap((description) =>
      description.Target?.Id === undefined
        ? []
        : [
            {
              id: description.Target.Id,
              port: description.Target.Port ?? 0,
              state: description.TargetHealth?.State ?? 'unknown',
              reason: description.TargetHealth?.Reason ?? '',
              description: description.TargetHealth?.Description ?? ''
            }
          ]
    )
  }

  async register(arn: string, targets: Endpoint[]): Promise<PlannedCall> {
    const call = registerCall(arn, targets)
    await awsCall('RegisterTargets', arn, () =>
      this.elbv2.send(new RegisterTargetsCommand(call.parameters))
    )
    return call
  }

  async deregister(arn: string, targets: Endpoint[]): Promise<PlannedCall> {
    const call = deregisterCall(arn, targets)
    await awsCall('DeregisterTargets', arn, () =>
      this.elbv2.send(new DeregisterTargetsCommand(call.parameters))
    )
    return call
  }

  /** The named groups that exist, by name. */
  async autoScalingGroups(names: string[]): Promise<Map<string, AutoScalingView>> {
    const found = new Map<string, AutoScalingView>()
    if (names.length === 0) return found
    const out = await awsCall('DescribeAutoScalingGroups', names.join(', '), () =>
      this.autoScaling().send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names })
      )
    )
    for (const group of out.AutoScalingGroups ?? []) {
      const name = group.AutoScalingGroupName ?? ''
      const attached = new Set([
        ...(group.TargetGroupARNs ?? []),
        ...(group.TrafficSources ?? []).map((source) => source.Identifier ?? '')
      ])
      found.set(name, {
        name,
        inService: (group.Instances ?? [])
          .filter((instance) => instance.LifecycleState === 'InService')
          .map((instance) => instance.InstanceId ?? '')
          .filter((id) => id !== ''),
        attachedTo: (arn) => attached.has(arn)
      })
    }
    return found
  }

  async attach(group: string, arn: string): Promise<PlannedCall> {
    const call = attachCall(group, arn)
    await awsCall('AttachLoadBalancerTargetGroups', group, () =>
      this.autoScaling().send(new AttachLoadBalancerTargetGroupsCommand(call.parameters))
    )
    return call
  }

  async detach(group: string, arn: string): Promise<PlannedCall> {
    const call = detachCall(group, arn)
    await awsCall('DetachLoadBalancerTargetGroups', group, () =>
      this.autoScaling().send(new DetachLoadBalancerTargetGroupsCommand(call.parameters))
    )
    return call
  }
}

// Ports are always sent: a target registered with a port must be deregistered with it.
function descriptions(targets: Endpoint[]): TargetDescription[] {
  return targets.map((target) => ({ Id: target.id, Port: target.port }))
}

export function registerCall(arn: string, targets: Endpoint[]) {
  return {
    service: 'elasticloadbalancingv2',
    operation: 'RegisterTargets',
    parameters: { TargetGroupArn: arn, Targets: descriptions(targets) }
  }
}

export function deregisterCall(arn: string, targets: Endpoint[]) {
  return {
    service: 'elasticloadbalancingv2',
    operation: 'DeregisterTargets',
    parameters: { TargetGroupArn: arn, Targets: descriptions(targets) }
  }
}

export function attachCall(group: string, arn: string) {
  return {
    service: 'autoscaling',
    operation: 'AttachLoadBalancerTargetGroups',
    parameters: { AutoScalingGroupName: group, TargetGroupARNs: [arn] }
  }
}

export function detachCall(group: string, arn: string) {
  return {
    service: 'autoscaling',
    operation: 'DetachLoadBalancerTargetGroups',
    parameters: { AutoScalingGroupName: group, TargetGroupARNs: [arn] }
  }
}
