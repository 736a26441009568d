import { mermaidLabel } from './escape.js'
import { formatPercent } from './format.js'
import { stepFigures } from './observations.js'
import type { RunRecord } from '../record.js'

/** At most this many intervals: about 3 px each on GitHub's ~700 px chart. */
export const MAX_INTERVALS = 200

/** Runs longer than this are charted in minutes: people read a 30-minute rollout in minutes. */
const MINUTES_AFTER_S = 600

/**
 * Sample intervals, in the axis's unit. Mermaid spreads a line's values evenly over a numeric x axis by
 * adding (max - min) / (count - 1) to min while it is <= max: each of these is exact in binary,
 * so every sum is exact and no value falls off the end of the axis.
 */
const INTERVALS = [
  1 / 64,
  1 / 32,
  1 / 16,
  1 / 8,
  1 / 4,
  1 / 2,
  1,
  2,
  5,
  10,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600
]

/** GitHub's own green: readable on its light and dark themes alike. */
const LINE_COLOUR = '#2da44e'
/** GitHub's attention amber for the observed share: apart from the green on either theme. */
const OBSERVED_COLOUR = '#bf8700'

export const OBSERVED_LEGEND =
  "<sub>Green line: the applied share. Amber line: green's share of the requests the load " +
  'balancer counted (traffic-split), over the minutes each step was judged on; elsewhere it ' +
  'follows the applied share.</sub>'

/** Green's share sampled every `interval` units (seconds or minutes) from the run's start. */
export interface ChartSeries {
  unit: 'seconds' | 'minutes'
  interval: number
  values: number[]
  /**
   * Green's observed share of requests (percent) at the same samples: over the minutes a gate
   * observed it, else the applied share. Absent when no step has an observed share.
   */
  observed?: number[]
}

interface Change {
  /** Milliseconds since the run started. */
  at: number
  percent: number
}

/**
 * Green's share over time on a time-true axis: one value per fixed interval, so a 3 s bake is ten
 * times as wide as a 0.3 s rollback. Each value is, of the shares the interval held, the one
 * furthest from the value before: a peak or a dip shorter than an interval (green at 100 % for
 * a moment before a rollback) is drawn one interval wide instead of vanishing between samples.
 * Undefined without any share.
 */
export function chartSeries(record: RunRecord): ChartSeries | undefined {
  const changes: Change[] = record.events
    .filter((event) => event.percent !== undefined && Number.isFinite(event.percent))
    .map((event) => ({ at: event.at - record.startedAt, percent: event.percent as number }))
  if (changes.length === 0) return undefined
  const lastEvent = record.events[record.events.length - 1].at
  const endMs = Math.max(
    0,
    lastEvent - record.startedAt,
    (record.finishedAt ?? 0) - record.startedAt
  )
  const unit = endMs / 1000 > MINUTES_AFTER_S ? 'minutes' : 'seconds'
  const unitMs = unit === 'minutes' ? 60_000 : 1000
  const interval = intervalFor(endMs / unitMs)
  const intervalMs = interval * unitMs
  const count = Math.max(2, Math.ceil(endMs / intervalMs) + 1)

  // Before the first share was read, the run was at that share (it is the live split it found).
  let current = changes[0].percent
  let next = 0
  const values: number[] = []
  for (let k = 0; k < count; k++) {
    const until = k * intervalMs
    const held = [current]
    while (next < changes.length && changes[next].at <= until) {
      current = changes[next].percent
      held.push(current)
      next++
    }
    const previous = values.length > 0 ? values[values.length - 1] : current
    values.push(furthest(held, previous, current))
  }
  const observed = observedSeries(record, values, intervalMs)
  return observed ? { unit, interval, values, observed } : { unit, interval, values }
}

/**
 * At each sample, the observed share of the minutes it falls in (a window lying between two
 * samples takes the later one, so it is drawn one interval wide instead of vanishing); the
 * applied share elsewhere, so the two lines part only where the traffic did.
 */
function observedSeries(
  record: RunRecord,
  applied: number[],
  intervalMs: number
): number[] | undefined {
  const shares = record.steps.flatMap((step) => {
    const share = stepFigures(step)?.share
    if (!share) return []
    const start = share.window.start - record.startedAt
    const end = share.window.end - record.startedAt
    return [{ start, end, percent: share.value * 100 }]
  })
  if (shares.length === 0) return undefined
  return applied.map((percent, k) => {
    const at = k * intervalMs
    const found = shares.find(
      (share) =>
        (share.start <= at && at < share.end) || (share.start > at - intervalMs && share.end <= at)
    )
    return found ? found.percent : percent
  })
}

/** The finest interval that keeps the chart within MAX_INTERVALS (the coarsest beyond that). */
function intervalFor(duration: number): number {
  return (
    INTERVALS.find((interval) => duration / interval <= MAX_INTERVALS) ??
    INTERVALS[INTERVALS.length - 1]
  )
}

/** The held share furthest from `previous`; on a tie, the one the interval ends with. */
function furthest(held: number[], previous: number, last: number): number {
  let best = last
  for (const percent of held) {
    if (Math.abs(percent - previous) > Math.abs(best - previous)) best = percent
  }
  return best
}

/**
 * A mermaid xychart of green's share (percent) over time since the start, the x axis numeric
 * (mermaid draws its own ticks), with the observed share as a second line when a gate observed
 * one; '' without data. `name` is the target as people call it.
 */
export function renderChart(record: RunRecord, name: string): string {
  const series = chartSeries(record)
  if (series === undefined) return ''
  const end = series.interval * (series.values.length - 1)
  const unit = series.unit === 'minutes' ? 'Minutes' : 'Seconds'
  const { observed } = series
  // The default palette draws the line in a pale lavender that all but vanishes on white.
  const palette = observed ? `${LINE_COLOUR}, ${OBSERVED_COLOUR}` : LINE_COLOUR
  const lines = [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `  title "${mermaidLabel(`Traffic to green: ${name}`, 80)}"`,
    `  x-axis "${unit} since start" 0 --> ${end}`,
    '  y-axis "Green (%)" 0 --> 100',
    `  line [${series.values.map(formatPercent).join(', ')}]`,
    ...(observed ? [`  line [${observed.map(formatPercent).join(', ')}]`] : []),
    '```'
  ]
  // xychart draws no legend: say which line is which.
  if (observed) lines.push('', OBSERVED_LEGEND)
  return lines.join('\n')
}
