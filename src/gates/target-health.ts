import {
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { describeTargetHealth } from '../aws/target-health.js'
import { classifyTarget, type TargetState } from '../aws/target-states.js'
import type { TargetGroupRef } from '../backends/sides.js'
import { optional, parseInteger } from '../inputs.js'
import type { Gate, GateContext, GateDefinition, GateDeps, GateResult } from './gate.js'
import { checkTimeoutFor, WaitingSince, worstOf } from './verdicts.js'

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
  inputs: ['min-healthy-percent'],
  // Always configured: whether it applies depends on the sides the inspection found.
  readInputs(read) {
    const raw = optional(read, 'min-healthy-percent') || '100'
    return { minHealthyPercent: parseInteger('min-healthy-percent', raw, 1, 100) }
  },
  create(settings, deps) {
    if (deps.sides.green.targetGroups.length === 0) return undefined
    return new TargetHealthGate(settings, deps, deps.sides.green.targetGroups)
  }
}

class TargetHealthGate implements Gate {
  readonly name = 'target-health'
  readonly intervalMs: number
  readonly checkTimeoutMs: number
  /** When this gate first saw each target waiting (initial, unused: NotInUse), by target key. */
  private readonly waitingSince = new WaitingSince()
  /** When this gate first saw none of a shared group's green targets registered, by group. */
  private readonly unregisteredSince = new WaitingSince()

  constructor(
    private readonly settings: TargetHealthSettings,
    private readonly deps: GateDeps,
    /** Green's target groups (with green's target ids where blue shares the group). */
    private readonly groups: readonly TargetGroupRef[]
  ) {
    this.intervalMs = deps.settings.checkIntervalMs
    this.checkTimeoutMs = checkTimeoutFor(this.intervalMs)
  }

  async check(context: GateContext): Promise<GateResult> {
    const described = await Promise.all(
      this.groups.map((group) => this.describe(group, context.signal))
    )
    const now = this.deps.clock.now()
    const waiting = described.flat().filter(isWaiting)
    this.waitingSince.track(
      waiting.map((target) => target.key),
      now
    )
    // Each group on its own: one group down must not hide behind another's healthy targets.
    const results = this.groups.map((group, i) =>
      this.judgeGroup(group, described[i], context, now)
    )
    return worstOf(results)
  }

  /**
   * Where green shares the group with blue (mode targets), the run registers green's targets
   * step by step: those not registered yet are not judged, and before the first is, green
   * carries nothing and there is nothing to judge. Who is registered is the backend's to verify.
   */
  private judgeGroup(
    group: TargetGroupRef,
    seen: Seen[],
    context: GateContext,
    now: number
  ): GateResult {
    // Named with the side: in mode targets both sides share one group, so "shop: 1/1" alone
    // does not say whose targets those are.
    const name = `green in ${groupName(group)}`
    if (!group.targetIds || group.targetIds.length === 0) return this.judge(name, seen, now)
    const registered = seen.filter((target) => target.reason !== 'Target.NotRegistered')
    if (registered.length === 0 && context.split.permille === 0) {
      return {
        status: 'pass',
        detail: `${name}: ${seen.length} targets not registered yet (green carries no traffic)`
      }
    }
    if (registered.length === 0 && context.phase === 'converge') {
      // ELB's reads are eventually consistent: the run's RegisterTargets may not show yet.
      const waited = this.unregisteredSince.waited(group.arn, now)
      if (waited < this.deps.settings.healthTimeoutMs) {
        return {
          status: 'pending',
          detail:
            `${name}: none of ${seen.length} targets shows as registered yet (ELB's reads ` +
            `can lag a registration); waiting ${seconds(waited)} of health-timeout ` +
            seconds(this.deps.settings.healthTimeoutMs)
        }
      }
    } else this.unregisteredSince.stop(group.arn)
    const later = seen.length - registered.length
    const result = this.judge(name, registered, now)
    return later === 0
      ? result
      : { ...result, detail: `${result.detail}; ${later} not registered yet` }
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

  private async describe(group: TargetGroupRef, signal?: AbortSignal): Promise<Seen[]> {
    const elbv2 = this.deps.clients.get(ElasticLoadBalancingV2Client)
    const descriptions = await describeTargetHealth(elbv2, group.arn, signal, group.targetIds)
    return descriptions.map((description) => toSeen(group.arn, description))
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
function groupName(group: TargetGroupRef): string {
  return /:targetgroup\/([^/]+)\//.exec(group.arn)?.[1] ?? group.arn
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`
}

function fail(detail: string): GateResult {
  return { status: 'fail', detail }
}
