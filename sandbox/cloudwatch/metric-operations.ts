/**
 * GetMetricData (metric stats, several queries per call, ScanBy, MaxDatapoints with NextToken
 * paging, StatusCode Complete / PartialData) and ListMetrics (filters, RecentlyActive, 500 a
 * page) over the sandbox's metric store. Times are real; a period of P seconds spans P × the
 * time scale, and StartTime is rounded down to a whole (scaled) minute as CloudWatch does.
 */
import { createHash } from 'node:crypto'
import { statisticValue } from '../metrics/statistics.js'
import { type MetricSeries, type MetricStore, seriesKey } from '../metrics/store.js'
import type { CloudWatchOperation } from './context.js'
import { cloudWatchErrors } from './errors.js'
import type { Json, JsonInput } from './json-input.js'
import { type MetricQuery, parseMetricDataQueries } from './metric-queries.js'

const DEFAULT_MAX_DATAPOINTS = 100_800
const LIST_PAGE = 500
const RECENTLY_ACTIVE_SECONDS = 3 * 3600

interface Datapoint {
  at: number
  value: number
}

/** The query's datapoints from start (inclusive) to end (exclusive), oldest first. */
export function queryDatapoints(
  metrics: MetricStore,
  query: MetricQuery,
  start: number,
  end: number,
  now: number
): Datapoint[] {
  const series = metrics.find(query.metric)
  if (!series || (query.unit !== undefined && series.unit !== query.unit)) return []
  // Standard-resolution data has nothing finer than a minute.
  const periodMs = metrics.scaled(Math.max(60, query.periodSeconds))
  const points: Datapoint[] = []
  for (let at = start; at < end; at += periodMs) {
    const aggregate = metrics.aggregate(series, at, Math.min(at + periodMs, end), now)
    const value = aggregate && statisticValue(aggregate, query.statistic)
    if (value !== undefined) points.push({ at, value })
  }
  return points
}

/** Epoch seconds as AWS JSON 1.0 sends them → ms. */
function time(input: JsonInput, name: string): number {
  const seconds = input.number(name)
  if (seconds === undefined) throw cloudWatchErrors.missingParameter(name)
  return seconds * 1000
}

interface Cursor {
  query: number
  offset: number
  request: string
}

function requestHash(input: JsonInput): string {
  const rest = { ...input.body }
  delete rest.NextToken
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url').slice(0, 16)
}

function readCursor(token: string | undefined, request: string): Cursor {
  if (token === undefined) return { query: 0, offset: 0, request }
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor
    if (
      cursor.request === request &&
      Number.isInteger(cursor.query) &&
      Number.isInteger(cursor.offset)
    ) {
      return cursor
    }
  } catch {
    // fall through
  }
  throw cloudWatchErrors.invalidNextToken()
}

export const GetMetricData: CloudWatchOperation = (input, { metrics, now }) => {
  const queries = parseMetricDataQueries(input.raw('MetricDataQueries'))
  const minute = metrics.minuteMs
  const start = Math.floor(time(input, 'StartTime') / minute) * minute
  const end = time(input, 'EndTime')
  if (!(start < end)) {
    throw cloudWatchErrors.invalidParameterValue(
      'The parameter StartTime must be less than the parameter EndTime.'
    )
  }
  const descending =
    (input.oneOf('ScanBy', ['TimestampDescending', 'TimestampAscending'] as const) ??
      'TimestampDescending') === 'TimestampDescending'
  let budget = input.number('MaxDatapoints', 1) ?? DEFAULT_MAX_DATAPOINTS
  const request = requestHash(input)
  const cursor = readCursor(input.string('NextToken'), request)
  const at = now()
  const results: Record<string, Json>[] = []
  let next: Cursor | undefined
  for (let q = cursor.query; q < queries.length && next === undefined; q += 1) {
    const query = queries[q]
    if (!query.returnData) continue
    const points = queryDatapoints(metrics, query, start, end, at)
    if (descending) points.reverse()
    const from = q === cursor.query ? cursor.offset : 0
    const taken = points.slice(from, from + budget)
    budget -= taken.length
    const complete = from + taken.length >= points.length
    if (!complete) next = { query: q, offset: from + taken.length, request }
    results.push({
      Id: query.id,
      Label: query.label,
      Timestamps: taken.map((point) => point.at / 1000),
      Values: taken.map((point) => point.value),
      StatusCode: complete ? 'Complete' : 'PartialData'
    })
    if (budget === 0 && q + 1 < queries.length && next === undefined) {
      next = { query: q + 1, offset: 0, request }
    }
  }
  const output: Record<string, Json> = { MetricDataResults: results, Messages: [] }
  if (next) output.NextToken = Buffer.from(JSON.stringify(next)).toString('base64url')
  return output
}

interface MetricFilter {
  namespace?: string
  metricName?: string
  dimensions: { name: string; value?: string }[]
}

function readFilter(input: JsonInput): MetricFilter {
  const raw = input.raw('Dimensions') ?? []
  if (!Array.isArray(raw)) throw cloudWatchErrors.serialization('Dimensions must be a list')
  if (raw.length > 10)
    throw cloudWatchErrors.invalidParameterValue('Dimensions must have at most 10 members')
  const dimensions = raw.map((filter, i) => {
    const { Name, Value } = (filter ?? {}) as { Name?: Json; Value?: Json }
    if (typeof Name !== 'string' || Name === '') {
      throw cloudWatchErrors.missingParameter(`Dimensions.member.${i + 1}.Name`)
    }
    return { name: Name, value: typeof Value === 'string' ? Value : undefined }
  })
  return {
    namespace: input.string('Namespace', 255),
    metricName: input.string('MetricName', 255),
    dimensions
  }
}

/** Exact namespace and name; every filter dimension present (with its value, when given). */
function matches(series: MetricSeries, filter: MetricFilter): boolean {
  if (filter.namespace !== undefined && series.id.namespace !== filter.namespace) return false
  if (filter.metricName !== undefined && series.id.metricName !== filter.metricName) return false
  return filter.dimensions.every((wanted) =>
    series.id.dimensions.some(
      (d) => d.name === wanted.name && (wanted.value === undefined || d.value === wanted.value)
    )
  )
}

export const ListMetrics: CloudWatchOperation = (input, { metrics, now }) => {
  const filter = readFilter(input)
  const recently = input.oneOf('RecentlyActive', ['PT3H'] as const)
  const at = now()
  const found = metrics
    .listed(at)
    .filter((series) => matches(series, filter))
    .filter((series) => {
      if (!recently) return true
      const last = metrics.lastVisibleMinuteStart(series, at)
      return last !== undefined && last >= at - metrics.scaled(RECENTLY_ACTIVE_SECONDS)
    })
    .sort((a, b) => (seriesKey(a.id) < seriesKey(b.id) ? -1 : 1))
  const token = input.string('NextToken')
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'))
  if (!Number.isInteger(start) || start < 0 || start > found.length)
    throw cloudWatchErrors.invalidNextToken()
  const page = found.slice(start, start + LIST_PAGE)
  const output: Record<string, Json> = {
    Metrics: page.map((series) => ({
      Namespace: series.id.namespace,
      MetricName: series.id.metricName,
      Dimensions: series.id.dimensions.map((d) => ({ Name: d.name, Value: d.value }))
    }))
  }
  if (start + LIST_PAGE < found.length) {
    output.NextToken = Buffer.from(String(start + LIST_PAGE)).toString('base64url')
  }
  return output
}
