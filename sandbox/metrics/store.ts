/**
 * CloudWatch's metric storage in the sandbox: series named by namespace, metric name and a set
 * of dimensions, each a one-minute resolution aggregate (sample count, sum, minimum, maximum,
 * and the raw values where percentiles are asked of it). A "minute" is 60 s × timeScale of real
 * time and timestamps are real epoch ms, like the rest of the sandbox. A publisher states how
 * late its minutes become visible (ALB: after the minute closes, plus a delay); reads see only
 * visible minutes, so a datapoint appears the way it does on AWS: whole, and late.
 */

export interface Dimension {
  name: string
  value: string
}

export interface MetricId {
  namespace: string
  metricName: string
  dimensions: readonly Dimension[]
}

export interface Aggregate {
  sampleCount: number
  sum: number
  minimum: number
  maximum: number
  /** Every sample, for percentiles; absent for series that do not keep them. */
  values?: number[]
}

interface Minute extends Aggregate {
  /** Real epoch ms from which reads see this minute. */
  visibleAt: number
}

export interface MetricSeries {
  id: MetricId
  unit: string
  /** Minute index (start = index × minuteMs) → aggregate. */
  minutes: Map<number, Minute>
}

export interface RecordOptions {
  /** When the sample happened, real epoch ms. */
  at: number
  /** How long after its minute closes the minute becomes visible, real ms. */
  delayMs: number
  /** Keep raw values (for percentiles). */
  keepValues?: boolean
}

/** Dimensions are a set: the same names and values in any order name the same series. */
export function seriesKey(id: MetricId): string {
  const dimensions = [...id.dimensions]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => `${d.name}=${d.value}`)
  return JSON.stringify([id.namespace, id.metricName, dimensions])
}

export function mergeAggregates(parts: readonly Aggregate[]): Aggregate | undefined {
  if (parts.length === 0) return undefined
  const merged: Aggregate = { sampleCount: 0, sum: 0, minimum: Infinity, maximum: -Infinity }
  const keep = parts.every((part) => part.values !== undefined)
  if (keep) merged.values = []
  for (const part of parts) {
    merged.sampleCount += part.sampleCount
    merged.sum += part.sum
    merged.minimum = Math.min(merged.minimum, part.minimum)
    merged.maximum = Math.max(merged.maximum, part.maximum)
    if (keep) merged.values!.push(...part.values!)
  }
  return merged
}

export class MetricStore {
  private readonly series = new Map<string, MetricSeries>()

  /** @param minuteMs one CloudWatch minute in real ms: 60,000 × timeScale. */
  constructor(readonly minuteMs = 60_000) {
    if (!(minuteMs > 0)) throw new RangeError(`minuteMs must be > 0, got ${minuteMs}`)
  }

  minuteOf(at: number): number {
    return Math.floor(at / this.minuteMs)
  }

  /** Real ms for an AWS duration in seconds. */
  scaled(seconds: number): number {
    return (seconds / 60) * this.minuteMs
  }

  record(id: MetricId, unit: string, value: number, options: RecordOptions): void {
    const key = seriesKey(id)
    let series = this.series.get(key)
    if (!series) {
      series = { id: { ...id, dimensions: [...id.dimensions] }, unit, minutes: new Map() }
      this.series.set(key, series)
    }
    const index = this.minuteOf(options.at)
    let minute = series.minutes.get(index)
    if (!minute) {
      minute = {
        sampleCount: 0,
        sum: 0,
        minimum: Infinity,
        maximum: -Infinity,
        visibleAt: (index + 1) * this.minuteMs + options.delayMs,
        values: options.keepValues ? [] : undefined
      }
      series.minutes.set(index, minute)
    }
    minute.sampleCount += 1
    minute.sum += value
    minute.minimum = Math.min(minute.minimum, value)
    minute.maximum = Math.max(minute.maximum, value)
    minute.values?.push(value)
  }

  find(id: MetricId): MetricSeries | undefined {
    return this.series.get(seriesKey(id))
  }

  /** Series with at least one visible minute (CloudWatch lists a metric once it has data). */
  listed(now: number): MetricSeries[] {
    return [...this.series.values()].filter((series) =>
      [...series.minutes.values()].some((minute) => minute.visibleAt <= now)
    )
  }

  /** When the series' newest visible minute started, or undefined. */
  lastVisibleMinuteStart(series: MetricSeries, now: number): number | undefined {
    let last: number | undefined
    for (const [index, minute] of series.minutes) {
      if (minute.visibleAt <= now && (last === undefined || index > last)) last = index
    }
    return last === undefined ? undefined : last * this.minuteMs
  }

  /** The visible minutes starting in [start, end), merged; undefined when there are none. */
  aggregate(series: MetricSeries, start: number, end: number, now: number): Aggregate | undefined {
    const parts: Aggregate[] = []
    const first = Math.ceil(start / this.minuteMs - 1e-9)
    const last = Math.ceil(end / this.minuteMs - 1e-9) - 1
    for (let index = first; index <= last; index += 1) {
      const minute = series.minutes.get(index)
      if (minute && minute.visibleAt <= now) parts.push(minute)
    }
    return mergeAggregates(parts)
  }
}
