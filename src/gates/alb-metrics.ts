/**
 * Reads ALB metrics per minute for the gates that judge a canary by its own traffic
 * (`traffic-split`, `canary-analysis`): one GetMetricData call for many queries, every page, and
 * the window of minutes CloudWatch has finished publishing.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataQuery
} from '@aws-sdk/client-cloudwatch'
import type { MetricScope } from '../backends/sides.js'
import type { Series } from '../analysis/index.js'
import { awsCall } from '../aws/call.js'
import type { ClientFactory } from '../aws/clients.js'
import { durationInput, type InputReader } from '../inputs.js'

/** ALB publishes one datapoint per metric and minute: the finest period worth asking for. */
export const ALB_PERIOD_SECONDS = 60
/** GetMetricData takes at most 500 queries in one request. */
export const MAX_QUERIES = 500

/**
 * How long one CloudWatch minute lasts on the run's clock: 60 s on AWS. Its own input because a
 * local sandbox runs time faster (a minute of 60 s × its time scale); the queries still ask for
 * AWS's 60-second period, so only the windows are shifted, never what CloudWatch is asked.
 */
export function readMetricPeriod(read: InputReader): number {
  return durationInput(read, 'metric-period', '1m', 60_000, false)
}

export interface MetricRequest {
  /** Unique, a lowercase letter then letters, digits and underscores (CloudWatch's rule). */
  id: string
  scope: MetricScope
  metricName: string
  /** e.g. 'Sum', 'SampleCount', 'p99'. */
  stat: string
}

export interface MinuteWindow {
  /** The first minute's start, epoch ms. */
  start: number
  /** The end of the last complete minute (exclusive), epoch ms. */
  end: number
  /** Every minute start in [start, end), ascending. */
  minutes: number[]
}

/**
 * The whole minutes from `from` (rounded down to its minute when `partialFirst`, else up to the
 * next) whose datapoints CloudWatch has published by `now`: ALB's datapoint for a minute appears
 * about a minute after it closes, so a minute counts once one more has passed. Reading a minute
 * still filling would compare a side's half-published count against the other's whole one.
 */
export function publishedMinutes(
  from: number,
  now: number,
  minuteMs: number,
  partialFirst = false
): MinuteWindow {
  const start = (partialFirst ? Math.floor : Math.ceil)(from / minuteMs) * minuteMs
  const end = Math.floor((now - minuteMs) / minuteMs) * minuteMs
  const minutes: number[] = []
  for (let at = start; at < end; at += minuteMs) minutes.push(at)
  return { start, end: Math.max(start, end), minutes }
}

/** The id of a query as CloudWatch accepts it, e.g. metricId('g', 0, 'RequestCount'). */
export function metricId(side: string, index: number, metricName: string): string {
  return `${side}${index}_${metricName.replace(/[^A-Za-z0-9]/g, '')}`.toLowerCase()
}

function toQuery(request: MetricRequest): MetricDataQuery {
  return {
    Id: request.id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: request.scope.namespace,
        MetricName: request.metricName,
        Dimensions: request.scope.dimensions.map((d) => ({ Name: d.name, Value: d.value }))
      },
      Period: ALB_PERIOD_SECONDS,
      Stat: request.stat
    }
  }
}

/**
 * Every datapoint of every request in the window, by request id. Requests go 500 to a call, and
 * each call follows NextToken to its last page: CloudWatch splits one query's datapoints across
 * pages, so a series is the concatenation of its pieces. A query CloudWatch answers with an
 * error status (e.g. `Forbidden`) throws instead of reading as "no traffic".
 */
export async function readMetrics(
  clients: ClientFactory,
  requests: readonly MetricRequest[],
  window: Pick<MinuteWindow, 'start' | 'end'>,
  signal?: AbortSignal
): Promise<Map<string, Series>> {
  const found = new Map<string, { timestamps: Date[]; values: number[] }>()
  for (const request of requests) found.set(request.id, { timestamps: [], values: [] })
  if (!(window.start < window.end)) return found
  for (let first = 0; first < requests.length; first += MAX_QUERIES) {
    const batch = requests.slice(first, first + MAX_QUERIES)
    let nextToken: string | undefined
    do {
      const input: GetMetricDataCommandInput = {
        MetricDataQueries: batch.map(toQuery),
        StartTime: new Date(window.start),
        EndTime: new Date(window.end),
        ScanBy: 'TimestampAscending',
        ...(nextToken ? { NextToken: nextToken } : {})
      }
      const command = new GetMetricDataCommand(input)
      const output = await awsCall(
        'GetMetricData',
        describe(batch),
        () => clients.get(CloudWatchClient).send(command, { abortSignal: signal }),
        signal
      )
      for (const result of output.MetricDataResults ?? []) {
        const series = found.get(result.Id ?? '')
        if (!series) continue
        if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError') {
          const messages = (result.Messages ?? []).map((m) => m.Value).join('; ')
          throw new Error(
            `GetMetricData answered ${result.StatusCode} for ${result.Label ?? result.Id}` +
              (messages ? `: ${messages}` : '')
          )
        }
        series.timestamps.push(...(result.Timestamps ?? []))
        series.values.push(...(result.Values ?? []))
      }
      nextToken = output.NextToken
    } while (nextToken)
  }
  return found
}

/** "RequestCount, HTTPCode_Target_5XX_Count of targetgroup/shop-blue/…, …" for error messages. */
function describe(batch: readonly MetricRequest[]): string {
  const metrics = [...new Set(batch.map((request) => request.metricName))].join(', ')
  const scopes = [
    ...new Set(batch.map((request) => request.scope.dimensions.map((d) => d.value).join(' on ')))
  ]
  const shown = scopes.slice(0, 3).join(', ') + (scopes.length > 3 ? ', …' : '')
  return `${metrics} of ${shown}`
}
