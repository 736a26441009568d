/**
 * Attach/Detach/DescribeTrafficSources, the newer Auto Scaling API for load balancer target
 * groups (type `elbv2`), as AWS documents it: attaching is additive and registers the group's
 * InService instances; DescribeTrafficSources lists every attached traffic source, those attached
 * with the older AttachLoadBalancerTargetGroups too; a target group attached with
 * AttachTrafficSources is invisible to DescribeLoadBalancerTargetGroups and is not detached by
 * DetachLoadBalancerTargetGroups (see operations.ts).
 */
import { AutoScalingError, validationError } from './errors.js'
import { attachTargetGroups, detachTargetGroups } from './attachments.js'
import { groupNamed } from './model.js'
import type { QueryParams } from './query.js'
import type { AutoScalingContext, Operation } from './operations.js'

const MAX_TRAFFIC_SOURCES_PER_CALL = 10

/** TrafficSources.member.N.{Identifier,Type}: elbv2 target group ARNs only, here. */
function trafficSources(params: QueryParams): string[] {
  const arns: string[] = []
  for (let n = 1; params.string(`TrafficSources.member.${n}.Identifier`) !== undefined; n += 1) {
    const identifier = params.string(`TrafficSources.member.${n}.Identifier`)!
    const type = params.string(`TrafficSources.member.${n}.Type`) ?? 'elbv2'
    if (type !== 'elbv2') {
      throw validationError(`The sandbox models traffic sources of type elbv2 only, not ${type}`)
    }
    arns.push(identifier)
  }
  if (arns.length === 0) {
    throw validationError(
      "1 validation error detected: Value null at 'trafficSources' failed to satisfy constraint: Member must not be null"
    )
  }
  if (arns.length > MAX_TRAFFIC_SOURCES_PER_CALL) {
    throw validationError(
      `1 validation error detected: Value '[${arns.length} items]' at 'trafficSources' failed to ` +
        `satisfy constraint: Member must have length less than or equal to ${MAX_TRAFFIC_SOURCES_PER_CALL}`
    )
  }
  return arns
}

const AttachTrafficSources: Operation = (params, { model, registry }: AutoScalingContext) => {
  const group = groupNamed(model, params.requiredString('AutoScalingGroupName'))
  attachTargetGroups(group, trafficSources(params), registry, 'traffic-sources')
  return {}
}

/** Any attached target group, whichever API attached it; one not attached is ignored. */
const DetachTrafficSources: Operation = (params, { model, registry }: AutoScalingContext) => {
  const group = groupNamed(model, params.requiredString('AutoScalingGroupName'))
  detachTargetGroups(group, trafficSources(params), registry, 'traffic-sources')
  return {}
}

const DescribeTrafficSources: Operation = (params, { model }: AutoScalingContext) => {
  const group = groupNamed(model, params.requiredString('AutoScalingGroupName'))
  const type = params.string('TrafficSourceType')
  const sources = type === undefined || type === 'elbv2' ? group.targetGroupArns : []
  const max = params.int('MaxRecords', 1, 50) ?? 50
  const token = params.string('NextToken')
  const decoded = token === undefined ? '0' : Buffer.from(token, 'base64url').toString()
  const start = Number(decoded)
  if (!/^\d+$/.test(decoded) || start > sources.length) {
    throw new AutoScalingError('InvalidNextToken', 'The token is invalid')
  }
  const page = sources.slice(start, start + max)
  return {
    TrafficSources: page.map((arn) => ({
      TrafficSource: arn,
      State: 'InService',
      Identifier: arn,
      Type: 'elbv2'
    })),
    NextToken:
      start + max < sources.length
        ? Buffer.from(String(start + max)).toString('base64url')
        : undefined
  }
}

export const trafficSourceOperations: Record<string, Operation> = {
  AttachTrafficSources,
  DetachTrafficSources,
  DescribeTrafficSources
}
