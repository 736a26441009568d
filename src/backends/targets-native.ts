import { classifyTarget } from '../aws/target-states.js'
import { Split } from '../split.js'
import type { LiveState } from './backend.js'
import { type Counts, shareOf, type Standing } from './targets-counts.js'
import { label } from './targets-settings.js'

/**
 * The targets mode's native state (plain JSON): what one read of the target group and the
 * sides' Auto Scaling groups shows. Planning, verifying and restoring are functions of it.
 */

export type SideName = 'blue' | 'green'
export const SIDES: readonly SideName[] = ['blue', 'green']

/** The API an Auto Scaling group was attached with; it must be detached with the same one. */
export type AttachApi = 'target-groups' | 'traffic-sources'

export interface Endpoint {
  id: string
  port: number
}

/** One registration as DescribeTargetHealth shows it, and whose it is. */
export interface Registration extends Endpoint {
  state: string
  reason: string
  description: string
  side: SideName | 'other'
}

export interface AutoScalingState {
  name: string
  /** Its InService instances now: the targets the side owns at this read. */
  inService: string[]
  /** Its other instances (Pending, Terminating, Standby…): Auto Scaling's, not someone else's. */
  notInService: string[]
  /** Whether, and through which API, it is attached to the target group. */
  attachment: { api: AttachApi; state: string } | null
}

export interface SideState {
  /** The side's targets in list order (ports filled in), or its group's InService instances. */
  targets: Endpoint[]
  autoScaling?: AutoScalingState
}

export interface TargetsNative {
  targetGroupArn: string
  targetType: string
  /** The group's port: a target given without one uses it. */
  port: number
  deregistrationDelaySeconds: number
  /** Every registration of the group, ours and others', draining ones included. */
  registrations: Registration[]
  sides: Record<SideName, SideState>
}

export type TargetsState = LiveState<TargetsNative>

export function keyOf(target: Endpoint): string {
  return `${target.id}|${target.port}`
}

export function otherSide(side: SideName): SideName {
  return side === 'blue' ? 'green' : 'blue'
}

/** Attachment states that mean "on its way out": detached, as far as the run is concerned. */
const LEAVING = new Set(['Removing', 'Removed'])

export function attachedApi(side: SideState): AttachApi | null {
  const attachment = side.autoScaling?.attachment
  return attachment && !LEAVING.has(attachment.state) ? attachment.api : null
}

/** Registrations by target key. */
export function registrationsOf(native: TargetsNative): Map<string, Registration> {
  return new Map(native.registrations.map((registration) => [keyOf(registration), registration]))
}

/** Where a target stands in the group: absent, or as the shared classifier judges it. */
export function standingOf(registration: Registration | undefined): Standing {
  return registration ? classifyTarget(registration.state, registration.reason) : 'absent'
}

/**
 * Registered and not deregistering: counted as taking (or about to take) traffic. A target in
 * `unhealthy.draining` is still registered; only `draining` means it was deregistered.
 */
export function isRegistered(registration: Registration | undefined): boolean {
  return registration !== undefined && registration.state !== 'draining'
}

/** The side each of our targets belongs to, by key. */
export function ownership(native: TargetsNative): Map<string, SideName> {
  const owner = new Map<string, SideName>()
  for (const side of SIDES) {
    for (const target of native.sides[side].targets) owner.set(keyOf(target), side)
  }
  return owner
}

/** How many targets each side has, has registered, and has healthy. */
export function tally(native: TargetsNative): Record<'total' | 'registered' | 'healthy', Counts> {
  const registrations = registrationsOf(native)
  const count = (side: SideName, test: (r: Registration | undefined) => boolean) =>
    native.sides[side].targets.filter((target) => test(registrations.get(keyOf(target)))).length
  const healthy = (r: Registration | undefined) => standingOf(r) === 'healthy'
  return {
    total: { blue: native.sides.blue.targets.length, green: native.sides.green.targets.length },
    registered: { blue: count('blue', isRegistered), green: count('green', isRegistered) },
    healthy: { blue: count('blue', healthy), green: count('green', healthy) }
  }
}

/**
 * The split AWS applies: green's share of the targets taking new requests, counting green once
 * it is healthy and blue until it drains. With no healthy green and no blue (green broke after
 * blue left) the registrations still say where the run is, so a rollback can put blue back.
 */
export function splitOf(native: TargetsNative): Split {
  const { registered, healthy } = tally(native)
  if (healthy.green + registered.blue > 0) return shareOf(healthy.green, registered.blue)
  return registered.green > 0 ? Split.GREEN : Split.BLUE
}

/** Neither side has a target registered: nothing takes traffic, nothing says where a run is. */
export function nothingRegistered(native: TargetsNative): boolean {
  const { registered } = tally(native)
  return registered.blue + registered.green === 0
}

/**
 * What the run owns, for "did someone else change it": which of a listed side's targets are
 * registered, and whether (and how) each side's Auto Scaling group is attached. A side given as
 * an Auto Scaling group contributes its attachment only: which instances it has (and so which
 * of them are registered once attached, or left behind by a terminated instance) is Auto
 * Scaling's to change at any time, and is neither someone else's edit nor to be undone.
 * verify() still names an instance of ours that someone deregistered while it is InService.
 * Health and other targets of the group are left out.
 */
export function fingerprintOf(native: TargetsNative): string {
  const registrations = registrationsOf(native)
  return SIDES.map((side) => {
    const state = native.sides[side]
    if (state.autoScaling) {
      return `${side}=asg:${state.autoScaling.name}:${attachedApi(state) ?? 'detached'}`
    }
    const registered = state.targets
      .filter((target) => isRegistered(registrations.get(keyOf(target))))
      .map(keyOf)
      .sort()
    return `${side}=${registered.join(',')}`
  }).join(';')
}

/** For people: "green 1/5 healthy, blue 3/3 registered (25% of serving targets); …". */
export function detailOf(native: TargetsNative): string {
  const { total, registered, healthy } = tally(native)
  const owner = ownership(native)
  const asgMembers = new Set(
    SIDES.flatMap((side) => native.sides[side].autoScaling?.notInService ?? [])
  )
  const ours = native.registrations.filter((r) => owner.has(keyOf(r)))
  const draining = ours.filter((r) => r.state === 'draining').length
  const others = native.registrations.filter(
    (r) => !owner.has(keyOf(r)) && !asgMembers.has(r.id)
  ).length
  const share =
    healthy.green + registered.blue > 0
      ? `${splitOf(native).percent}% of serving targets`
      : registered.green > 0
        ? `no healthy target: ${registered.green} green registered, none healthy`
        : 'nothing of blue or green registered'
  const notes = [
    registered.green > healthy.green && healthy.green + registered.blue > 0
      ? `${registered.green - healthy.green} green not yet healthy`
      : '',
    draining > 0 ? `${draining} draining` : '',
    others > 0 ? `${others} other targets in the group` : '',
    ...SIDES.map((side) => {
      const group = native.sides[side].autoScaling
      if (!group) return ''
      const api = attachedApi(native.sides[side])
      return `${side} group ${group.name} ${api ? `attached (${apiName(api)})` : 'detached'}`
    })
  ].filter((note) => note !== '')
  return (
    `green ${healthy.green}/${total.green} healthy, blue ${registered.blue}/${total.blue} ` +
    `registered (${share})` +
    (notes.length > 0 ? `; ${notes.join('; ')}` : '')
  )
}

export function apiName(api: AttachApi): string {
  return api === 'traffic-sources' ? 'TrafficSources' : 'LoadBalancerTargetGroups'
}

export function liveState(native: TargetsNative): TargetsState {
  return {
    split: splitOf(native),
    native,
    detail: detailOf(native),
    fingerprint: fingerprintOf(native)
  }
}

/** A target as people wrote it: an instance on the group's own port without it. */
export function show(native: TargetsNative, target: Endpoint): string {
  return native.targetType === 'instance' && target.port === native.port ? target.id : label(target)
}

const MAX_SHOWN = 10

/** At most ten items, then how many more: a large fleet must not turn into a page of ids. */
export function listed(items: string[], separator = ', '): string {
  const shown = items.slice(0, MAX_SHOWN).join(separator)
  const more = items.length - MAX_SHOWN
  return more > 0 ? `${shown}${separator}and ${more} more` : shown
}
