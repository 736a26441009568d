/** The CloudWatch sandbox: the alarms API server and an admin API to move alarms by hand. */
import type { Faults } from '../faults.js'
import { listenLoopback } from '../http.js'
import { Scheduler } from '../scheduler.js'
import type { AlarmStateValue } from './alarm-rule.js'
import { AlarmStore } from './model.js'
import { cloudWatchRequestHandler } from './server.js'

export interface CloudWatchSandboxOptions {
  faults: Faults
  region?: string
}

export interface CloudWatchSandbox {
  /** The API endpoint (AWS_ENDPOINT_URL_CLOUDWATCH). */
  readonly url: string
  readonly alarms: AlarmStore
  /** What SetAlarmState does, without a client: e.g. put an alarm into ALARM mid-bake. */
  setAlarmState(name: string, state: AlarmStateValue, reason?: string): void
  close(): Promise<void>
}

export async function startCloudWatch(
  options: CloudWatchSandboxOptions
): Promise<CloudWatchSandbox> {
  // Only injected latency waits here; it is real time, not scaled.
  const scheduler = new Scheduler(1)
  const alarms = new AlarmStore(options.region)
  const api = await listenLoopback(cloudWatchRequestHandler(alarms, options.faults, scheduler))
  return {
    url: api.url,
    alarms,
    setAlarmState(name, state, reason = `Set by the sandbox to ${state}`) {
      alarms.setState(name, state, reason)
    },
    async close() {
      scheduler.close()
      alarms.removeAllListeners()
      await api.close()
    }
  }
}
