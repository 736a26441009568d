import type { Verification } from './backend.js'
import {
  apiName,
  attachedApi,
  type AttachApi,
  keyOf,
  listed,
  liveState,
  type Registration,
  registrationsOf,
  show,
  type SideName,
  SIDES,
  standingOf,
  type TargetsNative
} from './targets-native.js'

/**
 * Pure: where the live group stands between a phase's `from` and its `expect`. Reads nothing and
 * writes nothing (the backend reads, then asks this).
 *
 * - diverged: one of our targets or groups is in a state neither `from` nor `expect` (nor the way
 *   between them) has: someone deregistered a target of ours (blue included) or registered one,
 *   or attached or detached a group. Auto Scaling's own activity is not that: an instance that
 *   left service (scale-in, replacement) may leave the group, and an attached group registers
 *   the instances it launches.
 * - failed: a target the phase waits for is unhealthy, unavailable or otherwise broken (AWS's
 *   reason is given): waiting will not help, the run rolls back.
 * - pending: a write not visible yet, or targets still `initial`.
 * - converged: everything the phase expects, targets the phase waits for healthy.
 */

type Presence = 'registered' | 'draining' | 'absent'

function presence(registration: Registration | undefined): Presence {
  if (!registration) return 'absent'
  return registration.state === 'draining' ? 'draining' : 'registered'
}

/** A live presence the phase explains: as before, as expected, or a drain that finished. */
function explained(from: Presence, expect: Presence, live: Presence): boolean {
  if (live === from || live === expect) return true
  return live === 'absent' && (from === 'draining' || expect === 'draining')
}

interface Target {
  id: string
  port: number
  side: SideName
}

export function judgePhase(
  from: TargetsNative,
  expect: TargetsNative,
  live: TargetsNative
): Pick<Verification<TargetsNative>, 'status' | 'detail'> {
  const before = registrationsOf(from)
  const after = registrationsOf(expect)
  const now = registrationsOf(live)
  const targets = new Map<string, Target>()
  for (const native of [from, expect, live]) {
    for (const side of SIDES) {
      for (const target of native.sides[side].targets) {
        targets.set(keyOf(target), { ...target, side })
      }
    }
  }
  const name = (target: Target) => `${show(live, target)} (${target.side})`

  const edits: string[] = []
  for (const [key, target] of targets) {
    const [f, e, l] = [presence(before.get(key)), presence(after.get(key)), presence(now.get(key))]
    if (explained(f, e, l) || autoScalingDid(live, target, l)) continue
    edits.push(
      l === 'registered'
        ? `${name(target)} was registered by someone else`
        : f === 'registered' && e === 'registered'
          ? `${name(target)} was deregistered by someone else`
          : `${name(target)} was registered by this run, then deregistered by someone else`
    )
  }
  for (const side of SIDES) {
    const group = live.sides[side].autoScaling
    if (!group) continue
    const [f, e, l] = [from, expect, live].map((native) => attachedApi(native.sides[side]))
    if (l === f || l === e) continue
    edits.push(`${side}'s Auto Scaling group ${group.name} was ${attachment(l)} by someone else`)
  }
  if (edits.length > 0) {
    return { status: 'diverged', detail: listed(edits, '; ') }
  }

  // What the phase waits for: targets it expects healthy that were not healthy before.
  const awaited = [...targets].filter(
    ([key, target]) =>
      after.get(key)?.state === 'healthy' &&
      standingOf(before.get(key)) !== 'healthy' &&
      inService(live, target)
  )
  const broken = awaited.filter(([key]) => {
    const standing = standingOf(now.get(key))
    return (
      standing === 'broken' || (standing === 'draining' && presence(now.get(key)) !== 'draining')
    )
  })
  if (broken.length > 0) {
    const why = broken.map(([key, target]) => `${name(target)} ${state(now.get(key)!)}`)
    return { status: 'failed', detail: `targets will not become healthy: ${listed(why, '; ')}` }
  }
  const waiting = awaited
    .filter(([key]) => standingOf(now.get(key)) !== 'healthy')
    .map(([key, target]) =>
      now.get(key)
        ? `${name(target)} ${state(now.get(key)!)}`
        : `${name(target)} not registered yet`
    )
  // What the phase removes (among the targets its expect knows: not a scale-out since).
  const removes = new Set(SIDES.flatMap((side) => expect.sides[side].targets.map(keyOf)))
  const leaving = [...targets]
    .filter(([key]) => removes.has(key))
    .filter(
      ([key]) =>
        presence(after.get(key)) !== 'registered' && presence(now.get(key)) === 'registered'
    )
    .filter(([key]) => presence(before.get(key)) === 'registered')
    .map(([, target]) => `${name(target)} still registered`)
  const groups = SIDES.filter((side) => live.sides[side].autoScaling).flatMap((side) => {
    const [e, l] = [expect, live].map((native) => attachedApi(native.sides[side]))
    return e === l ? [] : [`${live.sides[side].autoScaling!.name} not yet ${attachment(e)}`]
  })
  const pending = [...waiting, ...leaving, ...groups]
  if (pending.length > 0) return { status: 'pending', detail: `waiting: ${listed(pending, '; ')}` }
  return { status: 'converged', detail: liveState(live).detail }
}

/**
 * Auto Scaling's own doing, not someone else's: an instance no longer in service (it leaves the
 * group, by Auto Scaling or by ELB once terminated), or an instance an attached group registered.
 */
function autoScalingDid(live: TargetsNative, target: Target, now: Presence): boolean {
  const side = live.sides[target.side]
  if (!side.autoScaling) return false
  if (!inService(live, target)) return true
  return now === 'registered' && attachedApi(side) !== null
}

function inService(live: TargetsNative, target: Target): boolean {
  const group = live.sides[target.side].autoScaling
  return !group || group.inService.includes(target.id)
}

function attachment(api: AttachApi | null): string {
  return api ? `attached (${apiName(api)})` : 'detached'
}

function state(registration: Registration): string {
  const why = [registration.reason, registration.description].filter((part) => part !== '')
  return `${registration.state}${why.length > 0 ? ` (${why.join(': ')})` : ''}`
}
