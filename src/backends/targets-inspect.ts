import { TopologyError } from '../errors.js'
import type { Side, Sides } from './sides.js'
import { loadBalancerDimension } from './sides.js'
import type { AutoScalingView, GroupFacts } from './targets-aws.js'
import {
  type Endpoint,
  keyOf,
  otherSide,
  type SideName,
  SIDES,
  type TargetsNative
} from './targets-native.js'
import { type Fleet, label, type TargetsSettings } from './targets-settings.js'

/**
 * Pure checks of what inspect() read, before the first write: each refusal names the input, what
 * AWS shows and what is accepted (TopologyError).
 */

const GROUP_INPUT = 'target-group-arn'

export function inputOf(side: SideName, fleet: Fleet): string {
  return 'autoScalingGroup' in fleet ? `${side}-auto-scaling-group` : `${side}-targets`
}

function rawOf(fleet: Fleet): string {
  return 'autoScalingGroup' in fleet ? fleet.autoScalingGroup : fleet.targets.map(label).join(',')
}

/** The group must take instance or ip targets of the kind given, and serve a load balancer. */
export function checkGroup(settings: TargetsSettings, facts: GroupFacts): void {
  const arn = settings.targetGroupArn
  if (facts.targetType !== 'instance' && facts.targetType !== 'ip') {
    throw new TopologyError(
      GROUP_INPUT,
      arn,
      `target group ${facts.name} with target type ${facts.targetType}`,
      'a target group of instance or ip targets (the targets mode moves those)'
    )
  }
  for (const side of SIDES) {
    const fleet = settings[side]
    const kind = 'targets' in fleet ? fleet.targets[0].kind : 'instance'
    if (kind !== facts.targetType) {
      throw new TopologyError(
        inputOf(side, fleet),
        rawOf(fleet),
        `target group ${facts.name} takes ${facts.targetType} targets, but ${inputOf(side, fleet)} ` +
          `gives ${kind === 'ip' ? 'IP addresses' : 'instances'}`,
        `targets of the group's type (${facts.targetType === 'ip' ? 'IP addresses' : 'instance ids'})`
      )
    }
  }
  if (facts.loadBalancerArns.length === 0) {
    throw new TopologyError(
      GROUP_INPUT,
      arn,
      `target group ${facts.name} is not used by any load balancer (its targets would never be ` +
        'health-checked or take traffic)',
      'a target group a listener or rule forwards to'
    )
  }
}

/**
 * Each side's targets: its list with the group's port filled in, or its Auto Scaling group's
 * InService instances. Refuses a group that does not exist (or, at inspection, has nothing in
 * service), a target
 * given twice once the port is known (i-x and i-x:8080 on a group of port 8080), and a target on
 * both sides.
 */
export function resolveSides(
  settings: TargetsSettings,
  facts: GroupFacts,
  groups: Map<string, AutoScalingView>,
  inspecting: boolean
): Record<SideName, { targets: Endpoint[]; group?: AutoScalingView }> {
  const resolve = (side: SideName) => {
    const fleet = settings[side]
    const input = inputOf(side, fleet)
    if ('autoScalingGroup' in fleet) {
      const group = groups.get(fleet.autoScalingGroup)
      if (!group) {
        throw new TopologyError(
          input,
          fleet.autoScalingGroup,
          `no Auto Scaling group ${fleet.autoScalingGroup} (${input}) in this account and region`,
          'the name of an existing Auto Scaling group'
        )
      }
      // Before the run a side must have capacity; during it, Auto Scaling may take it to none.
      if (inspecting && group.inService.length === 0) {
        throw new TopologyError(
          input,
          fleet.autoScalingGroup,
          `Auto Scaling group ${group.name} has no InService instances to take ${side}'s traffic`,
          'a group with InService instances'
        )
      }
      return { targets: group.inService.map((id) => ({ id, port: facts.port })), group }
    }
    const targets = fleet.targets.map((ref) => ({ id: ref.id, port: ref.port ?? facts.port }))
    const seen = new Map<string, string>()
    fleet.targets.forEach((ref, index) => {
      const key = keyOf(targets[index])
      const earlier = seen.get(key)
      if (earlier !== undefined) {
        throw new TopologyError(
          input,
          rawOf(fleet),
          `target group port ${facts.port}, so ${earlier} and ${label(ref)} are the same target`,
          'each target listed once'
        )
      }
      seen.set(key, label(ref))
    })
    return { targets }
  }
  const sides = { blue: resolve('blue'), green: resolve('green') }
  const blueKeys = new Set(sides.blue.targets.map(keyOf))
  const shared = sides.green.targets.find((target) => blueKeys.has(keyOf(target)))
  if (shared) {
    // Name the side given as a list: an Auto Scaling group's members are AWS's to say.
    const side: SideName = 'targets' in settings.green ? 'green' : 'blue'
    throw new TopologyError(
      inputOf(side, settings[side]),
      rawOf(settings[side]),
      `target ${shownTarget(facts, shared)} is both blue and green (with ${inputOf(otherSide(side), settings[otherSide(side)])})`,
      'targets that serve one side only'
    )
  }
  return sides
}

/** An instance on the group's own port as people write it: without the port. */
function shownTarget(facts: GroupFacts, target: Endpoint): string {
  return facts.targetType === 'instance' && target.port === facts.port ? target.id : label(target)
}

/** Blue and green as data for the gates: one shared group, each side's own targets in it. */
export function sidesOf(native: TargetsNative, facts: GroupFacts): Sides {
  const side = (name: SideName): Side => {
    const state = native.sides[name]
    return {
      targetGroups: [
        {
          arn: native.targetGroupArn,
          loadBalancerArns: [...facts.loadBalancerArns],
          targetIds: [...new Set(state.targets.map((target) => target.id))],
          // One group carries both sides: its ALB metrics are not one side's.
          metrics: []
        }
      ],
      records: [],
      autoScalingGroups: state.autoScaling ? [state.autoScaling.name] : []
    }
  }
  return {
    blue: side('blue'),
    green: side('green'),
    nameServers: [],
    loadBalancers: facts.loadBalancerArns
      .filter((arn) => /:loadbalancer\/app\//.test(arn))
      .map((arn) => ({
        arn,
        metrics: [
          {
            namespace: 'AWS/ApplicationELB',
            dimensions: [{ name: 'LoadBalancer', value: loadBalancerDimension(arn) }]
          }
        ]
      }))
  }
}

/** Things worth saying that do not stop the run. */
export function warningsOf(settings: TargetsSettings, native: TargetsNative): string[] {
  const warnings: string[] = []
  const delay = native.deregistrationDelaySeconds
  if (delay * 1000 > settings.bakeMs) {
    warnings.push(
      `Removed targets drain for ${delay}s (deregistration_delay.timeout_seconds), longer than ` +
        `the ${Math.round(settings.bakeMs / 1000)}s bake` +
        (settings.waitForDraining ? '; success waits for draining' : '')
    )
  }
  const ours = new Set(SIDES.flatMap((side) => native.sides[side].targets.map(keyOf)))
  const members = new Set(
    SIDES.flatMap((side) => native.sides[side].autoScaling?.notInService ?? [])
  )
  const others = native.registrations.filter((r) => !ours.has(keyOf(r)) && !members.has(r.id))
  if (others.length > 0) {
    warnings.push(
      `${others.length} other targets are registered in the group; they take traffic too and ` +
        'this run leaves them alone'
    )
  }
  return warnings
}
