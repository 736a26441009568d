import {
  AttachLoadBalancerTargetGroupsCommand,
  type AttachLoadBalancerTargetGroupsCommandInput,
  AttachTrafficSourcesCommand,
  type AttachTrafficSourcesCommandInput,
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLoadBalancerTargetGroupsCommand,
  DescribeTrafficSourcesCommand,
  DetachLoadBalancerTargetGroupsCommand,
  type DetachLoadBalancerTargetGroupsCommandInput,
  DetachTrafficSourcesCommand,
  type DetachTrafficSourcesCommandInput
} from '@aws-sdk/client-auto-scaling'
import {
  DeregisterTargetsCommand,
  type DeregisterTargetsCommandInput,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type RegisterTargetsCommandInput
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { awsCall } from '../aws/call.js'
import { describeTargetHealth } from '../aws/target-health.js'
import { AwsCallError } from '../errors.js'
import type { PlannedCall } from './backend.js'
import type { AttachApi } from './targets-native.js'

/** The target group facts the targets mode depends on (they do not change during a run). */
export interface GroupFacts {
  name: string
  targetType: string
  port: number
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

/** An Auto Scaling group's instances by lifecycle: InService or not (yet, or any more). */
export interface AutoScalingView {
  name: string
  inService: string[]
  notInService: string[]
}

/** AWS's default when the attribute is absent. */
const DEFAULT_DEREGISTRATION_DELAY = 300

/**
 * The AWS I/O of the targets mode: ELBv2 (the group, its registrations) and Auto Scaling (the
 * sides' groups and their attachments), each call named by operation and resource when it fails.
 */
export class TargetsAws {
  constructor(
    private readonly elbv2: ElasticLoadBalancingV2Client,
    private readonly autoScaling: () => AutoScalingClient
  ) {}

  /** The region the clients send to, when one is configured. */
  async region(): Promise<string | undefined> {
    try {
      return await this.elbv2.config.region()
    } catch {
      return undefined
    }
  }

  /** The group, or undefined when AWS has no group of that ARN. */
  async group(arn: string, signal?: AbortSignal): Promise<GroupFacts | undefined> {
    let out
    try {
      out = await awsCall(
        'DescribeTargetGroups',
        arn,
        () =>
          this.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }), {
            abortSignal: signal
          }),
        signal
      )
    } catch (error) {
      const cause = error instanceof AwsCallError ? (error.cause as Error) : undefined
      if (cause?.name === 'TargetGroupNotFoundException') return undefined
      throw error
    }
    const group = out.TargetGroups?.[0]
    if (!group) return undefined
    const attributes = await awsCall(
      'DescribeTargetGroupAttributes',
      arn,
      () =>
        this.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }), {
          abortSignal: signal
        }),
      signal
    )
    const delay = attributes.Attributes?.find(
      (attribute) => attribute.Key === 'deregistration_delay.timeout_seconds'
    )?.Value
    return {
      name: group.TargetGroupName ?? arn,
      targetType: group.TargetType ?? 'instance',
      port: group.Port ?? 0,
      loadBalancerArns: group.LoadBalancerArns ?? [],
      deregistrationDelaySeconds: delay === undefined ? DEFAULT_DEREGISTRATION_DELAY : Number(delay)
    }
  }

  /** Every target registered in the group, draining ones included. */
  async health(arn: string, signal?: AbortSignal): Promise<TargetHealth[]> {
    const descriptions = await describeTargetHealth(this.elbv2, arn, signal)
    return descriptions.flatMap((description) =>
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

  /** The named groups that exist, by name. */
  async autoScalingGroups(
    names: string[],
    signal?: AbortSignal
  ): Promise<Map<string, AutoScalingView>> {
    const found = new Map<string, AutoScalingView>()
    if (names.length === 0) return found
    const out = await awsCall(
      'DescribeAutoScalingGroups',
      names.join(', '),
      () =>
        this.autoScaling().send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names }),
          { abortSignal: signal }
        ),
      signal
    )
    for (const group of out.AutoScalingGroups ?? []) {
      const instances = (group.Instances ?? []).filter((instance) => instance.InstanceId)
      const ids = (inService: boolean) =>
        instances
          .filter((instance) => (instance.LifecycleState === 'InService') === inService)
          .map((instance) => instance.InstanceId!)
      const name = group.AutoScalingGroupName ?? ''
      found.set(name, { name, inService: ids(true), notInService: ids(false) })
    }
    return found
  }

  /**
   * Whether the group is attached to the target group, and through which API: the target-group
   * API's own list first (DescribeTrafficSources may list those too), then the traffic sources.
   */
  async attachment(
    group: string,
    targetGroupArn: string,
    signal?: AbortSignal
  ): Promise<{ api: AttachApi; state: string } | null> {
    const client = this.autoScaling()
    let token: string | undefined
    do {
      const out = await awsCall(
        'DescribeLoadBalancerTargetGroups',
        group,
        () =>
          client.send(
            new DescribeLoadBalancerTargetGroupsCommand({
              AutoScalingGroupName: group,
              NextToken: token
            }),
            { abortSignal: signal }
          ),
        signal
      )
      const found = out.LoadBalancerTargetGroups?.find(
        (entry) => entry.LoadBalancerTargetGroupARN === targetGroupArn
      )
      if (found) return { api: 'target-groups', state: found.State ?? 'Added' }
      token = out.NextToken
    } while (token)
    do {
      const out = await awsCall(
        'DescribeTrafficSources',
        group,
        () =>
          client.send(
            new DescribeTrafficSourcesCommand({
              AutoScalingGroupName: group,
              TrafficSourceType: 'elbv2',
              NextToken: token
            }),
            { abortSignal: signal }
          ),
        signal
      )
      const found = out.TrafficSources?.find((entry) => entry.Identifier === targetGroupArn)
      if (found) return { api: 'traffic-sources', state: found.State ?? 'Added' }
      token = out.NextToken
    } while (token)
    return null
  }

  /** Sends one planned call. */
  async send(call: PlannedCall, signal?: AbortSignal): Promise<void> {
    const options = { abortSignal: signal }
    const input = call.parameters
    const resource = input as { TargetGroupArn?: string; AutoScalingGroupName?: string }
    const named = resource.TargetGroupArn ?? resource.AutoScalingGroupName ?? ''
    const asg = () => this.autoScaling()
    const send = (): Promise<unknown> => {
      switch (call.operation) {
        case 'RegisterTargets':
          return this.elbv2.send(
            new RegisterTargetsCommand(input as RegisterTargetsCommandInput),
            options
          )
        case 'DeregisterTargets':
          return this.elbv2.send(
            new DeregisterTargetsCommand(input as DeregisterTargetsCommandInput),
            options
          )
        case 'AttachLoadBalancerTargetGroups':
          return asg().send(
            new AttachLoadBalancerTargetGroupsCommand(
              input as AttachLoadBalancerTargetGroupsCommandInput
            ),
            options
          )
        case 'DetachLoadBalancerTargetGroups':
          return asg().send(
            new DetachLoadBalancerTargetGroupsCommand(
              input as DetachLoadBalancerTargetGroupsCommandInput
            ),
            options
          )
        case 'AttachTrafficSources':
          return asg().send(
            new AttachTrafficSourcesCommand(input as AttachTrafficSourcesCommandInput),
            options
          )
        case 'DetachTrafficSources':
          return asg().send(
            new DetachTrafficSourcesCommand(input as DetachTrafficSourcesCommandInput),
            options
          )
        default:
          throw new Error(`The targets mode does not send ${call.operation}`)
      }
    }
    await awsCall(call.operation, named, send, signal)
  }
}

/**
 * A write whose first response was lost: the SDK retried it and AWS refused the repeat (a
 * client error after more than one attempt). Whether it landed is verify()'s to tell.
 */
export function isRefusedRetry(error: unknown): boolean {
  const cause = error instanceof AwsCallError ? error.cause : undefined
  const meta = cause as { $fault?: string; $metadata?: { attempts?: number } } | undefined
  return meta?.$fault === 'client' && (meta.$metadata?.attempts ?? 1) > 1
}
