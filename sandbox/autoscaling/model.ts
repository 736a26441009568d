/**
 * The Auto Scaling control-plane state the action touches: groups with their instances (each in
 * a lifecycle state) and the target groups they are attached to.
 */
import { validationError } from './errors.js'
export const ACCOUNT_ID = '123456789012'

/** The lifecycle states AWS reports; only InService instances are registered with target groups. */
export type LifecycleState =
  'Pending' | 'InService' | 'Terminating' | 'Terminated' | 'Detaching' | 'Standby'

export interface Instance {
  id: string
  lifecycleState: LifecycleState
  healthStatus: 'Healthy' | 'Unhealthy'
  availabilityZone: string
}

/** How the group launches instances: the app each new instance runs. */
export interface LaunchTemplate {
  /** What the app answers as its version (x-version), e.g. 'v2'. */
  version: string
  healthPath?: string
  /** How long a new instance is Pending before it is InService (AWS seconds; default 30). */
  bootSeconds?: number
}

export interface Group {
  name: string
  arn: string
  createdAt: Date
  minSize: number
  maxSize: number
  /** What the group keeps running: scaling changes it, a replacement does not. */
  desiredCapacity: number
  /** Where new instances go when the group has none to copy from. */
  availabilityZone: string
  /** Without one, the group cannot launch (scale out or replace) by itself. */
  launchTemplate?: LaunchTemplate
  /** Instances in launch order. */
  instances: Instance[]
  /** Attached target groups, in attach order. */
  targetGroupArns: string[]
  /**
   * Those of targetGroupArns attached with AttachTrafficSources. AWS documents that the older
   * Detach/DescribeLoadBalancerTargetGroups see only what the older Attach call attached.
   */
  trafficSourceArns: string[]
  healthCheckType: 'EC2' | 'ELB'
}

export class AutoScalingModel {
  readonly groups = new Map<string, Group>()

  constructor(readonly region = 'us-east-1') {}

  arnOf(name: string): string {
    // AWS puts a UUID after autoScalingGroup:; a fixed one keeps sandbox ARNs predictable.
    return (
      `arn:aws:autoscaling:${this.region}:${ACCOUNT_ID}:autoScalingGroup:` +
      `00000000-0000-4000-8000-000000000000:autoScalingGroupName/${name}`
    )
  }
}

/** The group of that name, or the ValidationError AWS answers for a name it does not know. */
export function groupNamed(model: AutoScalingModel, name: string): Group {
  const group = model.groups.get(name)
  if (!group) {
    throw validationError(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`)
  }
  return group
}

/** The group's InService instances: those an attachment registers. */
export function inService(group: Group): string[] {
  return group.instances
    .filter((instance) => instance.lifecycleState === 'InService')
    .map((instance) => instance.id)
}
