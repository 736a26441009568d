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
