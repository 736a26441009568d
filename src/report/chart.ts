import { mermaidLabel } from './escape.js'
import { formatPercent, formatSeconds } from './format.js'
import type { RunRecord } from '../record.js'

/** Mermaid draws every point with a label; beyond this the chart is unreadable. */
export const MAX_POINTS = 100

export interface ChartPoint {
  /** Milliseconds since the run started. */
  at: number
  percent: number
}

interface Jump {
  at: number
  from: number
  to: number
}

/**
 * Green's share over time as a step function: a shift is instant, so each change of the share
 * gives two points at the same moment (the old value, then the new one). At most MAX_POINTS
 * points: the first, the last, and as many jumps as fit, preferring the first, the last and
 * every change of direction (a rollback) over the jumps inside a steady ramp.
 */
export function chartPoints(record: RunRecord): ChartPoint[] {
  const samples = record.events
    .filter((event) => event.percent !== undefined && Number.isFinite(event.percent))
    .map((event) => ({ at: event.at - record.startedAt, percent: event.percent as number }))
  if (samples.length === 0) return []

  const jumps: Jump[] = []
  let current = samples[0].percent
  for (const sample of samples.slice(1)) {
    if (sample.percent !== current) jumps.push({ at: sample.at, from: current, to: sample.percent })
    current = sample.percent
  }
  const first = samples[0]
  const last = samples[samples.length - 1]

  const points: ChartPoint[] = [first]
  const push = (point: ChartPoint) => {
    const previous = points[points.length - 1]
    if (previous.at !== point.at || previous.percent !== point.percent) points.push(point)
  }
  for (const jump of selectJumps(jumps, Math.floor((MAX_POINTS - 2) / 2))) {
    push({ at: jump.at, percent: jump.from })
    push({ at: jump.at, percent: jump.to })
  }
  push(last)
  return points
}

function selectJumps(jumps: Jump[], limit: number): Jump[] {
  if (jumps.length <= limit) return jumps
  const direction = (jump: Jump) => Math.sign(jump.to - jump.from)
  const priority = new Set([0, jumps.length - 1])
  jumps.forEach((jump, i) => {
    if (i > 0 && direction(jump) !== direction(jumps[i - 1])) {
      priority.add(i - 1)
      priority.add(i)
    }
  })
  const important = [...priority].sort((a, b) => a - b)
  let chosen: number[]
  if (important.length >= limit) {
    chosen = evenly(important, limit)
  } else {
    const rest = jumps.map((_, i) => i).filter((i) => !priority.has(i))
    chosen = [...important, ...evenly(rest, limit - important.length)].sort((a, b) => a - b)
  }
  return chosen.map((i) => jumps[i])
}

/** `count` items spread evenly over the list, its first and last included. */
function evenly<T>(items: T[], count: number): T[] {
  if (count <= 0) return []
  if (count === 1) return [items[0]]
  if (items.length <= count) return items
  return Array.from(
    { length: count },
    (_, j) => items[Math.round((j * (items.length - 1)) / (count - 1))]
  )
}

/** A mermaid xychart of green's share (percent) over seconds since the start; '' without data. */
export function renderChart(record: RunRecord): string {
  const points = chartPoints(record)
  if (points.length === 0) return ''
  const labels = points.map((point) => `"${mermaidLabel(formatSeconds(point.at), 20)}"`)
  const values = points.map((point) => formatPercent(point.percent))
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidLabel(`Traffic to green: ${record.target}`, 120)}"`,
    `  x-axis "Seconds since start" [${labels.join(', ')}]`,
    '  y-axis "Green (%)" 0 --> 100',
    `  line [${values.join(', ')}]`,
    '```'
  ].join('\n')
}
