/**
 * Gate `traffic-split` in mode `dns`: when blue's and green's records alias two Application Load
 * Balancers, each side's traffic is its load balancer's RequestCount, and its share over the
 * minutes since the change must agree with the applied Route 53 weights (the same binomial test
 * as the ALB modes). The load balancers' own 5XX are watched by the ALB variant's gate, which
 * this one wraps.
 */
import { type SplitOptions, sumSeries } from '../analysis/index.js'
import type { MetricScope, Side, Sides } from '../backends/sides.js'
import { metricId, type MetricRequest, publishedMinutes, readMetrics } from './alb-metrics.js'
import type { Gate, GateContext, GateDeps, GateResult } from './gate.js'
import { StepSplitJudge } from './split-judge.js'
import type { TrafficSplitSettings } from './traffic-split.js'
import { worstOf } from './verdicts.js'

type SideName = 'blue' | 'green'
type Scopes = Record<SideName, MetricScope[]>

/** Each side's load balancer scopes, when both have their own (none shared between them). */
export function loadBalancerScopes(sides: Sides): Scopes | undefined {
  const lbs = (side: Side) => side.loadBalancers ?? []
  const blueArns = new Set(lbs(sides.blue).map((lb) => lb.arn))
  if (lbs(sides.green).some((lb) => blueArns.has(lb.arn))) return undefined
  const blue = lbs(sides.blue).flatMap((lb) => lb.metrics)
  const green = lbs(sides.green).flatMap((lb) => lb.metrics)
  return blue.length > 0 && green.length > 0 ? { blue, green } : undefined
}

/** The longest a resolver may keep an answer of either side (0 when no TTL is known). */
export function longestTtlMs(sides: Sides): number {
  const records = [...sides.blue.records, ...sides.green.records]
  return Math.max(0, ...records.map((record) => record.ttlSeconds ?? 0)) * 1000
}

/**
 * The dns variant: `elb5xx` is the ALB variant's gate watching the load balancers' own 5XX
 * (undefined when no load balancer is known). Without a load balancer of its own on each side
 * there is no split to judge, and only the 5XX watch (or nothing) is left.
 */
export function createDnsSplit(
  settings: TrafficSplitSettings,
  deps: GateDeps,
  elb5xx: Gate | undefined,
  options: Required<SplitOptions>
): Gate | undefined {
  const scopes = loadBalancerScopes(deps.sides)
  if (!scopes) {
    deps.logger.info(
      (elb5xx
        ? 'traffic-split watches only the load balancer 5XX'
        : 'traffic-split does not apply') +
        ': blue and green do not each alias an Application Load Balancer of their own, so ' +
        'CloudWatch has no request count per side'
    )
    return elb5xx
  }
  // Both sides alias a load balancer, so the 5XX watch exists: sides.loadBalancers holds them.
  return new DnsSplitGate(settings, deps, scopes, elb5xx!, options)
}

class DnsSplitGate implements Gate {
  readonly name = 'traffic-split'
  readonly intervalMs: number
  readonly checkTimeoutMs: number
  private readonly ttlMs: number
  private readonly judge: StepSplitJudge

  constructor(
    private readonly settings: TrafficSplitSettings,
    private readonly deps: GateDeps,
    private readonly scopes: Scopes,
    private readonly elb5xx: Gate,
    options: Required<SplitOptions>
  ) {
    this.intervalMs = elb5xx.intervalMs
    this.checkTimeoutMs = elb5xx.checkTimeoutMs
    this.ttlMs = longestTtlMs(deps.sides)
    this.judge = new StepSplitJudge(settings.action, deps.logger, options, {
      pendingWindow: `starting one TTL (${this.ttlMs / 1000}s) after the change`,
      judgedWindow: 'starting one TTL after the change',
      countedAs: " (RequestCount of each side's load balancer)",
      causes:
        `resolvers caching the old answer past the record's TTL (${this.ttlMs / 1000}s), clients ` +
        'keeping connections open to the load balancer they resolved first (keep-alive, ' +
        'connection pools), or other names or clients reaching the same load balancer (its ' +
        'RequestCount counts them all)'
    })
  }

  /** The 5XX watch's baseline read refuses a role without cloudwatch:GetMetricData. */
  async inspect(signal?: AbortSignal): Promise<void> {
    await this.elb5xx.inspect?.(signal)
  }

  async check(context: GateContext): Promise<GateResult> {
    const elb5xx = await this.elb5xx.check(context)
    // The split holds only once the step has converged: judged while it bakes.
    const result =
      context.phase === 'bake' ? worstOf([await this.checkSplit(context), elb5xx]) : elb5xx
    // The step's judged share stays on its later verdicts too, for the report.
    const observation = this.judge.observation(context.since)
    return observation ? { ...result, observation } : result
  }

  private async checkSplit(context: GateContext): Promise<GateResult> {
    if (!this.judge.needsCounts(context.since)) return this.judge.judge(context)
    // Resolvers keep the old answer for up to a TTL: only minutes starting after it count.
    const window = publishedMinutes(
      context.since + this.ttlMs,
      this.deps.clock.now(),
      this.settings.minuteMs
    )
    const series = await readMetrics(this.deps.clients, this.requests(), window, context.signal)
    const perMinute = (side: SideName) => {
      const ids = this.scopes[side].map((_, i) => metricId(side, i, 'RequestCount'))
      const sums = sumSeries(ids.map((id) => series.get(id)!))
      return window.minutes.map((at) => sums.get(at) ?? 0)
    }
    return this.judge.judge(context, { window, blue: perMinute('blue'), green: perMinute('green') })
  }

  private requests(): MetricRequest[] {
    return (['blue', 'green'] as const).flatMap((side) =>
      this.scopes[side].map((scope, i) => ({
        id: metricId(side, i, 'RequestCount'),
        scope,
        metricName: 'RequestCount',
        stat: 'Sum'
      }))
    )
  }
}
