/**
 * Metric alarms evaluated from the sandbox's datapoints, as CloudWatch documents it ("Alarm
 * evaluation", "Configuring how CloudWatch alarms treat missing data"): every minute the alarm
 * reads the last few periods (its evaluation range, a little longer than EvaluationPeriods so a
 * late datapoint does not count as missing) and
 * - with at least EvaluationPeriods (N) real datapoints, judges the newest N: ALARM when at
 *   least DatapointsToAlarm (M) of them breach, else OK;
 * - with none, follows TreatMissingData: missing → INSUFFICIENT_DATA, breaching → ALARM,
 *   notBreaching → OK, ignore → unchanged;
 * - with some, fills the gap as TreatMissingData says (breaching / notBreaching), judges the
 *   real ones alone with M capped at their number (missing), or changes only on clear evidence
 *   (ignore: ALARM at M breaching, OK with none breaching, else unchanged).
 * A percentile alarm with EvaluateLowSampleCountPercentile = ignore keeps its state while a
 * datapoint has fewer than 10 / (1 − p) samples. Only single-metric alarms on a metric the
 * sandbox has published are evaluated; the others stay where SetAlarmState puts them.
 */
import { type Statistic, parseStatistic, statisticValue } from '../metrics/statistics.js'
import type { MetricStore } from '../metrics/store.js'
import type { AlarmStateValue } from './alarm-rule.js'
import type { Json } from './json-input.js'
import type { Alarm } from './model.js'

/** Periods read beyond EvaluationPeriods (AWS does not publish its number). */
export const EVALUATION_RANGE_EXTRA = 2

const COMPARE: Record<string, [(value: number, threshold: number) => boolean, string]> = {
  GreaterThanOrEqualToThreshold: [(v, t) => v >= t, 'greater than or equal to'],
  GreaterThanThreshold: [(v, t) => v > t, 'greater than'],
  LessThanThreshold: [(v, t) => v < t, 'less than'],
  LessThanOrEqualToThreshold: [(v, t) => v <= t, 'less than or equal to']
}

export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching'

export interface EvaluatedDatapoint {
  at: number
  value: number
  sampleCount: number
}

export interface AlarmRule {
  evaluationPeriods: number
  datapointsToAlarm: number
  threshold: number
  comparison: keyof typeof COMPARE
  treatMissingData: TreatMissingData
  /** For percentile alarms with EvaluateLowSampleCountPercentile = ignore: fewest samples. */
  minimumSamples?: number
}

export interface Decision {
  state: AlarmStateValue
  /** The real datapoints judged, newest first. */
  evaluated: EvaluatedDatapoint[]
  breaching: number
}

/** The state for the evaluation range's datapoints (newest first; undefined = missing). */
export function decideAlarmState(
  range: readonly (EvaluatedDatapoint | undefined)[],
  rule: AlarmRule,
  current: AlarmStateValue
): Decision {
  const [breaches] = COMPARE[rule.comparison]
  const real = range.filter((point): point is EvaluatedDatapoint => point !== undefined)
  const evaluated = real.slice(0, rule.evaluationPeriods)
  const breaching = evaluated.filter((point) => breaches(point.value, rule.threshold)).length
  const decide = (state: AlarmStateValue): Decision => ({ state, evaluated, breaching })
  const m = rule.datapointsToAlarm
  if (
    rule.minimumSamples !== undefined &&
    evaluated.some((p) => p.sampleCount < rule.minimumSamples!)
  ) {
    return decide(current)
  }
  if (real.length >= rule.evaluationPeriods) return decide(breaching >= m ? 'ALARM' : 'OK')
  if (real.length === 0) {
    const empty = {
      missing: 'INSUFFICIENT_DATA',
      ignore: current,
      breaching: 'ALARM',
      notBreaching: 'OK'
    } as const
    return decide(empty[rule.treatMissingData])
  }
  const gap = rule.evaluationPeriods - real.length
  switch (rule.treatMissingData) {
    case 'breaching':
      return decide(breaching + gap >= m ? 'ALARM' : 'OK')
    case 'notBreaching':
      return decide(breaching >= m ? 'ALARM' : 'OK')
    case 'missing':
      return decide(breaching >= Math.min(m, real.length) ? 'ALARM' : 'OK')
    case 'ignore':
      return decide(breaching >= m ? 'ALARM' : breaching === 0 ? 'OK' : current)
  }
}

export interface Evaluation {
  state: AlarmStateValue
  reason: string
  reasonData: string
}

function format(at: number): string {
  const d = new Date(at)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
}

const number = (value: Json | undefined): number | undefined =>
  typeof value === 'number' ? value : undefined

/** The alarm's new state from the store, or undefined when the sandbox cannot evaluate it. */
export function evaluateMetricAlarm(
  alarm: Alarm,
  metrics: MetricStore,
  now: number
): Evaluation | undefined {
  const c = alarm.config
  if (
    alarm.kind !== 'metric' ||
    typeof c.MetricName !== 'string' ||
    typeof c.Namespace !== 'string'
  )
    return undefined
  const comparison = c.ComparisonOperator
  const period = number(c.Period)
  const threshold = number(c.Threshold)
  const n = number(c.EvaluationPeriods)
  if (
    typeof comparison !== 'string' ||
    !(comparison in COMPARE) ||
    !period ||
    threshold === undefined ||
    !n
  ) {
    return undefined
  }
  const statText = typeof c.Statistic === 'string' ? c.Statistic : c.ExtendedStatistic
  const parsed = typeof statText === 'string' ? parseStatistic(statText) : undefined
  if (!parsed?.ok) return undefined
  const dimensions = (Array.isArray(c.Dimensions) ? c.Dimensions : []).map((d) => {
    const { Name, Value } = d as { Name: string; Value: string }
    return { name: Name, value: Value }
  })
  const series = metrics.find({ namespace: c.Namespace, metricName: c.MetricName, dimensions })
  if (!series) return undefined
  const statistic: Statistic = parsed.statistic
  const rule: AlarmRule = {
    evaluationPeriods: n,
    datapointsToAlarm: number(c.DatapointsToAlarm) ?? n,
    threshold,
    comparison: comparison as AlarmRule['comparison'],
    treatMissingData: (c.TreatMissingData as TreatMissingData | undefined) ?? 'missing',
    minimumSamples:
      statistic.kind === 'percentile' && c.EvaluateLowSampleCountPercentile === 'ignore'
        ? 10 / (1 - statistic.percentile / 100)
        : undefined
  }
  const periodMs = metrics.scaled(Math.max(60, period))
  const end = Math.floor(now / periodMs) * periodMs
  const unitMatches = typeof c.Unit !== 'string' || c.Unit === series.unit
  const range: (EvaluatedDatapoint | undefined)[] = []
  for (let k = 1; k <= n + EVALUATION_RANGE_EXTRA; k += 1) {
    const at = end - k * periodMs
    const aggregate = unitMatches ? metrics.aggregate(series, at, at + periodMs, now) : undefined
    const value = aggregate && statisticValue(aggregate, statistic)
    range.push(value === undefined ? undefined : { at, value, sampleCount: aggregate!.sampleCount })
  }
  const decision = decideAlarmState(range, rule, alarm.state)
  const [, phrase] = COMPARE[comparison]
  const listed = decision.evaluated.map((p) => `${p.value} (${format(p.at)})`).join(', ')
  const plural = rule.datapointsToAlarm === 1 ? 'datapoint' : 'datapoints'
  const reason =
    decision.evaluated.length === 0
      ? `Insufficient Data: no datapoints in the last ${range.length} periods (missing data treated as ${rule.treatMissingData}).`
      : `Threshold Crossed: ${decision.breaching} out of the last ${decision.evaluated.length} datapoints [${listed}] ${decision.breaching === 1 ? 'was' : 'were'} ${phrase} the threshold (${threshold}) (minimum ${rule.datapointsToAlarm} ${plural} for ${decision.state === 'ALARM' ? 'OK -> ALARM' : 'ALARM -> OK'} transition).`
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: new Date(now).toISOString(),
    startDate: new Date(end - range.length * periodMs).toISOString(),
    statistic: statText,
    period,
    recentDatapoints: decision.evaluated.map((p) => p.value),
    threshold,
    evaluatedDatapoints: decision.evaluated.map((p) => ({
      timestamp: new Date(p.at).toISOString(),
      sampleCount: p.sampleCount,
      value: p.value
    }))
  })
  return { state: decision.state, reason, reasonData }
}
