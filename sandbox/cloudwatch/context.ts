/** What every CloudWatch operation works with: the alarms, the metrics and the clock. */
import type { MetricStore } from '../metrics/store.js'
import type { Json, JsonInput } from './json-input.js'
import type { AlarmStore } from './model.js'

export interface CloudWatchContext {
  alarms: AlarmStore
  metrics: MetricStore
  /** Real epoch ms (a test may pin it). */
  now(): number
}

/** Reads the request's members, reads or changes the stores, returns the response body. */
export type CloudWatchOperation = (
  input: JsonInput,
  context: CloudWatchContext
) => Record<string, Json> | Record<string, unknown>
