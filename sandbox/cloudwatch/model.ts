/**
 * CloudWatch alarms: metric alarms (moved by alarm-evaluation.ts once their metric has data in
 * the sandbox, else left where SetAlarmState or the admin API puts them) and composite alarms,
 * whose state follows their rule.
 */
import { EventEmitter } from 'node:events'
import {
  type AlarmStateValue,
  type RuleExpr,
  evaluateRule,
  referencedAlarms
} from './alarm-rule.js'
import { cloudWatchErrors } from './errors.js'
import type { Json } from './json-input.js'

export const ACCOUNT_ID = '123456789012'

export interface Alarm {
  kind: 'metric' | 'composite'
  name: string
  arn: string
  /** The configuration members as sent (metric, threshold, actions…), echoed on Describe. */
  config: Record<string, Json>
  rule?: RuleExpr
  state: AlarmStateValue
  reason: string
  reasonData?: string
  stateUpdatedAt: Date
  stateTransitionedAt: Date
  configUpdatedAt: Date
}

export interface AlarmChange {
  name: string
  from: AlarmStateValue
  to: AlarmStateValue
}

export class AlarmStore extends EventEmitter {
  readonly alarms = new Map<string, Alarm>()

  constructor(readonly region = 'us-east-1') {
    super()
  }

  get(name: string): Alarm {
    const alarm = this.alarms.get(name)
    if (!alarm) throw cloudWatchErrors.resourceNotFound(`Alarm ${name} not found`)
    return alarm
  }

  /** Creates or replaces an alarm's configuration; an update keeps the current state, as AWS does. */
  put(kind: Alarm['kind'], name: string, config: Record<string, Json>, rule?: RuleExpr): Alarm {
    const now = new Date()
    const existing = this.alarms.get(name)
    const alarm: Alarm = existing
      ? { ...existing, kind, config, rule, configUpdatedAt: now }
      : {
          kind,
          name,
          arn: `arn:aws:cloudwatch:${this.region}:${ACCOUNT_ID}:alarm:${name}`,
          config,
          rule,
          state: 'INSUFFICIENT_DATA',
          reason: 'Unchecked: Initial alarm creation',
          stateUpdatedAt: now,
          stateTransitionedAt: now,
          configUpdatedAt: now
        }
    this.alarms.set(name, alarm)
    this.settleComposites()
    return alarm
  }

  delete(name: string): void {
    this.get(name)
    this.alarms.delete(name)
    this.settleComposites()
  }

  setState(name: string, state: AlarmStateValue, reason: string, reasonData?: string): void {
    this.transition(this.get(name), state, reason, reasonData)
    // A composite set by hand keeps that state until one of its children changes, as on AWS.
    this.settleComposites(name)
  }

  /** Composite alarms whose rule names the alarm. */
  parentsOf(name: string): Alarm[] {
    return [...this.alarms.values()].filter(
      (a) => a.rule && referencedAlarms(a.rule).includes(name)
    )
  }

  childrenOf(name: string): Alarm[] {
    const rule = this.get(name).rule
    const names = new Set(rule ? referencedAlarms(rule) : [])
    return [...this.alarms.values()].filter((a) => names.has(a.name))
  }

  private transition(
    alarm: Alarm,
    state: AlarmStateValue,
    reason: string,
    reasonData?: string
  ): void {
    const now = new Date()
    const from = alarm.state
    alarm.reason = reason
    alarm.reasonData = reasonData
    alarm.stateUpdatedAt = now
    if (from !== state) {
      alarm.state = state
      alarm.stateTransitionedAt = now
      this.emit('change', { name: alarm.name, from, to: state } satisfies AlarmChange)
    }
  }

  /** Re-evaluates composite rules until nothing changes (composites may nest). */
  private settleComposites(keep?: string): void {
    const stateOf = (name: string): AlarmStateValue =>
      this.alarms.get(name)?.state ?? 'INSUFFICIENT_DATA'
    for (let round = 0; round <= this.alarms.size; round += 1) {
      let changed = false
      for (const alarm of this.alarms.values()) {
        if (!alarm.rule || alarm.name === keep) continue
        const state: AlarmStateValue = evaluateRule(alarm.rule, stateOf) ? 'ALARM' : 'OK'
        if (state !== alarm.state) {
          this.transition(
            alarm,
            state,
            `Alarm rule evaluated to ${state === 'ALARM' ? 'TRUE' : 'FALSE'}`
          )
          changed = true
        }
      }
      if (!changed) return
    }
  }
}
