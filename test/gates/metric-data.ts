/**
 * CloudWatch's GetMetricData for the gate tests, at the SDK boundary: per-minute datapoints set
 * by the test, answered for whatever queries and window the gate asks (oldest first, a metric
 * with no datapoint in a minute has none, as ALB publishes), optionally in pages.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  type MetricDataResult
} from '@aws-sdk/client-cloudwatch'
import { mockClient } from 'aws-sdk-client-mock'
import type { MetricScope } from '../../src/backends/sides.js'

export const MINUTE = 60_000

type Dimensions = readonly { Name?: string; Value?: string }[]

function keyOf(metricName: string, dimensions: Dimensions): string {
  const parts = dimensions.map((d) => `${d.Name}=${d.Value}`).sort()
  return `${metricName}|${parts.join(',')}`
}

export class FakeMetrics {
  readonly mock = mockClient(CloudWatchClient)
  private readonly data = new Map<string, Map<number, number>>()
  /** Datapoints per page; Infinity answers in one page. */
  pageSize = Infinity

  constructor() {
    this.reset()
  }

  /** Sets `metricName` of `scope` in the minute starting at `at` to `value`. */
  set(scope: MetricScope, metricName: string, at: number, value: number): void {
    const dimensions = scope.dimensions.map((d) => ({ Name: d.name, Value: d.value }))
    const key = keyOf(metricName, dimensions)
    const series = this.data.get(key) ?? new Map<number, number>()
    series.set(at, value)
    this.data.set(key, series)
  }

  /** Sets one value per minute from `from` on. */
  perMinute(scope: MetricScope, metricName: string, from: number, values: number[]): void {
    values.forEach((value, i) => this.set(scope, metricName, from + i * MINUTE, value))
  }

  inputs(): GetMetricDataCommandInput[] {
    return this.mock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input)
  }

  /** Forgets the data, the calls and any behaviour a test added (resolvesOnce, rejectsOnce). */
  reset(): void {
    this.data.clear()
    this.pageSize = Infinity
    this.mock.reset()
    this.mock
      .on(GetMetricDataCommand)
      .callsFake((input: GetMetricDataCommandInput) => this.answer(input))
  }

  /** Every query's points in order, query by query; a page is a slice of that list. */
  private answer(input: GetMetricDataCommandInput): Partial<GetMetricDataCommandOutput> {
    const start = input.StartTime!.getTime()
    const end = input.EndTime!.getTime()
    const queries = input.MetricDataQueries ?? []
    const all = queries.flatMap((query) => {
      const metric = query.MetricStat!.Metric!
      const series = this.data.get(keyOf(metric.MetricName!, metric.Dimensions ?? [])) ?? new Map()
      return [...series.entries()]
        .filter(([at]) => at >= start && at < end)
        .sort(([a], [b]) => a - b)
        .map(([at, value]) => ({ id: query.Id!, at, value }))
    })
    const offset = input.NextToken ? Number(input.NextToken) : 0
    const page = all.slice(offset, offset + this.pageSize)
    const more = offset + page.length < all.length
    const ids =
      offset === 0 ? queries.map((query) => query.Id!) : [...new Set(page.map((p) => p.id))]
    const results: MetricDataResult[] = ids.map((id) => {
      const mine = page.filter((point) => point.id === id)
      return {
        Id: id,
        Label: id,
        Timestamps: mine.map((point) => new Date(point.at)),
        Values: mine.map((point) => point.value),
        StatusCode:
          more && all.slice(offset + page.length).some((p) => p.id === id)
            ? 'PartialData'
            : 'Complete'
      }
    })
    return {
      MetricDataResults: results,
      ...(more ? { NextToken: String(offset + page.length) } : {})
    }
  }
}
