import type { Split } from './split.js'

/**
 * The splits a run passes through, from the live split toward the requested one. Waypoints the
 * live split has already passed are skipped, so a re-run resumes; going down walks the schedule
 * backwards; equal waypoints side by side count once; an empty plan means there is nothing to do.
 */
export function planSteps(live: Split, requested: Split, waypoints: readonly Split[]): Split[] {
  if (live.equals(requested)) return []
  const up = requested.permille > live.permille
  const low = Math.min(live.permille, requested.permille)
  const high = Math.max(live.permille, requested.permille)
  const between = waypoints.filter((point) => point.permille > low && point.permille < high)
  if (!up) between.reverse()
  return [...between, requested].filter((point, i, all) => i === 0 || !point.equals(all[i - 1]))
}

/** A step as the schedule asked for it and as AWS can express it. */
export interface PlannedStep {
  requested: Split
  /** Quantized: the split AWS will apply. */
  to: Split
}

/**
 * The steps of a run on the splits AWS can express: the target and every waypoint are quantized
 * first, so two waypoints that land on the same split are one step, and a request AWS already
 * applies (10 % read back as 10.2 %) is no step at all.
 */
export function planQuantizedSteps(
  live: Split,
  requested: Split,
  waypoints: readonly Split[],
  quantize: (split: Split) => Split
): PlannedStep[] {
  const asked = new Map<number, Split>()
  const quantized = waypoints.map((point) => {
    const to = quantize(point)
    if (!asked.has(to.permille)) asked.set(to.permille, point)
    return to
  })
  const target = quantize(requested)
  asked.set(target.permille, requested)
  return planSteps(live, target, quantized).map((to) => ({
    requested: asked.get(to.permille) ?? to,
    to
  }))
}
