/**
 * Gate `traffic-split`: did traffic really split as applied, and did the load balancer itself
 * fail requests? From the ALB's own CloudWatch counts (RequestCount per target group,
 * HTTPCode_ELB_5XX_Count per load balancer), so it needs nothing but cloudwatch:GetMetricData.
 */
import { type Series, sumSeries } from '../analysis/index.js'
import {
  loadBalancerDimension,
  type MetricScope,
  type Side,
  type Sides
} from '../backends/sides.js'
import { AwsCallError, InputError } from '../errors.js'
import { optional, parseEnum } from '../inputs.js'
import {
  metricId,
  type MetricRequest,
  publishedMinutes,
  readMetricPeriod,
  readMetrics
} from './alb-metrics.js'
import type { Gate, GateContext, GateDefinition, GateDeps, GateResult } from './gate.js'
import { createDnsSplit } from './traffic-split-dns.js'
import { minutesText, StepSplitJudge } from './split-judge.js'
import { checkTimeoutFor, worstOf } from './verdicts.js'

export interface TrafficSplitSettings {
  /** 'warn' logs a mismatch and passes; 'off' is no gate at all. */
  action: 'on' | 'warn'
  /** One CloudWatch minute on the run's clock (see readMetricPeriod). */
  minuteMs: number
}

/**
 * The split is judged once per step, at the first look whose complete minutes since the change
 * hold this many requests: one look, so SPLIT_ALPHA is the step's false-alarm rate, and before
 * that the gate passes (it is on by default and must never hold up a quiet service).
 */
export const SPLIT_MIN_REQUESTS = 1000
/** On by default: a false alarm must be rare (one step in a thousand). */
export const SPLIT_ALPHA = 0.001
/** A share off by less than two points is not worth failing a step for. */
export const SPLIT_MARGIN = 0.02
/** Minutes before the run that say how many 5XX the load balancer answers on a normal day. */
export const BASELINE_MINUTES = 10

export const trafficSplit: GateDefinition<TrafficSplitSettings> = {
  name: 'traffic-split',
  inputs: ['traffic-split', 'metric-period'],
  readInputs(read) {
    const raw = optional(read, 'traffic-split') || 'on'
    const action = parseEnum('traffic-split', raw, ['on', 'warn', 'off'] as const)
    const minuteMs = readMetricPeriod(read)
    return action === 'off' ? undefined : { action, minuteMs }
  },
  create(settings, deps) {
    const split = splitScopes(deps.sides)
    const loadBalancers = deps.sides.loadBalancers.filter((lb) => lb.metrics.length > 0)
    if (deps.mode === 'dns') {
      // Mode dns splits between load balancers, not target groups: traffic-split-dns.ts.
      const elb5xx =
        loadBalancers.length > 0
          ? new TrafficSplitGate(settings, deps, undefined, loadBalancers)
          : undefined
      const options = { alpha: SPLIT_ALPHA, margin: SPLIT_MARGIN, minRequests: SPLIT_MIN_REQUESTS }
      return createDnsSplit(settings, deps, elb5xx, options)
    }
    if (!split && loadBalancers.length === 0) {
      deps.logger.info(
        'traffic-split does not apply: neither side has its own ALB target group metrics and no ' +
          'Application Load Balancer carries the traffic'
      )
      return undefined
    }
    if (!split) {
      deps.logger.info(
        'traffic-split watches only the load balancer 5XX: blue and green share one target group, ' +
          'so CloudWatch has no count per side'
      )
    }
    return new TrafficSplitGate(settings, deps, split, loadBalancers)
  }
}

/** Each side's ALB metric scopes, when both sides have their own (not mode targets, not dns). */
function splitScopes(sides: Sides): { blue: MetricScope[]; green: MetricScope[] } | undefined {
  const scopes = (side: Side) => side.targetGroups.flatMap((group) => group.metrics)
  const blue = scopes(sides.blue)
  const green = scopes(sides.green)
  return blue.length > 0 && green.length > 0 ? { blue, green } : undefined
}

const minuteText = (at: number) => new Date(at).toISOString().slice(11, 16)

class TrafficSplitGate implements Gate {
  readonly name = 'traffic-split'
  readonly intervalMs: number
  readonly checkTimeoutMs: number
  /** Minutes before this start are the load balancer's baseline. */
  private readonly baselineEnd: number
  private readonly judge: StepSplitJudge

  constructor(
    private readonly settings: TrafficSplitSettings,
    private readonly deps: GateDeps,
    private readonly split: { blue: MetricScope[]; green: MetricScope[] } | undefined,
    private readonly loadBalancers: { arn: string; metrics: MetricScope[] }[]
  ) {
    // CloudWatch changes once a minute: asking much more often only costs requests.
    this.intervalMs = Math.max(deps.settings.checkIntervalMs, settings.minuteMs / 6)
    this.checkTimeoutMs = checkTimeoutFor(this.intervalMs)
    const minute = settings.minuteMs
    this.baselineEnd = Math.floor(deps.clock.now() / minute) * minute
    this.judge = new StepSplitJudge(
      settings.action,
      deps.logger,
      { alpha: SPLIT_ALPHA, margin: SPLIT_MARGIN, minRequests: SPLIT_MIN_REQUESTS },
      {
        pendingWindow: 'since the change',
        judgedWindow: 'since the change',
        countedAs: '',
        causes:
          'target group stickiness keeping clients on the group they had, or another listener ' +
          'rule or load balancer forwarding to the same target group (its RequestCount counts ' +
          "every rule's requests)"
      }
    )
  }

  /**
   * One read of the baseline before the first write: a role without cloudwatch:GetMetricData
   * (the gate is on by default) is refused now, not after traffic moved.
   */
  async inspect(signal?: AbortSignal): Promise<void> {
    const minute = this.settings.minuteMs
    const window = { start: this.baselineEnd - BASELINE_MINUTES * minute, end: this.baselineEnd }
    try {
      await readMetrics(this.deps.clients, this.requests(), window, signal)
    } catch (error) {
      if (!(error instanceof AwsCallError)) throw error
      throw new InputError(
        'traffic-split',
        this.settings.action,
        `off, or a role allowed cloudwatch:GetMetricData (${error.message})`
      )
    }
  }

  async check(context: GateContext): Promise<GateResult> {
    const minute = this.settings.minuteMs
    const now = this.deps.clock.now()
    // The minute of the change counts for 5XX: they may come from the change itself.
    const since = publishedMinutes(context.since, now, minute, true)
    const start = Math.min(since.start, this.baselineEnd - BASELINE_MINUTES * minute)
    const series = await readMetrics(
      this.deps.clients,
      this.requests(),
      { start, end: since.end },
      context.signal
    )
    // The split holds only once the step has converged: judged while it bakes.
    const split = this.split && context.phase === 'bake' ? [this.checkSplit(series, context)] : []
    const result = worstOf([...split, this.checkElb5xx(series, since.minutes)])
    // The step's judged share stays on its later verdicts too (settling), for the report.
    const observation = this.judge.observation(context.since)
    return observation ? { ...result, observation } : result
  }

  private requests(): MetricRequest[] {
    const requests: MetricRequest[] = []
    const add = (side: string, scopes: MetricScope[], metricName: string) =>
      scopes.forEach((scope, i) =>
        requests.push({ id: metricId(side, i, metricName), scope, metricName, stat: 'Sum' })
      )
    if (this.split) {
      add('blue', this.split.blue, 'RequestCount')
      add('green', this.split.green, 'RequestCount')
    }
    add(
      'lb',
      this.loadBalancers.flatMap((lb) => lb.metrics),
      'HTTPCode_ELB_5XX_Count'
    )
    return requests
  }

  /**
   * The load balancer's own 5XX (no healthy target: 503; a target refusing or resetting: 502;
   * timing out: 504): a minute since the change with more of them than the worst minute of the
   * ten before the run fails. On a healthy load balancer that worst minute is 0, so one 503 fails.
   */
  private checkElb5xx(series: Map<string, Series>, minutes: number[]): GateResult {
    const minute = this.settings.minuteMs
    const lbs = this.loadBalancers.flatMap((lb) => lb.metrics)
    const counts = sumSeries(
      lbs.map((_, i) => series.get(metricId('lb', i, 'HTTPCode_ELB_5XX_Count'))!)
    )
    let baseline = 0
    for (
      let at = this.baselineEnd - BASELINE_MINUTES * minute;
      at < this.baselineEnd;
      at += minute
    ) {
      baseline = Math.max(baseline, counts.get(at) ?? 0)
    }
    const names = this.loadBalancers.map((lb) => loadBalancerDimension(lb.arn)).join(', ')
    const worse = minutes.filter((at) => (counts.get(at) ?? 0) > baseline)
    if (worse.length === 0) {
      return {
        status: 'pass',
        detail: `${names}: no load balancer 5XX above its worst minute before the run (${baseline}) in ${minutesText(minutes.length)} since the change`
      }
    }
    const shown = worse.map((at) => `${counts.get(at)} at ${minuteText(at)}`).join(', ')
    return {
      status: 'fail',
      detail:
        `${names} answered 5XX itself (HTTPCode_ELB_5XX_Count ${shown}; its worst minute in the ` +
        `${BASELINE_MINUTES} before the run: ${baseline}): no healthy target (503), a target ` +
        'refusing or resetting connections (502) or timing out (504)'
    }
  }

  private checkSplit(series: Map<string, Series>, context: GateContext): GateResult {
    if (!this.judge.needsCounts(context.since)) return this.judge.judge(context)
    const window = publishedMinutes(context.since, this.deps.clock.now(), this.settings.minuteMs)
    const perMinute = (side: 'blue' | 'green') => {
      const scopes = this.split![side]
      const sums = sumSeries(scopes.map((_, i) => series.get(metricId(side, i, 'RequestCount'))!))
      return window.minutes.map((at) => sums.get(at) ?? 0)
    }
    return this.judge.judge(context, { window, blue: perMinute('blue'), green: perMinute('green') })
  }
}
