import type { RestorePlan } from './backend.js'
import { type Goal, HEALTHY, phasesToward } from './targets-plan.js'
import {
  attachedApi,
  type Endpoint,
  isRegistered,
  keyOf,
  listed,
  registrationsOf,
  SIDES,
  standingOf,
  type TargetsNative,
  type TargetsState
} from './targets-native.js'

/**
 * Pure: back to the registrations and attachments the run started from, make before break
 * (whatever must be registered again is registered and healthy before anything is removed).
 *
 * A listed side gets exactly its starting registrations. A side given as an Auto Scaling group
 * owns its InService instances of now: an instance Auto Scaling terminated or replaced since the
 * start cannot be registered again (AWS refuses a target that is not running), so the side gets
 * the nearest state that carries the same split: its starting instances still in service, and
 * as many of its other InService instances as take the place of the ones gone; `exact: false`
 * and the note name them. A group attached at the start is attached again with the API it was
 * attached with, and registers every instance it has now.
 */
export function restoreTargets(
  start: TargetsState,
  live: TargetsState
): RestorePlan<TargetsNative> {
  const started = registrationsOf(start.native)
  const now = registrationsOf(live.native)
  const goal: Goal = { registered: new Map(), attached: {} }
  const notes: string[] = []
  // A target still registered is left as it is; one registered again is awaited healthy, unless
  // it was not healthy at the start either (then the start is all a rollback can promise).
  const want = (side: (typeof SIDES)[number], target: Endpoint) => {
    const key = keyOf(target)
    const [then, current] = [started.get(key), now.get(key)]
    const registration = isRegistered(current)
      ? current!
      : isRegistered(then) && standingOf(then) !== 'healthy'
        ? then!
        : { ...target, ...HEALTHY, side }
    goal.registered.set(key, registration)
  }

  for (const side of SIDES) {
    const before = start.native.sides[side]
    const after = live.native.sides[side]
    const wanted = before.targets.filter((target) => isRegistered(started.get(keyOf(target))))
    if (!before.autoScaling || !after.autoScaling) {
      for (const target of wanted) want(side, target)
      continue
    }
    const name = before.autoScaling.name
    const inService = new Set(after.autoScaling.inService)
    const gone = before.autoScaling.inService.filter((id) => !inService.has(id))
    const api = attachedApi(before)
    goal.attached[side] = api
    if (api) {
      for (const target of after.targets) want(side, target)
      const arrived = after.autoScaling.inService.filter(
        (id) => !before.autoScaling!.inService.includes(id)
      )
      if (gone.length + arrived.length > 0) {
        notes.push(
          `${side}'s Auto Scaling group ${name} changed since the start` +
            (gone.length > 0 ? `: ${listed(gone)} no longer in service` : '') +
            (arrived.length > 0 ? `; ${listed(arrived)} in service since` : '') +
            '; attached again, it registers the instances it has now'
        )
      }
      continue
    }
    const kept = wanted.filter((target) => inService.has(target.id))
    const lost = wanted.filter((target) => !inService.has(target.id))
    const keptKeys = new Set(kept.map(keyOf))
    // Stand-ins: already registered and healthy first, then registered, then in list order.
    const rank = (target: Endpoint) => {
      const standing = standingOf(now.get(keyOf(target)))
      return standing === 'healthy' ? 0 : isRegistered(now.get(keyOf(target))) ? 1 : 2
    }
    const standIns = after.targets
      .filter((target) => !keptKeys.has(keyOf(target)))
      .map((target, index) => ({ target, index }))
      .sort((a, b) => rank(a.target) - rank(b.target) || a.index - b.index)
      .slice(0, lost.length)
      .map((entry) => entry.target)
    for (const target of [...kept, ...standIns]) want(side, target)
    if (lost.length > 0) {
      const ids = lost.map((target) => target.id)
      notes.push(
        `${side}'s ${listed(ids)} of Auto Scaling group ${name} no longer in service ` +
          '(terminated or replaced by Auto Scaling), so ' +
          (standIns.length > 0
            ? `${listed(standIns.map((target) => target.id))} take their place`
            : `${side} has ${lost.length} fewer targets than at the start`)
      )
    }
  }

  const phases = phasesToward(live.native, goal)
  return {
    from: live,
    to: phases.at(-1)?.expect.split ?? live.split,
    phases,
    exact: notes.length === 0,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {})
  }
}
