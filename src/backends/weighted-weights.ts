import { UnsupportedStateError } from '../errors.js'
import { Split } from '../split.js'

/** ALB's bound on one forward weight (see shared/aws-and-github-facts.md). */
export const MAX_WEIGHT = 999
/** On their own, blue and green share a total of 1000 between the ends: 0.1 % steps. */
const PAIR_SCALE = 1000

/** The forward weights this mode computes: blue, green, and the other groups in tuple order. */
export interface Weights {
  blue: number
  green: number
  others: number[]
}

/**
 * Every weighting that keeps each other group's share of traffic exactly as it is: at scale n
 * (1..maxScale) blue and green share a total of n × pairUnit and the others weigh n × their
 * unit. Our own writes keep these proportions, so a run's states all share one grid.
 */
export interface Grid {
  pairUnit: number
  otherUnits: number[]
  /** The largest scale at which every weight fits in 0-999 (0: none does). */
  maxScale: number
  /** The scale the live weights are at. */
  scale: number
}

/** The grid of weightings beside other groups; undefined when no other group has weight. */
export function gridOf(weights: Weights): Grid | undefined {
  const positive = weights.others.filter((weight) => weight > 0)
  if (positive.length === 0) return undefined
  const pair = weights.blue + weights.green
  const common = gcd(pair, positive.reduce(gcd))
  const pairUnit = pair / common
  const otherUnits = weights.others.map((weight) => weight / common)
  return {
    pairUnit,
    otherUnits,
    maxScale: Math.floor(MAX_WEIGHT / Math.max(pairUnit, ...otherUnits)),
    scale: common
  }
}

/**
 * Why these weights cannot be shifted in steps while keeping the other groups' share exactly,
 * or undefined when they can. Known from the live weights alone, so inspect() refuses before
 * the first write instead of the last step failing at "weight 1000".
 */
export function shiftProblem(weights: Weights): string | undefined {
  if (weights.blue + weights.green === 0) return 'blue and green both at weight 0'
  const grid = gridOf(weights)
  if (!grid) return undefined
  const share = `blue and green weighing ${weights.blue + weights.green} beside other groups weighing ${weights.others.join(', ')}`
  if (grid.maxScale < 1) {
    return `${share}: one side alone would need weight ${grid.pairUnit}, above ${MAX_WEIGHT}`
  }
  if (grid.maxScale * grid.pairUnit < 2) {
    return `${share}: the pair cannot be given a total of 2 within 0-${MAX_WEIGHT}, so no step between the ends exists`
  }
  return undefined
}

/**
 * The weights that carry `split`, given the live ones. Alone, the pair uses the 0-1000 scale
 * (999 at the ends). Beside other groups it keeps their share exactly: the live scale when it
 * expresses the split (the others untouched), else the finest scale that does, else the
 * nearest split the finest scale can give. Between the ends both sides keep weight 1 or more.
 */
export function weightsFor(split: Split, live: Weights): Weights {
  const grid = gridOf(live)
  if (!grid) {
    const green = Math.min(MAX_WEIGHT, split.permille)
    return { blue: Math.min(MAX_WEIGHT, PAIR_SCALE - split.permille), green, others: live.others }
  }
  const problem = shiftProblem(live)
  if (problem) throw new UnsupportedStateError(`Cannot shift ${problem}`)
  const scales = [grid.scale, ...descending(grid.maxScale)].filter(
    (scale) => scale <= grid.maxScale
  )
  for (const scale of scales) {
    const found = exactAt(split, grid, scale)
    if (found) return found
  }
  return at(grid, grid.maxScale, nearestGreen(split, grid.maxScale * grid.pairUnit))
}

/** The split AWS can express nearest to `split`, given the live weights. */
export function quantizeWeights(split: Split, live: Weights): Split {
  const weights = weightsFor(split, live)
  return Split.ofWeights(weights.blue, weights.green)
}

/** Weights at this scale whose split reads as exactly `split` (to 0.1 %), if any. */
function exactAt(split: Split, grid: Grid, scale: number): Weights | undefined {
  const total = scale * grid.pairUnit
  const ideal = (total * split.permille) / PAIR_SCALE
  const candidates = [Math.floor(ideal), Math.ceil(ideal)].filter((green) =>
    allowed(split, green, total)
  )
  const green = candidates.find((value) => Split.ofWeights(total - value, value).equals(split))
  return green === undefined ? undefined : at(grid, scale, green)
}

function nearestGreen(split: Split, total: number): number {
  if (split.permille === 0) return 0
  if (split.permille === PAIR_SCALE) return total
  return Math.min(total - 1, Math.max(1, Math.round((total * split.permille) / PAIR_SCALE)))
}

/** At the ends one side takes it all; between them both keep weight 1 or more. */
function allowed(split: Split, green: number, total: number): boolean {
  if (split.permille === 0) return green === 0
  if (split.permille === PAIR_SCALE) return green === total
  return green >= 1 && green <= total - 1
}

function at(grid: Grid, scale: number, green: number): Weights {
  return {
    blue: scale * grid.pairUnit - green,
    green,
    others: grid.otherUnits.map((unit) => unit * scale)
  }
}

function descending(from: number): number[] {
  return Array.from({ length: Math.max(0, from) }, (_, index) => from - index)
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}
