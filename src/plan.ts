import type { Split } from './split.js'

/**
 * The splits a run passes through, from the live split toward the requested one. Waypoints the
 * live split has already passed are skipped, so a re-run resumes; going down walks the schedule
 * backwards; an empty plan means there is nothing to do.
 */
export function planSteps(live: Split, requested: Split, waypoints: readonly Split[]): Split[] {
  if (live.equals(requested)) return []
  const up = requested.permille > live.permille
  const low = Math.min(live.permille, requested.permille)
  const high = Math.max(live.permille, requested.permille)
  const between = waypoints.filter((point) => point.permille > low && point.permille < high)
  if (!up) between.reverse()
  return [...between, requested]
}
