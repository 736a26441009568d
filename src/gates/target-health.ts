import {
  DescribeTargetHealthCommand,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { awsCall } from '../aws/call.js'
import { classifyTarget, type TargetState } from '../aws/target-states.js'
import type { HealthScope } from '../backends/backend.js'
import { optional, parseInteger } from '../inputs.js'
import type { Gate, GateContext, GateDefinition, GateDeps, GateResult } from './gate.js'
import { WaitingSince, worstOf } from './verdicts.js'

export interface TargetHealthSettings {
  /** Share of green's registered targets that must be healthy, 1-100. */
  minHealthyPercent: number
}

/** One target as this gate judges it. */
interface Seen {
  key: string
  label: string
  state: string
  reason: string
  description: string
  /** As every part of the action judges targets (see classifyTarget). */
  standing: TargetState
}

export const targetHealth: GateDefinition<TargetHealthSettings> = {
  name: 'target-health',
  // Always configured: whether it applies depends on the backend, which create() can see.
  readInputs(read) {
    const raw = optional(read, 'min-healthy-percent') || '100'
    return { minHealthyPercent: parseInteger('min-healthy-percent', raw, 1, 100) }
  },
  create(settings, deps) {
    if (deps.backend.healthScope().length === 0) return undefined
    return new TargetHealthGate(settings, deps)
  }
}

class TargetHealthGate implements Gate {
  readonly name = 'target-health'
  readonly intervalMs: number
  /** When this gate first saw each target waiting (initial, unused: NotInUse), by target key. */
  private readonly waitingSince = new WaitingSince()

  constructor(
    private readonly settings: TargetHealthSettings,
    private readonly deps: GateDeps
  ) {
    this.intervalMs = deps.settings.checkIntervalMs
  }

  async check(context: GateContext): Promise<GateResult> {
    // Read the scope on every check: a backend may learn green's target ids only in prepare().
    const scopes = this.deps.backend.healthScope()
    if (scopes.length === 0) return fail('the backend names no target group to watch')
    const described = await Promise.all(scopes.map((scope) => this.describe(scope, context.signal)))
    const now = this.deps.clock.now()
    const waiting = described.flat().filter(isWaiting)
    this.waitingSince.track(
      waiting.map((target) => target.key),
      now
    )
    // Each group on its own: one group down must not hide behind another's healthy targets.
    const results = scopes.map((scope, i) => this.judge(groupName(scope), described[i], now))
    return worstOf(results)
  }

  private judge(group: string, seen: Seen[], now: number): GateResult {
    const timeoutMs = this.deps.settings.healthTimeoutMs
    // Draining targets (unhealthy.draining too) are leaving, so they neither help nor hurt.
    const counted = seen.filter((target) => target.standing !== 'draining')
    if (!counted.some((target) => target.reason !== 'Target.NotRegistered')) {
      const found = seen.length > 0 ? `: ${list(seen)}` : ''
      return fail(`${group}: no registered targets that can take traffic${found}`)
    }
    const healthy = counted.filter((target) => target.standing === 'healthy')
    const waiting = counted.filter(isWaiting)
    const waited = (target: Seen) => this.waitingSince.waited(target.key, now)
    const fresh = waiting.filter((target) => waited(target) < timeoutMs)
    const expired = waiting.filter((target) => !fresh.includes(target))
    const broken = counted.filter((target) => target.standing === 'broken')
    const needed = Math.max(1, Math.ceil((counted.length * this.settings.minHealthyPercent) / 100))
    const summary =
      `${group}: ${healthy.length}/${counted.length} targets healthy, ${needed} needed ` +
      `(min-healthy-percent ${this.settings.minHealthyPercent})`

    if (healthy.length >= needed) {
      const others = [...waiting, ...broken]
      return { status: 'pass', detail: others.length > 0 ? `${summary}; ${list(others)}` : summary }
    }
    const budget = `health-timeout ${seconds(timeoutMs)}`
    if (healthy.length + fresh.length >= needed) {
      const longest = Math.max(...fresh.map(waited))
      return {
        status: 'pending',
        detail: `${summary}; waiting ${seconds(longest)} of ${budget} for ${list(fresh)}`
      }
    }
    const parts = [summary]
    if (broken.length > 0) parts.push(`not healthy: ${list(broken)}`)
    if (expired.length > 0) parts.push(`still not healthy after ${budget}: ${list(expired)}`)
    if (fresh.length > 0) parts.push(`still starting: ${list(fresh)}`)
    return fail(parts.join('; '))
  }

  private async describe(scope: HealthScope, signal?: AbortSignal): Promise<Seen[]> {
    const input = {
      TargetGroupArn: scope.targetGroupArn,
      ...(scope.targetIds && scope.targetIds.length > 0
        ? { Targets: scope.targetIds.map((id) => ({ Id: id })) }
        : {})
    }
    const output = await awsCall(
      'DescribeTargetHealth',
      scope.targetGroupArn,
      () =>
        this.deps.clients.elbv2.send(new DescribeTargetHealthCommand(input), {
          abortSignal: signal
        }),
      signal
    )
    return (output.TargetHealthDescriptions ?? []).map((description) =>
      toSeen(scope.targetGroupArn, description)
    )
  }
}

/** States that resolve on their own (initial, unused with Target.NotInUse): timed, then failed. */
function isWaiting(target: Seen): boolean {
  return target.standing === 'waiting'
}

function toSeen(groupArn: string, description: TargetHealthDescription): Seen {
  const id = description.Target?.Id ?? '?'
  const port = description.Target?.Port
  const label = port === undefined ? id : `${id}:${port}`
  const state = description.TargetHealth?.State ?? 'unknown'
  const reason = description.TargetHealth?.Reason ?? ''
  return {
    key: `${groupArn}|${label}`,
    label,
    state,
    reason,
    description: description.TargetHealth?.Description ?? '',
    standing: classifyTarget(state, reason)
  }
}

function list(targets: Seen[]): string {
  return targets
    .map((target) => {
      const why = [target.reason, target.description].filter((part) => part !== '').join(': ')
      return why === ''
        ? `${target.label} ${target.state}`
        : `${target.label} ${target.state} (${why})`
    })
    .join(', ')
}

/** The target group's name, from arn:…:targetgroup/NAME/ID, for short details. */
function groupName(scope: HealthScope): string {
  return /:targetgroup\/([^/]+)\//.exec(scope.targetGroupArn)?.[1] ?? scope.targetGroupArn
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`
}

function fail(detail: string): GateResult {
  return { status: 'fail', detail }
}
