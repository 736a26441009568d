/**
 * The Auto Scaling operations the action calls: DescribeAutoScalingGroups (with paging),
 * AttachLoadBalancerTargetGroups / DetachLoadBalancerTargetGroups (which register and deregister
 * the group's InService instances, as AWS does), and DescribeLoadBalancerTargetGroups.
 */
import type { XmlValue } from '../elbv2/xml.js'
import { AutoScalingError, validationError } from './errors.js'
import { attachTargetGroups, detachTargetGroups } from './attachments.js'
import { groupNamed } from './model.js'
import type { AutoScalingModel, Group } from './model.js'
import type { QueryParams } from './query.js'
import type { TargetRegistry } from './registry.js'
import { trafficSourceOperations } from './traffic-sources.js'

export interface AutoScalingContext {
  model: AutoScalingModel
  registry: TargetRegistry
}

export type Operation = (params: QueryParams, context: AutoScalingContext) => XmlValue

const MAX_TARGET_GROUPS_PER_CALL = 10

function render(group: Group, withInstances: boolean): XmlValue {
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: 300,
    AvailabilityZones: [...new Set(group.instances.map((i) => i.availabilityZone))],
    LoadBalancerNames: [],
    TargetGroupARNs: [...group.targetGroupArns],
    TrafficSources: group.targetGroupArns.map((arn) => ({ Identifier: arn, Type: 'elbv2' })),
    HealthCheckType: group.healthCheckType,
    HealthCheckGracePeriod: 300,
    Instances: withInstances
      ? group.instances.map((instance) => ({
          InstanceId: instance.id,
          InstanceType: 't3.micro',
          AvailabilityZone: instance.availabilityZone,
          LifecycleState: instance.lifecycleState,
          HealthStatus: instance.healthStatus,
          ProtectedFromScaleIn: false
        }))
      : undefined,
    CreatedTime: group.createdAt,
    SuspendedProcesses: [],
    EnabledMetrics: [],
    Tags: [],
    TerminationPolicies: ['Default'],
    NewInstancesProtectedFromScaleIn: false
  }
}

const DescribeAutoScalingGroups: Operation = (params, { model }) => {
  const names = params.list('AutoScalingGroupNames', 1600)
  const max = params.int('MaxRecords', 1, 100) ?? 50
  const includeInstances = params.string('IncludeInstances') !== 'false'
  // Names that do not exist are left out, not an error, as on AWS.
  const groups =
    names.length > 0
      ? names.flatMap((name) => model.groups.get(name) ?? [])
      : [...model.groups.values()].sort((a, b) => a.name.localeCompare(b.name))
  const token = params.string('NextToken')
  const decoded = token === undefined ? '0' : Buffer.from(token, 'base64url').toString()
  const start = Number(decoded)
  if (!/^\d+$/.test(decoded) || start > groups.length) {
    throw new AutoScalingError('InvalidNextToken', 'The token is invalid')
  }
  const page = groups.slice(start, start + max)
  const next =
    start + max < groups.length ? Buffer.from(String(start + max)).toString('base64url') : undefined
  return {
    AutoScalingGroups: page.map((group) => render(group, includeInstances)),
    NextToken: next
  }
}

function targetGroupArns(params: QueryParams): string[] {
  const arns = params.list('TargetGroupARNs', MAX_TARGET_GROUPS_PER_CALL)
  if (arns.length === 0) {
    throw validationError(
      "1 validation error detected: Value null at 'targetGroupARNs' failed to satisfy constraint: Member must not be null"
    )
  }
  return arns
}

/** Additive: the group's InService instances are registered with each newly attached group. */
const AttachLoadBalancerTargetGroups: Operation = (params, { model, registry }) => {
  const group = groupNamed(model, params.requiredString('AutoScalingGroupName'))
  attachTargetGroups(group, targetGroupArns(params), registry, 'target-groups')
  return {}
}

/**
 * The group's instances are deregistered (and drain); a group not attached is ignored, and so is
 * one attached with AttachTrafficSources, which only DetachTrafficSources detaches (AWS's docs).
 */
const DetachLoadBalancerTargetGroups: Operation = (params, { model, registry }) => {
  const group = groupNamed(model, params.requiredString('AutoScalingGroupName'))
  detachTargetGroups(group, targetGroupArns(params), registry, 'target-groups')
  return {}
}

const DescribeLoadBalancerTargetGroups: Operation = (params, { model }) => {
  const group = groupNamed(model, params.requiredString('AutoScalingGroupName'))
  return {
    // Only those attached with AttachLoadBalancerTargetGroups (DescribeTrafficSources lists all).
    LoadBalancerTargetGroups: group.targetGroupArns
      .filter((arn) => !group.trafficSourceArns.includes(arn))
      .map((arn) => ({
        LoadBalancerTargetGroupARN: arn,
        State: 'InService'
      }))
  }
}

export const operations: Record<string, Operation> = {
  ...trafficSourceOperations,
  DescribeAutoScalingGroups,
  AttachLoadBalancerTargetGroups,
  DetachLoadBalancerTargetGroups,
  DescribeLoadBalancerTargetGroups
}
