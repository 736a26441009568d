/**
 * The two gates the sequential test is compared with, as users would set them up today:
 * a fixed threshold on green's error rate in the last minute (Argo Rollouts-style analysis),
 * and a Kayenta-style Mann-Whitney U test of green's per-minute error rates against blue's,
 * re-run every minute on all minutes so far. Each gives a score per minute; a threshold on the
 * score, tuned on A/A runs, makes it a gate.
 */
import type { MinutePair } from '../../src/analysis/minutes.js'

/** Green's 5XX rate in each minute (0 without requests). */
export function fixedThresholdScores(minutes: readonly MinutePair[]): number[] {
  return minutes.map((m) => (m.green.requests > 0 ? m.green.errors / m.green.requests : 0))
}

/**
 * The one-sided Mann-Whitney z (green's values above blue's), normal approximation with the tie
 * correction and a continuity correction; 0 when every value ties.
 */
export function mannWhitneyZ(green: readonly number[], blue: readonly number[]): number {
  const n1 = green.length
  const n2 = blue.length
  const all = [...green.map((v) => ({ v, g: true })), ...blue.map((v) => ({ v, g: false }))].sort(
    (a, b) => a.v - b.v
  )
  let rankSumGreen = 0
  let tieTerm = 0
  for (let i = 0; i < all.length;) {
    let j = i
    while (j < all.length && all[j].v === all[i].v) j += 1
    const rank = (i + 1 + j) / 2
    for (let k = i; k < j; k += 1) if (all[k].g) rankSumGreen += rank
    const ties = j - i
    tieTerm += ties ** 3 - ties
    i = j
  }
  const n = n1 + n2
  const u = rankSumGreen - (n1 * (n1 + 1)) / 2
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)))
  if (!(variance > 0)) return 0
  return (u - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance)
}

/** Kayenta needs points to rank: no score before this many minutes (Kayenta itself wants 50). */
export const MANN_WHITNEY_MIN_MINUTES = 3

/** The Mann-Whitney z on all minutes up to each minute (−Infinity before the minimum). */
export function mannWhitneyScores(minutes: readonly MinutePair[]): number[] {
  const rate = (side: { requests: number; errors: number }) =>
    side.requests > 0 ? side.errors / side.requests : 0
  const green: number[] = []
  const blue: number[] = []
  return minutes.map((m) => {
    green.push(rate(m.green))
    blue.push(rate(m.blue))
    return green.length < MANN_WHITNEY_MIN_MINUTES ? -Infinity : mannWhitneyZ(green, blue)
  })
}

/**
 * The threshold that fails at most ⌊α·runs⌋ of the given A/A runs (a run fails when any
 * minute's score exceeds it): the (⌊α·runs⌋ + 1)-th largest of the runs' highest scores.
 */
export function tuneThreshold(scoresPerRun: readonly number[][], alpha: number): number {
  const highest = scoresPerRun.map((scores) => Math.max(...scores)).sort((a, b) => b - a)
  return highest[Math.min(highest.length - 1, Math.floor(alpha * highest.length))]
}

/** The first minute (1-based) whose score exceeds the threshold, or undefined. */
export function firstAbove(scores: readonly number[], threshold: number): number | undefined {
  const at = scores.findIndex((score) => score > threshold)
  return at < 0 ? undefined : at + 1
}
