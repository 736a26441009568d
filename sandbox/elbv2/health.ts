/**
 * Real health checks: every target of a group that a listener or rule forwards to gets an HTTP GET
 * on the group's path every interval, and moves initial → healthy / unhealthy by the group's
 * thresholds and matcher. Targets of unused groups are `unused` (Target.NotInUse); deregistered
 * targets drain for the deregistration delay. All waits are AWS seconds × the time scale.
 */
import { EventEmitter } from 'node:events'
import http from 'node:http'
import type { Scheduler } from '../scheduler.js'
import {
  type ElbModel,
  type Target,
  type TargetGroup,
  type TargetState,
  targetKey
} from './model.js'

export interface TargetAddress {
  host: string
  port: number
}

/** Where a target really listens (ip targets: Id:port; instances: the admin mapping). */
export type AddressResolver = (
  group: TargetGroup,
  id: string,
  port: number
) => TargetAddress | undefined

type ProbeResult =
  | { ok: true }
  | { ok: false; reason: 'Target.ResponseCodeMismatch'; code: number }
  | { ok: false; reason: 'Target.Timeout' | 'Target.FailedHealthChecks' }

/** A target by Id, or by Id and port. */
export type TargetRef = string | { id: string; port: number }

export interface Transition {
  targetGroupArn: string
  id: string
  port: number
  /** undefined once the target is gone (drained or removed). */
  state: TargetState | undefined
  reason?: string
}

const DESCRIPTIONS: Record<string, string> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checking in progress',
  'Target.Timeout': 'Request timed out',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.NotInUse': 'Target group is not configured to receive traffic from the load balancer',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.HealthCheckDisabled': 'Health checks disabled'
}

/** '200', '200,202', '200-299' → does the code match? */
export function matcherAccepts(matcher: string, code: number): boolean {
  return matcher.split(',').some((part) => {
    const [low, high] = part.trim().split('-').map(Number)
    return high === undefined ? code === low : code >= low && code <= high
  })
}

export class HealthChecker extends EventEmitter {
  /** Pending timers (next check or end of draining) per target, by `group|id:port`. */
  private readonly pending = new Map<string, () => void>()
  private readonly inflight = new Set<http.ClientRequest>()

  constructor(
    private readonly model: ElbModel,
    private readonly scheduler: Scheduler,
    private readonly resolve: AddressResolver
  ) {
    super()
  }

  register(group: TargetGroup, id: string, port: number): void {
    const key = targetKey(id, port)
    const existing = group.targets.get(key)
    if (existing && existing.state !== 'draining') return
    const target: Target = existing ?? {
      id,
      port,
      state: 'unused',
      passes: 0,
      failures: 0,
      generation: 0
    }
    group.targets.set(key, target)
    if (this.model.isInUse(group.arn)) this.activate(group, target)
    else this.setUnused(group, target)
  }

  /** Deregistering a target that is not registered succeeds and does nothing, as on AWS. */
  deregister(group: TargetGroup, id: string, port: number): void {
    const key = targetKey(id, port)
    const target = group.targets.get(key)
    if (!target || target.state === 'draining') return
    this.cancel(group, target)
    target.generation += 1
    const delaySeconds = Number(group.attributes.get('deregistration_delay.timeout_seconds') ?? 300)
    if (target.state === 'unused' || delaySeconds === 0) {
      this.remove(group, target)
      return
    }
    this.setState(group, target, 'draining', 'Target.DeregistrationInProgress')
    const generation = target.generation
    this.pending.set(
      this.slot(group, target),
      this.scheduler.after(this.scheduler.scaled(delaySeconds), () => {
        this.pending.delete(this.slot(group, target))
        if (target.generation === generation) this.remove(group, target)
      })
    )
  }

  /** Re-derives every target's state after listeners, rules or health settings changed. */
  refresh(): void {
    for (const group of this.model.targetGroups.values()) {
      const used = this.model.isInUse(group.arn)
      for (const target of group.targets.values()) {
        if (target.state === 'draining') continue
        if (!used) {
          if (target.state !== 'unused') this.setUnused(group, target)
        } else if (target.state === 'unused') {
          this.activate(group, target)
        } else if (group.healthCheck.enabled !== (target.state !== 'unavailable')) {
          this.activate(group, target)
        }
      }
    }
  }

  /** Stops every timer of a group being deleted. */
  forget(group: TargetGroup): void {
    for (const target of group.targets.values()) this.cancel(group, target)
  }

  /**
   * Resolves when the target reaches `state` (undefined: gone); rejects after timeoutMs. Name the
   * port too when several targets share an Id (ip targets on 127.0.0.1).
   */
  waitFor(
    targetGroupArn: string,
    target: TargetRef,
    state: TargetState | undefined,
    timeoutMs = 10_000
  ): Promise<void> {
    const { id, port } = typeof target === 'string' ? { id: target, port: undefined } : target
    const matches = (t: { id: string; port: number }): boolean =>
      t.id === id && (port === undefined || t.port === port)
    const current = (): TargetState | undefined => {
      const group = this.model.targetGroups.get(targetGroupArn)
      return [...(group?.targets.values() ?? [])].find(matches)?.state
    }
    if (current() === state) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const onTransition = (transition: Transition): void => {
        if (transition.targetGroupArn !== targetGroupArn || !matches(transition)) return
        if (transition.state !== state) return
        cancel()
        this.off('transition', onTransition)
        resolve()
      }
      const cancel = this.scheduler.after(timeoutMs, () => {
        this.off('transition', onTransition)
        const where = port === undefined ? id : `${id}:${port}`
        reject(
          new Error(
            `Target ${where} did not become ${state ?? 'deregistered'} within ${timeoutMs} ms (now ${current() ?? 'deregistered'})`
          )
        )
      })
      this.on('transition', onTransition)
    })
  }

  close(): void {
    for (const cancel of this.pending.values()) cancel()
    this.pending.clear()
    for (const req of this.inflight) req.destroy()
    this.inflight.clear()
    this.removeAllListeners()
  }

  private slot(group: TargetGroup, target: Target): string {
    return `${group.arn}|${targetKey(target.id, target.port)}`
  }

  private cancel(group: TargetGroup, target: Target): void {
    const slot = this.slot(group, target)
    this.pending.get(slot)?.()
    this.pending.delete(slot)
  }

  private remove(group: TargetGroup, target: Target): void {
    group.targets.delete(targetKey(target.id, target.port))
    this.emit('transition', {
      targetGroupArn: group.arn,
      id: target.id,
      port: target.port,
      state: undefined
    } satisfies Transition)
  }

  private setState(
    group: TargetGroup,
    target: Target,
    state: TargetState,
    reason?: string,
    description?: string
  ): void {
    const changed = target.state !== state || target.reason !== reason
    target.state = state
    target.reason = reason
    target.description = reason ? (description ?? DESCRIPTIONS[reason]) : undefined
    if (changed) {
      this.emit('transition', {
        targetGroupArn: group.arn,
        id: target.id,
        port: target.port,
        state,
        reason
      } satisfies Transition)
    }
  }

  private setUnused(group: TargetGroup, target: Target): void {
    this.cancel(group, target)
    target.generation += 1
    this.setState(group, target, 'unused', 'Target.NotInUse')
  }

  /** (Re)starts health checking from `initial`, the way a fresh registration does. */
  private activate(group: TargetGroup, target: Target): void {
    this.cancel(group, target)
    target.generation += 1
    target.passes = 0
    target.failures = 0
    if (!group.healthCheck.enabled) {
      this.setState(group, target, 'unavailable', 'Target.HealthCheckDisabled')
      return
    }
    this.setState(group, target, 'initial', 'Elb.RegistrationInProgress')
    this.schedule(group, target)
  }

  private schedule(group: TargetGroup, target: Target): void {
    const generation = target.generation
    const slot = this.slot(group, target)
    this.pending.set(
      slot,
      this.scheduler.after(this.scheduler.scaled(group.healthCheck.intervalSeconds), () => {
        this.pending.delete(slot)
        void this.check(group, target, generation)
      })
    )
  }

  private async check(group: TargetGroup, target: Target, generation: number): Promise<void> {
    const result = await this.probe(group, target)
    if (target.generation !== generation || this.scheduler.isClosed) return
    this.apply(group, target, result)
    this.schedule(group, target)
  }

  private apply(group: TargetGroup, target: Target, result: ProbeResult): void {
    const { healthyThreshold, unhealthyThreshold } = group.healthCheck
    if (result.ok) {
      target.failures = 0
      target.passes += 1
      // One passing check brings a new target in service; an unhealthy one needs the threshold.
      if (
        target.state === 'initial' ||
        (target.state === 'unhealthy' && target.passes >= healthyThreshold)
      ) {
        this.setState(group, target, 'healthy')
      }
      return
    }
    target.passes = 0
    target.failures += 1
    const description =
      result.reason === 'Target.ResponseCodeMismatch'
        ? `Health checks failed with these codes: [${result.code}]`
        : undefined
    if (target.state === 'unhealthy' || target.failures >= unhealthyThreshold) {
      this.setState(group, target, 'unhealthy', result.reason, description)
    } else if (target.state === 'initial') {
      this.setState(group, target, 'initial', 'Elb.InitialHealthChecking')
    }
  }

  private probe(group: TargetGroup, target: Target): Promise<ProbeResult> {
    const settings = group.healthCheck
    const port = settings.port === 'traffic-port' ? target.port : Number(settings.port)
    const address = this.resolve(group, target.id, port)
    if (!address) return Promise.resolve({ ok: false, reason: 'Target.FailedHealthChecks' })
    return new Promise((resolve) => {
      // A fresh connection per check, closed after it, as ALB does.
      const req = http.request({
        host: address.host,
        port: address.port,
        path: settings.path,
        method: 'GET',
        agent: false,
        headers: { 'user-agent': 'ELB-HealthChecker/2.0', connection: 'close' }
      })
      let done = false
      const finish = (result: ProbeResult): void => {
        if (done) return
        done = true
        cancelTimeout()
        this.inflight.delete(req)
        req.destroy()
        resolve(result)
      }
      const cancelTimeout = this.scheduler.after(
        this.scheduler.scaled(settings.timeoutSeconds),
        () => finish({ ok: false, reason: 'Target.Timeout' })
      )
      this.inflight.add(req)
      req.on('response', (res) => {
        const code = res.statusCode ?? 0
        res.resume()
        finish(
          matcherAccepts(settings.matcher, code)
            ? { ok: true }
            : { ok: false, reason: 'Target.ResponseCodeMismatch', code }
        )
      })
      req.on('error', () => finish({ ok: false, reason: 'Target.FailedHealthChecks' }))
      req.end()
    })
  }
}
