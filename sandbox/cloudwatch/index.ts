/**
 * The CloudWatch sandbox: the API server (alarms, GetMetricData, ListMetrics), its metric
 * store, a once-a-minute (scaled) evaluation of metric alarms from that store, and an admin API
 * to move alarms by hand.
 */
import type { Faults } from '../faults.js'
import { listenLoopback } from '../http.js'
import { MetricStore } from '../metrics/store.js'
import { Scheduler } from '../scheduler.js'
import type { AlarmStateValue } from './alarm-rule.js'
import { evaluateMetricAlarm } from './alarm-evaluation.js'
import type { CloudWatchContext } from './context.js'
import { AlarmStore } from './model.js'
import { cloudWatchRequestHandler } from './server.js'

export interface CloudWatchSandboxOptions {
  faults: Faults
  region?: string
  /** One CloudWatch minute is 60 s × timeScale of real time (default 1). */
  timeScale?: number
  /** Shares a store (default: a new one at this time scale). */
  metrics?: MetricStore
  /** The clock, real epoch ms (tests). */
  now?: () => number
}

export interface CloudWatchSandbox {
  /** The API endpoint (AWS_ENDPOINT_URL_CLOUDWATCH). */
  readonly url: string
  readonly alarms: AlarmStore
  /** Where publishers (e.g. `publishAlbMetrics`) put datapoints. */
  readonly metrics: MetricStore
  /** What SetAlarmState does, without a client: e.g. put an alarm into ALARM mid-bake. */
  setAlarmState(name: string, state: AlarmStateValue, reason?: string): void
  /** Evaluates every metric alarm on a published metric now (it also happens every minute). */
  evaluateAlarms(): void
  close(): Promise<void>
}

export async function startCloudWatch(
  options: CloudWatchSandboxOptions
): Promise<CloudWatchSandbox> {
  // Real time: injected latency waits on it; the alarm tick uses the store's scaled minute.
  const scheduler = new Scheduler(1)
  const alarms = new AlarmStore(options.region)
  const metrics = options.metrics ?? new MetricStore(60_000 * (options.timeScale ?? 1))
  const now = options.now ?? Date.now
  const context: CloudWatchContext = { alarms, metrics, now }
  const evaluateAlarms = () => {
    const at = now()
    for (const alarm of [...alarms.alarms.values()]) {
      const evaluation = evaluateMetricAlarm(alarm, metrics, at)
      if (evaluation && evaluation.state !== alarm.state) {
        alarms.setState(alarm.name, evaluation.state, evaluation.reason, evaluation.reasonData)
      }
    }
  }
  const tick = () => {
    evaluateAlarms()
    scheduler.after(metrics.minuteMs, tick)
  }
  const api = await listenLoopback(cloudWatchRequestHandler(context, options.faults, scheduler))
  scheduler.after(metrics.minuteMs, tick)
  return {
    url: api.url,
    alarms,
    metrics,
    setAlarmState(name, state, reason = `Set by the sandbox to ${state}`) {
      alarms.setState(name, state, reason)
    },
    evaluateAlarms,
    async close() {
      scheduler.close()
      alarms.removeAllListeners()
      await api.close()
    }
  }
}
