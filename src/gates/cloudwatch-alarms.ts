import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput
} from '@aws-sdk/client-cloudwatch'
import { awsCall } from '../aws/call.js'
import { InputError } from '../errors.js'
import { optional, parseList } from '../inputs.js'
import type { Gate, GateContext, GateDefinition, GateDeps, GateResult } from './gate.js'
import { checkTimeoutFor } from './verdicts.js'

export interface CloudWatchAlarmsSettings {
  /** Alarm names, metric or composite, in the action's region. */
  alarms: string[]
}

/** DescribeAlarms accepts at most 100 names in one request. */
export const MAX_ALARMS = 100
// CloudWatch alarm names are 1-255 characters; control characters cannot be typed in the console.
const ALARM_NAME = /^[^\p{Cc}]{1,255}$/u

export const cloudwatchAlarms: GateDefinition<CloudWatchAlarmsSettings> = {
  name: 'cloudwatch-alarms',
  inputs: ['alarms'],
  readInputs(read) {
    const raw = optional(read, 'alarms')
    const alarms = [...new Set(parseList(raw))]
    if (alarms.length === 0) return undefined
    if (alarms.length > MAX_ALARMS) {
      throw new InputError('alarms', raw, `at most ${MAX_ALARMS} alarm names`)
    }
    const bad = alarms.find((name) => !ALARM_NAME.test(name))
    if (bad !== undefined) {
      throw new InputError('alarms', bad, 'alarm names of 1 to 255 characters')
    }
    return { alarms }
  },
  create(settings, deps) {
    return new CloudWatchAlarmsGate(settings, deps)
  }
}

/** The fields this gate reads, common to metric and composite alarms. */
interface Alarm {
  AlarmName?: string
  StateValue?: string
  StateReason?: string
  StateUpdatedTimestamp?: Date
}

class CloudWatchAlarmsGate implements Gate {
  readonly name = 'cloudwatch-alarms'
  readonly intervalMs: number
  readonly checkTimeoutMs: number

  constructor(
    private readonly settings: CloudWatchAlarmsSettings,
    private readonly deps: GateDeps
  ) {
    this.intervalMs = deps.settings.checkIntervalMs
    this.checkTimeoutMs = checkTimeoutFor(this.intervalMs)
  }

  /** A typo in an alarm name is refused before the run writes anything. */
  async inspect(signal?: AbortSignal): Promise<void> {
    const missing = this.missing(await this.byName(signal))
    if (missing.length > 0) {
      throw new InputError(
        'alarms',
        missing.join(', '),
        'names of metric or composite alarms that exist in this account and region'
      )
    }
  }

  async check(context: GateContext): Promise<GateResult> {
    const found = await this.byName(context.signal)
    // An alarm deleted during the run must not turn the gate into a silent pass.
    const missing = this.missing(found)
    const firing = this.settings.alarms.filter((name) => found.get(name)?.StateValue === 'ALARM')
    const noData = this.settings.alarms.filter(
      (name) => found.get(name)?.StateValue === 'INSUFFICIENT_DATA'
    )
    const failures: string[] = []
    if (firing.length > 0) {
      const lines = firing.map((name) => this.describeFiring(found.get(name)!)).join('; ')
      // In 'ready' nothing has moved yet: the alarm is about blue (or the world), not this step.
      failures.push(
        context.phase === 'ready'
          ? `already in ALARM before this shift moved any traffic: ${lines}`
          : `in ALARM at ${context.split.toString()}: ${lines}`
      )
    }
    if (missing.length > 0) {
      failures.push(`not found in this account and region: ${missing.join(', ')}`)
    }
    if (failures.length > 0) return { status: 'fail', detail: failures.join('; ') }

    const ok = this.settings.alarms.length - noData.length
    const note =
      noData.length > 0
        ? `; INSUFFICIENT_DATA (no data yet, does not block): ${noData.join(', ')}`
        : ''
    return { status: 'pass', detail: `${ok}/${this.settings.alarms.length} alarms OK${note}` }
  }

  private async byName(signal?: AbortSignal): Promise<Map<string, Alarm>> {
    return new Map((await this.describe(signal)).map((alarm) => [alarm.AlarmName ?? '', alarm]))
  }

  private missing(found: Map<string, Alarm>): string[] {
    return this.settings.alarms.filter((name) => !found.has(name))
  }

  /** "name: StateReason (since 2026-11-22T12:00:00.000Z, 90s ago)". */
  private describeFiring(alarm: Alarm): string {
    let text = `${alarm.AlarmName}: ${alarm.StateReason || 'no reason given'}`
    if (alarm.StateUpdatedTimestamp) {
      const ago = Math.max(0, this.deps.clock.now() - alarm.StateUpdatedTimestamp.getTime())
      text += ` (since ${alarm.StateUpdatedTimestamp.toISOString()}, ${Math.round(ago / 1000)}s ago)`
    }
    return text
  }

  /** Metric and composite alarms by name, every page. */
  private async describe(signal?: AbortSignal): Promise<Alarm[]> {
    const alarms: Alarm[] = []
    let nextToken: string | undefined
    do {
      const input: DescribeAlarmsCommandInput = {
        AlarmNames: this.settings.alarms,
        // Without AlarmTypes, AWS returns metric alarms only and composites look missing.
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        MaxRecords: 100,
        ...(nextToken ? { NextToken: nextToken } : {})
      }
      const command = new DescribeAlarmsCommand(input)
      const output = await awsCall(
        'DescribeAlarms',
        this.settings.alarms.join(', '),
        () => this.deps.clients.get(CloudWatchClient).send(command, { abortSignal: signal }),
        signal
      )
      alarms.push(...(output.MetricAlarms ?? []), ...(output.CompositeAlarms ?? []))
      nextToken = output.NextToken
    } while (nextToken)
    return alarms
  }
}
