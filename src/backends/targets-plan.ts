import { Split } from '../split.js'
import type { Phase, Plan, PlannedCall } from './backend.js'
import { attachCall, deregisterCall, detachCall, registerCall } from './targets-calls.js'
import { choose, countsFor } from './targets-counts.js'
import {
  type AttachApi,
  apiName,
  attachedApi,
  type Endpoint,
  isRegistered,
  keyOf,
  listed,
  liveState,
  otherSide,
  ownership,
  type Registration,
  registrationsOf,
  show,
  type SideName,
  SIDES,
  standingOf,
  tally,
  type TargetsNative,
  type TargetsState
} from './targets-native.js'

/**
 * Pure planning for the targets mode. A plan is at most two phases, make before break:
 * (1) register what joins (and attach the Auto Scaling group of a side that reaches 100 %), then
 * wait until it is healthy; (2) only then deregister what leaves (and detach the group of a side
 * that reaches 0 %). Draining is not waited for here: settle() does that after the last bake.
 */

/** Where a plan takes the group. */
export interface Goal {
  /** Our targets to be registered, each as the phase's expected state shows it. */
  registered: Map<string, Registration>
  /** For sides given as an Auto Scaling group: attached through an API, or not (null). */
  attached: Partial<Record<SideName, AttachApi | null>>
}

export const HEALTHY = { state: 'healthy', reason: '', description: '' }
const DRAINING = { state: 'draining', reason: 'Target.DeregistrationInProgress', description: '' }

/** The phases from a native state to a goal: make, then break; none when AWS is there. */
export function phasesToward(from: TargetsNative, goal: Goal): Phase<TargetsNative>[] {
  const make = makePhase(from, goal)
  const middle = make?.expect.native ?? from
  const brk = breakPhase(middle, goal)
  return [make, brk].filter((phase): phase is Phase<TargetsNative> => phase !== undefined)
}

function makePhase(from: TargetsNative, goal: Goal): Phase<TargetsNative> | undefined {
  const registrations = registrationsOf(from)
  const joining: Endpoint[] = []
  const awaited: Endpoint[] = []
  const next = new Map(registrations)
  for (const side of SIDES) {
    for (const target of from.sides[side].targets) {
      const key = keyOf(target)
      const wanted = goal.registered.get(key)
      const now = registrations.get(key)
      if (!wanted) continue
      if (!isRegistered(now)) joining.push(target)
      else if (wanted.state === 'healthy' && standingOf(now) !== 'healthy') awaited.push(target)
      else continue
      next.set(key, wanted)
    }
  }
  const attaching = SIDES.filter((side) => goal.attached[side] && !attachedApi(from.sides[side]))
  if (joining.length + awaited.length + attaching.length === 0) return undefined

  const calls: PlannedCall[] = []
  const parts: string[] = []
  if (joining.length > 0) {
    calls.push(registerCall(from.targetGroupArn, joining))
    parts.push(`register ${targetsNamed(from, joining)}`)
  }
  const sides = structuredClone(from.sides)
  for (const side of attaching) {
    const group = sides[side].autoScaling!
    const api = goal.attached[side]!
    group.attachment = { api, state: 'InService' }
    calls.push(attachCall(group.name, from.targetGroupArn, api))
    parts.push(`attach ${side}'s Auto Scaling group ${group.name} (${apiName(api)})`)
  }
  const waitFor = [...joining, ...awaited]
  if (waitFor.length > 0) parts.push(`wait until ${listed(names(from, waitFor))} are healthy`)
  const native = { ...from, registrations: [...next.values()], sides }
  return { summary: parts.join(', '), calls, expect: liveState(native), movesTraffic: true }
}

function breakPhase(from: TargetsNative, goal: Goal): Phase<TargetsNative> | undefined {
  const registrations = registrationsOf(from)
  const leaving = SIDES.flatMap((side) =>
    from.sides[side].targets.filter(
      (target) =>
        isRegistered(registrations.get(keyOf(target))) && !goal.registered.has(keyOf(target))
    )
  )
  const detaching = SIDES.filter(
    (side) => goal.attached[side] === null && attachedApi(from.sides[side]) !== null
  )
  if (leaving.length + detaching.length === 0) return undefined

  const calls: PlannedCall[] = []
  const parts: string[] = []
  const sides = structuredClone(from.sides)
  for (const side of detaching) {
    const group = sides[side].autoScaling!
    const api = attachedApi(from.sides[side])!
    group.attachment = null
    calls.push(detachCall(group.name, from.targetGroupArn, api))
    parts.push(`detach ${side}'s Auto Scaling group ${group.name} (${apiName(api)})`)
  }
  // Detaching deregisters the group's instances too; naming them makes the drain ours to wait for.
  if (leaving.length > 0) {
    calls.push(deregisterCall(from.targetGroupArn, leaving))
    parts.push(`deregister ${targetsNamed(from, leaving)}`)
  }
  const gone = new Set(leaving.map(keyOf))
  const drains = from.deregistrationDelaySeconds > 0
  const next = from.registrations.flatMap((registration) =>
    !gone.has(keyOf(registration))
      ? [registration]
      : drains
        ? [{ ...registration, ...DRAINING }]
        : []
  )
  const native = { ...from, registrations: next, sides }
  return { summary: parts.join(', '), calls, expect: liveState(native), movesTraffic: true }
}

/**
 * A step to a quantized split: the counts that carry it; the side that grows keeps what it has
 * and adds in list order, the side that shrinks keeps its healthiest. A side's Auto Scaling group
 * joins when the side carries everything and leaves when it carries nothing; it joins with the
 * API the other side's group uses (so one fleet is managed one way), else AttachTrafficSources,
 * which AWS recommends.
 */
export function planTargets(from: TargetsState, to: Split): Plan<TargetsNative> {
  const native = from.native
  const { total, registered } = tally(native)
  const counts = countsFor(to, from.split, total, registered)
  const registrations = registrationsOf(native)
  const standing = (key: string) => standingOf(registrations.get(key))
  // The side that takes traffic over must be healthy, targets it already had included.
  const taking: SideName | undefined =
    to.permille > from.split.permille
      ? 'green'
      : to.permille < from.split.permille
        ? 'blue'
        : undefined
  const goal: Goal = { registered: new Map(), attached: {} }
  for (const side of SIDES) {
    const byKey = new Map(native.sides[side].targets.map((target) => [keyOf(target), target]))
    for (const key of choose([...byKey.keys()], standing, counts[side])) {
      const now = registrations.get(key)
      const keep = isRegistered(now) && side !== taking
      goal.registered.set(key, keep ? now! : { ...byKey.get(key)!, ...HEALTHY, side })
    }
  }
  const full: Record<SideName, boolean> = {
    blue: to.equals(Split.BLUE),
    green: to.equals(Split.GREEN)
  }
  for (const side of SIDES) {
    const state = native.sides[side]
    if (!state.autoScaling) continue
    const other = otherSide(side)
    const api = attachedApi(state)
    goal.attached[side] = full[side]
      ? (api ?? attachedApi(native.sides[other]) ?? 'traffic-sources')
      : full[other]
        ? null
        : api
  }
  const phases = phasesToward(native, goal)
  return { from, to: phases.at(-1)?.expect.split ?? from.split, phases }
}

function names(native: TargetsNative, targets: Endpoint[]): string[] {
  return targets.map((target) => show(native, target))
}

/** "2 green targets (i-0a, i-0b)", "1 blue and 2 green targets (…)". */
function targetsNamed(native: TargetsNative, targets: Endpoint[]): string {
  const owner = ownership(native)
  const bySide = SIDES.map((side) => ({
    side,
    count: targets.filter((target) => owner.get(keyOf(target)) === side).length
  })).filter((entry) => entry.count > 0)
  const counted = bySide.map((entry) => `${entry.count} ${entry.side}`).join(' and ')
  const plural = targets.length === 1 ? 'target' : 'targets'
  return `${counted} ${plural} (${listed(names(native, targets))})`
}
