/**
 * Attaching target groups to an Auto Scaling group and detaching them, shared by both APIs AWS
 * offers (Attach/DetachLoadBalancerTargetGroups and Attach/DetachTrafficSources). Attaching is
 * additive and registers the group's InService instances; detaching deregisters them (they drain).
 * AWS documents that the older Detach cannot detach what AttachTrafficSources attached.
 */
import { validationError } from './errors.js'
import { type Group, inService } from './model.js'
import type { TargetRegistry } from './registry.js'

export type AttachmentApi = 'target-groups' | 'traffic-sources'

export function attachTargetGroups(
  group: Group,
  arns: string[],
  registry: TargetRegistry,
  api: AttachmentApi
): void {
  // The whole call is refused when one target group cannot be attached.
  for (const arn of arns) {
    const refusal = registry.refuse(arn)
    if (refusal) throw validationError(refusal)
  }
  for (const arn of arns) {
    if (group.targetGroupArns.includes(arn)) continue
    group.targetGroupArns.push(arn)
    if (api === 'traffic-sources') group.trafficSourceArns.push(arn)
    registry.register(arn, inService(group))
  }
}

/** A group not attached is ignored, and so is one the older API may not detach. */
export function detachTargetGroups(
  group: Group,
  arns: string[],
  registry: TargetRegistry,
  api: AttachmentApi
): void {
  for (const arn of arns) {
    if (!group.targetGroupArns.includes(arn)) continue
    if (api === 'target-groups' && group.trafficSourceArns.includes(arn)) continue
    group.targetGroupArns = group.targetGroupArns.filter((attached) => attached !== arn)
    group.trafficSourceArns = group.trafficSourceArns.filter((attached) => attached !== arn)
    registry.deregister(arn, inService(group))
  }
}
