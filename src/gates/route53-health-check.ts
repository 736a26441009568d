import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  type HealthCheckObservation,
  Route53Client
} from '@aws-sdk/client-route-53'
import { awsCall } from '../aws/call.js'
import { AwsCallError, InputError, TopologyError } from '../errors.js'
import { optional, parseList } from '../inputs.js'
import type { Gate, GateContext, GateDefinition, GateDeps, GateResult } from './gate.js'
import { checkTimeoutFor, WaitingSince, worstOf } from './verdicts.js'

export interface Route53HealthCheckSettings {
  healthCheckIds: string[]
}

/**
 * GetHealthCheckStatus allows 1 request/s per account (burst 4): calls are spaced this far
 * apart, and every id is asked at most once per interval, so the gate alone stays under it.
 */
export const CALL_SPACING_MS = 1100
/** Each id costs a call spaced by CALL_SPACING_MS; a longer list would stretch every check. */
export const MAX_HEALTH_CHECKS = 10
/** Route 53 calls an endpoint healthy when more than 18 % of its checkers report it healthy. */
export const HEALTHY_SHARE = 0.18
/** The types whose checkers' observations GetHealthCheckStatus returns: endpoint checks. */
export const READABLE_TYPES = ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP']
const HEALTH_CHECK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const route53HealthCheck: GateDefinition<Route53HealthCheckSettings> = {
  name: 'route53-health-check',
  inputs: ['route53-health-checks'],
  readInputs(read) {
    const raw = optional(read, 'route53-health-checks')
    const listed = parseList(raw)
    if (listed.length === 0) return undefined
    const bad = listed.find((id) => !HEALTH_CHECK_ID.test(id))
    if (bad !== undefined) {
      throw new InputError(
        'route53-health-checks',
        bad,
        'Route 53 health check ids such as 7d0b4f5c-8a1e-4b8e-9d3a-0c6f2e1a9b77, comma separated'
      )
    }
    const ids = [...new Set(listed.map((id) => id.toLowerCase()))]
    if (ids.length > MAX_HEALTH_CHECKS) {
      throw new InputError(
        'route53-health-checks',
        raw,
        `at most ${MAX_HEALTH_CHECKS} health check ids`
      )
    }
    return { healthCheckIds: ids }
  },
  create(settings, deps) {
    return new Route53HealthCheckGate(settings, deps)
  }
}

/**
 * Route 53 endpoint health checks (on green's endpoints) must report healthy: more
 * than 18 % of the checkers' latest observations start with "Success", as Route 53 itself
 * decides. No observations yet is pending, until health-timeout.
 */
class Route53HealthCheckGate implements Gate {
  readonly name = 'route53-health-check'
  readonly intervalMs: number
  readonly checkTimeoutMs: number
  private lastCallAt = -Infinity
  /** When each id was first seen without observations. */
  private readonly waitingSince = new WaitingSince()

  constructor(
    private readonly settings: Route53HealthCheckSettings,
    private readonly deps: GateDeps
  ) {
    this.intervalMs = Math.max(
      deps.settings.checkIntervalMs,
      settings.healthCheckIds.length * CALL_SPACING_MS
    )
    this.checkTimeoutMs = checkTimeoutFor(this.intervalMs)
  }

  /**
   * Each id must name an endpoint check: GetHealthCheckStatus cannot read a calculated one (nor
   * one that follows a CloudWatch alarm), whose status CloudWatch's HealthCheckStatus metric has.
   */
  async inspect(signal?: AbortSignal): Promise<void> {
    for (const id of this.settings.healthCheckIds) {
      const type = await this.typeOf(id, signal)
      if (READABLE_TYPES.includes(type)) continue
      throw new TopologyError(
        'route53-health-checks',
        id,
        `a ${type} health check, whose status GetHealthCheckStatus cannot read`,
        `an endpoint health check (${READABLE_TYPES.join(', ')}); for this one, give a CloudWatch ` +
          `alarm on the metric AWS/Route53 HealthCheckStatus (dimension HealthCheckId=${id}) in alarms`
      )
    }
  }

  private async typeOf(id: string, signal?: AbortSignal): Promise<string> {
    const command = new GetHealthCheckCommand({ HealthCheckId: id })
    try {
      const output = await awsCall(
        'GetHealthCheck',
        id,
        () => this.deps.clients.get(Route53Client).send(command, { abortSignal: signal }),
        signal
      )
      return output.HealthCheck?.HealthCheckConfig?.Type ?? 'unknown'
    } catch (error) {
      if (error instanceof AwsCallError && (error.cause as Error)?.name === 'NoSuchHealthCheck') {
        throw new TopologyError(
          'route53-health-checks',
          id,
          'no health check with this id',
          'the id of a Route 53 health check in this account'
        )
      }
      throw error
    }
  }

  async check(context: GateContext): Promise<GateResult> {
    const verdicts: GateResult[] = []
    // One at a time, spaced: parallel calls would burst past the 1/s limit.
    for (const id of this.settings.healthCheckIds) {
      const observations = await this.status(id, context.signal)
      verdicts.push(this.judge(id, observations))
    }
    return worstOf(verdicts)
  }

  /** One health check's verdict from its checkers' observations. */
  private judge(id: string, observations: HealthCheckObservation[]): GateResult {
    const now = this.deps.clock.now()
    if (observations.length === 0) {
      const waited = this.waitingSince.waited(id, now)
      return waited >= this.deps.settings.healthTimeoutMs
        ? {
            status: 'fail',
            detail: `${id}: no checker has reported after ${waited / 1000}s (health-timeout)`
          }
        : { status: 'pending', detail: `${id}: no checker has reported yet` }
    }
    this.waitingSince.stop(id)
    const reports = observations.map((observation) => observation.StatusReport?.Status ?? '')
    const healthy = reports.filter((report) => report.startsWith('Success')).length
    const summary = `${id}: ${healthy}/${reports.length} checkers report Success`
    if (healthy / reports.length > HEALTHY_SHARE) return { status: 'pass', detail: summary }
    const failure = reports.find((report) => !report.startsWith('Success')) || 'no status'
    return {
      status: 'fail',
      detail: `${summary} (Route 53 needs more than ${HEALTHY_SHARE * 100}%): ${failure}`
    }
  }

  private async status(id: string, signal?: AbortSignal): Promise<HealthCheckObservation[]> {
    const wait = this.lastCallAt + CALL_SPACING_MS - this.deps.clock.now()
    if (wait > 0) await this.deps.clock.sleep(wait, signal)
    this.lastCallAt = this.deps.clock.now()
    const command = new GetHealthCheckStatusCommand({ HealthCheckId: id })
    const output = await awsCall(
      'GetHealthCheckStatus',
      id,
      () => this.deps.clients.get(Route53Client).send(command, { abortSignal: signal }),
      signal
    )
    return output.HealthCheckObservations ?? []
  }
}
