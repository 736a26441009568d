/** How the report writes numbers, splits, times and durations. */

/** Percent with at most one decimal and no trailing ".0": "25", "12.5". */
export function formatPercent(percent: number): string {
  const tenths = Math.round(percent * 10)
  return String(tenths / 10 + 0) // + 0 turns -0 into 0
}

/** Both sides of a split, green first: "green 25% / blue 75%". */
export function formatSplit(greenPercent: number): string {
  return `green ${formatPercent(greenPercent)}% / blue ${formatPercent(100 - greenPercent)}%`
}

/** Seconds with at most one decimal: "12", "12.5". */
export function formatSeconds(ms: number): string {
  return formatPercent(ms / 1000)
}

/** A human duration: "450ms", "12.5s", "2m 5s", "1h 2m 3s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 0) return `-${formatDuration(-ms)}`
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (Math.round(ms / 100) < 600) return `${formatSeconds(ms)}s`
  const total = Math.round(ms / 1000)
  const parts = [
    [Math.floor(total / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'm'],
    [total % 60, 's']
  ] as const
  return parts
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value}${unit}`)
    .join(' ')
}

/** A UTC timestamp: "2026-11-03 14:05:12Z". */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`
}

const DAY_MS = 86_400_000

/** The UTC time of day when it is the same day as `reference`, else the full timestamp. */
export function formatClock(ms: number, reference: number): string {
  const full = formatTimestamp(ms)
  return Math.floor(ms / DAY_MS) === Math.floor(reference / DAY_MS) ? full.slice(11) : full
}

/** A percent with its sign: "25%", "12.5%". */
export function formatPct(percent: number): string {
  return `${formatPercent(percent)}%`
}
