/**
 * Gate `canary-analysis`: is green worse than blue on the same minutes? Green's 5XX against
 * blue's with the anytime-valid error-rate martingale, and green's p99 TargetResponseTime against
 * blue's with the sequential sign test (src/analysis), both from ALB's own CloudWatch metrics.
 * Anytime-valid: it may look every minute of the run without inflating its false alarms.
 */
import {
  errorRateTest,
  type LatencyMinute,
  latencyTest,
  type MinutePair,
  pairMinutes,
  type Series,
  sumSeries
} from '../analysis/index.js'
import type { MetricScope, Side } from '../backends/sides.js'
import type { Evidence } from '../record.js'
import { AwsCallError, InputError } from '../errors.js'
import { optional, parseEnum, parseInteger, parseList } from '../inputs.js'
import {
  metricId,
  type MetricRequest,
  publishedMinutes,
  readMetricPeriod,
  readMetrics
} from './alb-metrics.js'
import { errorRateDetail, LATENCY_STAT, latencyDetail } from './canary-detail.js'
import { canaryObservation, evidence } from './canary-observation.js'
import type { Gate, GateContext, GateDefinition, GateDeps, GateResult } from './gate.js'
import { checkTimeoutFor, worstOf } from './verdicts.js'

export const CANARY_CHECKS = ['error-rate', 'latency'] as const
export type CanaryCheck = (typeof CANARY_CHECKS)[number]

export interface CanaryAnalysisSettings {
  /** The gate's false-fail probability over the whole run, shared by its checks. */
  alpha: number
  /** Green's p99 may be this much above blue's (0.1 = 10 %) before a minute counts as slower. */
  latencyTolerance: number
  /** Requests each side must carry before the gate may pass. */
  minRequests: number
  checks: CanaryCheck[]
  minuteMs: number
}

const ALPHA = /^0?\.\d+$/

export const canaryAnalysis: GateDefinition<CanaryAnalysisSettings> = {
  name: 'canary-analysis',
  inputs: [
    'canary-analysis',
    'canary-alpha',
    'canary-latency-tolerance',
    'canary-min-requests',
    'canary-checks',
    'metric-period'
  ],
  readInputs(read) {
    const on = optional(read, 'canary-analysis') || 'off'
    if (parseEnum('canary-analysis', on, ['on', 'off'] as const) === 'off') return undefined
    return {
      alpha: readAlpha(optional(read, 'canary-alpha') || '0.01'),
      latencyTolerance: readTolerance(optional(read, 'canary-latency-tolerance') || '10%'),
      minRequests: parseInteger(
        'canary-min-requests',
        optional(read, 'canary-min-requests') || '1000',
        1,
        100_000_000
      ),
      checks: readChecks(optional(read, 'canary-checks') || CANARY_CHECKS.join(',')),
      minuteMs: readMetricPeriod(read)
    }
  },
  create(settings, deps) {
    const blue = scopesOf(deps.sides.blue)
    const green = scopesOf(deps.sides.green)
    if (blue.length === 0 || green.length === 0) {
      deps.logger.info(
        'canary-analysis does not apply: CloudWatch has no ALB metrics of blue and green apart ' +
          `(mode ${deps.mode}: ${deps.mode === 'targets' ? 'one target group carries both' : 'no target group per side'})`
      )
      return undefined
    }
    return new CanaryAnalysisGate(settings, deps, { blue, green })
  }
}

function readAlpha(raw: string): number {
  const alpha = Number(raw)
  if (!ALPHA.test(raw) || !(alpha >= 0.0001 && alpha <= 0.2)) {
    throw new InputError('canary-alpha', raw, 'a probability from 0.0001 to 0.2, e.g. 0.01')
  }
  return alpha
}

function readTolerance(raw: string): number {
  const text = raw.replace(/%$/, '')
  if (!/^\d{1,4}(\.\d{1,2})?$/.test(text) || Number(text) > 1000) {
    throw new InputError('canary-latency-tolerance', raw, 'a percent from 0 to 1000, e.g. 10%')
  }
  return Number(text) / 100
}

function readChecks(raw: string): CanaryCheck[] {
  const checks = [...new Set(parseList(raw))]
  const bad = checks.find((check) => !(CANARY_CHECKS as readonly string[]).includes(check))
  if (bad !== undefined || checks.length === 0) {
    throw new InputError('canary-checks', raw, `one or more of ${CANARY_CHECKS.join(', ')}`)
  }
  return checks as CanaryCheck[]
}

function scopesOf(side: Side): MetricScope[] {
  return side.targetGroups.flatMap((group) => group.metrics)
}

const SIDES = ['blue', 'green'] as const
type SideName = (typeof SIDES)[number]
const REQUESTS = 'RequestCount'
const ERRORS = 'HTTPCode_Target_5XX_Count'
const LATENCY = 'TargetResponseTime'

class CanaryAnalysisGate implements Gate {
  readonly name = 'canary-analysis'
  readonly intervalMs: number
  readonly checkTimeoutMs: number
  /** When green first took traffic in this run: the analysis covers every minute since. */
  private greenSince: number | undefined

  constructor(
    private readonly settings: CanaryAnalysisSettings,
    private readonly deps: GateDeps,
    private readonly scopes: Record<SideName, MetricScope[]>
  ) {
    // CloudWatch changes once a minute: asking much more often only costs requests.
    this.intervalMs = Math.max(deps.settings.checkIntervalMs, settings.minuteMs / 6)
    this.checkTimeoutMs = checkTimeoutFor(this.intervalMs)
  }

  /** One read before the first write: a role without cloudwatch:GetMetricData is refused now. */
  async inspect(signal?: AbortSignal): Promise<void> {
    const minute = this.settings.minuteMs
    const window = publishedMinutes(
      this.deps.clock.now() - 3 * minute,
      this.deps.clock.now(),
      minute
    )
    try {
      await readMetrics(this.deps.clients, this.requests(), window, signal)
    } catch (error) {
      if (!(error instanceof AwsCallError)) throw error
      throw new InputError(
        'canary-analysis',
        'on',
        `off, or a role allowed cloudwatch:GetMetricData (${error.message})`
      )
    }
  }

  async check(context: GateContext): Promise<GateResult> {
    if (this.greenSince === undefined && context.split.permille > 0) {
      this.greenSince = context.since
    }
    if (this.greenSince === undefined) {
      return { status: 'pass', detail: 'green takes no traffic yet: nothing to compare' }
    }
    // Both tests condition on each minute's own counts, so the minute green joined counts too.
    const minuteMs = this.settings.minuteMs
    const window = publishedMinutes(this.greenSince, this.deps.clock.now(), minuteMs, true)
    const series = await readMetrics(this.deps.clients, this.requests(), window, context.signal)
    const paired = this.errorMinutes(series, window.minutes)
    const latency = this.settings.checks.includes('latency')
      ? this.latencyMinutes(series, window.minutes)
      : undefined
    // Each check gets an equal share of α, so the gate's false-fail rate stays within α.
    const alpha = this.settings.alpha / this.settings.checks.length
    const checks = this.settings.checks.map((check) =>
      check === 'error-rate'
        ? this.errorRate(paired, window.minutes.length, alpha)
        : this.latency(latency!, alpha)
    )
    // The step's figures cover its own minutes, from the one its split took effect in.
    const stepStart = Math.floor(context.since / minuteMs) * minuteMs
    const observation = canaryObservation(
      { start: stepStart, end: window.end },
      paired,
      latency,
      checks.map((check) => check.evidence)
    )
    return { ...worstOf(checks.map((check) => check.result)), observation }
  }

  private requests(): MetricRequest[] {
    const metrics = [REQUESTS, ERRORS]
    if (this.settings.checks.includes('latency')) metrics.push(LATENCY)
    return SIDES.flatMap((side) =>
      this.scopes[side].flatMap((scope, i) =>
        metrics.map((metricName) => ({
          id: metricId(side, i, metricName),
          scope,
          metricName,
          stat: metricName === LATENCY ? LATENCY_STAT : 'Sum'
        }))
      )
    )
  }

  private seriesOf(series: Map<string, Series>, side: SideName, metricName: string): Series[] {
    return this.scopes[side].map((_, i) => series.get(metricId(side, i, metricName))!)
  }

  private errorMinutes(series: Map<string, Series>, minutes: number[]): MinutePair[] {
    const side = (name: SideName) => ({
      requests: this.seriesOf(series, name, REQUESTS),
      errors: this.seriesOf(series, name, ERRORS)
    })
    return pairMinutes(side('blue'), side('green'), minutes)
  }

  private latencyMinutes(series: Map<string, Series>, minutes: number[]): LatencyMinute[] {
    const perMinute = (side: SideName) => {
      const requests = this.seriesOf(series, side, REQUESTS).map((one) => sumSeries([one]))
      const p99 = this.seriesOf(series, side, LATENCY).map((one) => sumSeries([one]))
      return (at: number) => percentileAt(at, requests, p99)
    }
    const blue = perMinute('blue')
    const green = perMinute('green')
    return minutes.map((at) => ({ at, blue: blue(at), green: green(at) }))
  }

  private errorRate(paired: MinutePair[], minuteCount: number, alpha: number): CheckOutcome {
    const verdict = errorRateTest(paired, { alpha, minRequests: this.settings.minRequests })
    return {
      result: { status: verdict.status, detail: errorRateDetail(verdict, minuteCount) },
      evidence: evidence('error-rate', verdict)
    }
  }

  private latency(paired: LatencyMinute[], alpha: number): CheckOutcome {
    const verdict = latencyTest(paired, {
      alpha,
      minRequests: this.settings.minRequests,
      relativeTolerance: this.settings.latencyTolerance
    })
    return {
      result: {
        status: verdict.status,
        detail: latencyDetail(verdict, this.settings.latencyTolerance)
      },
      evidence: evidence('latency', verdict)
    }
  }
}

interface CheckOutcome {
  result: GateResult
  evidence: Evidence
}

/**
 * A side's requests and p99 in one minute. Percentiles of several load balancers cannot be
 * merged exactly; their request-weighted mean is close when they carry alike traffic (a side
 * behind one load balancer, as in mode weighted-target-groups, is exact).
 */
function percentileAt(
  at: number,
  requests: Map<number, number>[],
  p99: Map<number, number>[]
): { requests: number; value?: number } {
  let total = 0
  let weighted = 0
  let weight = 0
  requests.forEach((counts, i) => {
    const n = counts.get(at) ?? 0
    total += n
    const value = p99[i].get(at)
    if (value !== undefined && n > 0) {
      weighted += value * n
      weight += n
    }
  })
  return weight > 0 ? { requests: total, value: weighted / weight } : { requests: total }
}
