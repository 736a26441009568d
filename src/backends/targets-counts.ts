import type { TargetState } from '../aws/target-states.js'
import { Split } from '../split.js'

/** How many targets of each side a split keeps registered. */
export interface Counts {
  green: number
  blue: number
}

/**
 * The targets a split asks for, with B blue and G green targets: green registered = ceil(P·G),
 * blue kept = B − floor(P·B). Rounding favours capacity: each side keeps at least its share of
 * its own fleet, so 3 blue → 5 green at 10 % is 1 green + 3 blue, never 1 green + 2 blue.
 */
export function countsAt(split: Split, blue: number, green: number): Counts {
  return {
    green: Math.ceil((split.permille * green) / 1000),
    blue: blue - Math.floor((split.permille * blue) / 1000)
  }
}

/**
 * The live split: green's share of the targets that take new requests, counting green only once
 * it is healthy and blue until it drains (healthy green / (healthy green + registered blue)).
 */
export function shareOf(healthyGreen: number, servingBlue: number): Split {
  return Split.ofWeights(servingBlue, healthyGreen)
}

/** Which way a split moves from another: toward green, toward blue, or not at all. */
function direction(to: Split, from: Split): 1 | -1 | 0 {
  return to.permille > from.permille ? 1 : to.permille < from.permille ? -1 : 0
}

/**
 * The counts a requested split asks for from a state: countsAt, except that a step never undoes
 * the run's progress: moving toward green it removes no green target that is registered (e.g.
 * one a killed run left starting) and adds no blue, and the other way round.
 */
export function countsToward(to: Split, from: Split, total: Counts, registered: Counts): Counts {
  const asked = countsAt(to, total.blue, total.green)
  switch (direction(to, from)) {
    case 1:
      return {
        green: Math.max(asked.green, registered.green),
        blue: Math.min(asked.blue, registered.blue)
      }
    case -1:
      return {
        green: Math.min(asked.green, registered.green),
        blue: Math.max(asked.blue, registered.blue)
      }
    default:
      return registered
  }
}

/**
 * The split whole targets can carry for a requested one (3 blue → 5 green at "10 %" is 1 green
 * + 3 blue: 25 %), so the runner reports, gates and compares what AWS really does.
 */
export function quantizeSplit(to: Split, from: Split, total: Counts, registered: Counts): Split {
  if (to.equals(from)) return from
  const counts = countsToward(to, from, total, registered)
  return shareOf(counts.green, counts.blue)
}

/**
 * The counts that carry a quantized split exactly. countsAt does not round-trip (25 % of 3 → 5
 * is 2 green + 3 blue: 40 %), so among the pairs that carry `to` (and keep the run's progress)
 * the one with the most capacity is taken, then the one closest to what is registered.
 * Throws for a split no pair carries: plan() is given quantized splits only.
 */
export function countsFor(to: Split, from: Split, total: Counts, registered: Counts): Counts {
  const asked = countsToward(to, from, total, registered)
  if (asked.green + asked.blue > 0 && shareOf(asked.green, asked.blue).equals(to)) return asked
  const sign = direction(to, from)
  let best: Counts | undefined
  const score = (c: Counts) => [
    c.green + c.blue,
    -Math.abs(c.green - registered.green) - Math.abs(c.blue - registered.blue)
  ]
  for (let green = 0; green <= total.green; green += 1) {
    if (sign * (green - registered.green) < 0) continue
    for (let blue = 0; blue <= total.blue; blue += 1) {
      if (sign * (registered.blue - blue) < 0 || green + blue === 0) continue
      if (Math.round((green * 1000) / (green + blue)) !== to.permille) continue
      const candidate = { green, blue }
      const [size, closeness] = score(candidate)
      const [bestSize, bestCloseness] = best ? score(best) : [-1, -Infinity]
      if (size > bestSize || (size === bestSize && closeness > bestCloseness)) best = candidate
    }
  }
  if (!best) {
    throw new Error(
      `${to} is not a split ${total.blue} blue and ${total.green} green targets carry from ` +
        `${from}: plan() takes quantized splits`
    )
  }
  return best
}

/** Where one target stands in the group (see TargetState), or absent when not registered. */
export type Standing = TargetState | 'absent'

const KEEP_RANK: Partial<Record<Standing, number>> = { healthy: 0, waiting: 1, broken: 2 }
const ADD_RANK: Partial<Record<Standing, number>> = { absent: 0, draining: 1 }

/**
 * Which of one side's targets (in list order) should be registered to have `count` of them, with
 * the least change: a side that shrinks keeps its healthiest targets (then list order) and
 * registers none; a side that grows keeps all it has and adds in list order.
 */
export function choose(
  keys: readonly string[],
  standing: (key: string) => Standing,
  count: number
): Set<string> {
  const byRank = (ranks: Partial<Record<Standing, number>>) =>
    keys
      .map((key, index) => ({ key, index, rank: ranks[standing(key)] }))
      .filter(
        (entry): entry is { key: string; index: number; rank: number } => entry.rank !== undefined
      )
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map((entry) => entry.key)
  const serving = byRank(KEEP_RANK)
  if (serving.length >= count) return new Set(serving.slice(0, count))
  return new Set([...serving, ...byRank(ADD_RANK).slice(0, count - serving.length)])
}
