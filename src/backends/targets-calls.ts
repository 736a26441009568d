import type { PlannedCall } from './backend.js'
import type { AttachApi, Endpoint } from './targets-native.js'

/**
 * The calls of the targets mode as data: plan() and restore() build them, apply() sends them,
 * dry-run shows them. An Auto Scaling group is attached and detached with one API: AWS documents
 * that DetachLoadBalancerTargetGroups cannot detach a group attached with AttachTrafficSources.
 */

const ELBV2 = 'elasticloadbalancingv2'
const AUTOSCALING = 'autoscaling'

// Ports are always sent: a target registered with a port must be deregistered with it.
function descriptions(targets: Endpoint[]) {
  return targets.map((target) => ({ Id: target.id, Port: target.port }))
}

export function registerCall(targetGroupArn: string, targets: Endpoint[]): PlannedCall {
  return {
    service: ELBV2,
    operation: 'RegisterTargets',
    parameters: { TargetGroupArn: targetGroupArn, Targets: descriptions(targets) }
  }
}

export function deregisterCall(targetGroupArn: string, targets: Endpoint[]): PlannedCall {
  return {
    service: ELBV2,
    operation: 'DeregisterTargets',
    parameters: { TargetGroupArn: targetGroupArn, Targets: descriptions(targets) }
  }
}

export function attachCall(group: string, targetGroupArn: string, api: AttachApi): PlannedCall {
  return api === 'traffic-sources'
    ? {
        service: AUTOSCALING,
        operation: 'AttachTrafficSources',
        parameters: {
          AutoScalingGroupName: group,
          TrafficSources: [{ Identifier: targetGroupArn, Type: 'elbv2' }]
        }
      }
    : {
        service: AUTOSCALING,
        operation: 'AttachLoadBalancerTargetGroups',
        parameters: { AutoScalingGroupName: group, TargetGroupARNs: [targetGroupArn] }
      }
}

export function detachCall(group: string, targetGroupArn: string, api: AttachApi): PlannedCall {
  return api === 'traffic-sources'
    ? {
        service: AUTOSCALING,
        operation: 'DetachTrafficSources',
        parameters: {
          AutoScalingGroupName: group,
          TrafficSources: [{ Identifier: targetGroupArn, Type: 'elbv2' }]
        }
      }
    : {
        service: AUTOSCALING,
        operation: 'DetachLoadBalancerTargetGroups',
        parameters: { AutoScalingGroupName: group, TargetGroupARNs: [targetGroupArn] }
      }
}

/** The targets a RegisterTargets or DeregisterTargets call names. */
export function targetsOf(call: PlannedCall): Endpoint[] {
  const { Targets } = call.parameters as { Targets?: { Id: string; Port: number }[] }
  return (Targets ?? []).map((target) => ({ id: target.Id, port: target.Port }))
}
