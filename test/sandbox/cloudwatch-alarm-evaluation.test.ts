/**
 * The sandbox's metric store, statistics and alarm evaluation on exact datapoints: visibility
 * after the minute closes plus the publication delay, percentiles, and the alarm state for each
 * missing-data treatment (CloudWatch's documented rules).
 */
import { describe, expect, it } from '@jest/globals'
import {
  type AlarmRule,
  type EvaluatedDatapoint,
  decideAlarmState,
  evaluateMetricAlarm
} from '../../sandbox/cloudwatch/alarm-evaluation.js'
import type { AlarmStateValue } from '../../sandbox/cloudwatch/alarm-rule.js'
import { AlarmStore } from '../../sandbox/cloudwatch/model.js'
import { parseStatistic, statisticValue } from '../../sandbox/metrics/statistics.js'
import { MetricStore } from '../../sandbox/metrics/store.js'

const id = {
  namespace: 'AWS/ApplicationELB',
  metricName: 'HTTPCode_Target_5XX_Count',
  dimensions: [
    { name: 'TargetGroup', value: 'targetgroup/green/0123456789abcdef' },
    { name: 'LoadBalancer', value: 'app/shop/0123456789abcdef' }
  ]
}

describe('metric store', () => {
  it('shows a minute only once it has closed and the delay has passed', () => {
    const store = new MetricStore(1000)
    store.record(id, 'Count', 1, { at: 10_100, delayMs: 500 })
    store.record(id, 'Count', 1, { at: 10_900, delayMs: 500 })
    const series = store.find(id)!
    expect(store.aggregate(series, 10_000, 11_000, 11_499)).toBeUndefined()
    expect(store.listed(11_499)).toHaveLength(0)
    expect(store.aggregate(series, 10_000, 11_000, 11_500)).toMatchObject({
      sampleCount: 2,
      sum: 2
    })
    expect(store.listed(11_500)).toHaveLength(1)
    expect(store.lastVisibleMinuteStart(series, 11_500)).toBe(10_000)
  })

  it('names a series by its dimension set, in any order', () => {
    const store = new MetricStore(1000)
    store.record(id, 'Count', 1, { at: 0, delayMs: 0 })
    expect(store.find({ ...id, dimensions: [...id.dimensions].reverse() })).toBeDefined()
    expect(store.find({ ...id, dimensions: [id.dimensions[0]] })).toBeUndefined()
  })
})

describe('statistics', () => {
  it('computes the simple statistics and nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i + 1) / 100)
    const aggregate = { sampleCount: 100, sum: 50.5, minimum: 0.01, maximum: 1, values }
    const value = (text: string) => {
      const parsed = parseStatistic(text)
      if (!parsed.ok) throw new Error(text)
      return statisticValue(aggregate, parsed.statistic)
    }
    expect(value('Average')).toBeCloseTo(0.505, 12)
    expect(value('p99')).toBe(0.99)
    expect(value('p99.5')).toBe(1)
    expect(value('p50')).toBe(0.5)
    expect(value('SampleCount')).toBe(100)
    // A count metric keeps no values: every sample is 1, so is every percentile.
    expect(
      statisticValue(
        { sampleCount: 3, sum: 3, minimum: 1, maximum: 1 },
        { kind: 'percentile', percentile: 99 }
      )
    ).toBe(1)
    expect(parseStatistic('tm99')).toEqual({ ok: false, unsupported: true })
    expect(parseStatistic('p101')).toEqual({ ok: false, unsupported: false })
  })
})

describe('alarm state from the evaluation range', () => {
  const rule = (treatMissingData: AlarmRule['treatMissingData'], m = 3): AlarmRule => ({
    evaluationPeriods: 3,
    datapointsToAlarm: m,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData
  })
  // Newest first; X breaching, 0 not, - missing (as in CloudWatch's documentation).
  const range = (pattern: string): (EvaluatedDatapoint | undefined)[] =>
    [...pattern].map((c, i) =>
      c === '-' ? undefined : { at: i, value: c === 'X' ? 5 : 0, sampleCount: 1 }
    )
  const state = (
    pattern: string,
    treat: AlarmRule['treatMissingData'],
    current: AlarmStateValue = 'OK',
    m = 3
  ) => decideAlarmState(range(pattern), rule(treat, m), current).state

  it('judges the newest N real datapoints when there are enough, whatever the treatment', () => {
    for (const treat of ['missing', 'ignore', 'breaching', 'notBreaching'] as const) {
      expect(state('XXX--', treat)).toBe('ALARM')
      expect(state('X-XX-', treat)).toBe('ALARM') // an older real datapoint fills the gap
      expect(state('0XX--', treat)).toBe('OK')
    }
    expect(state('X0X--', 'missing', 'OK', 2)).toBe('ALARM') // 2 out of 3
  })

  it('follows TreatMissingData when every datapoint is missing', () => {
    expect(state('-----', 'missing')).toBe('INSUFFICIENT_DATA')
    expect(state('-----', 'breaching')).toBe('ALARM')
    expect(state('-----', 'notBreaching', 'ALARM')).toBe('OK')
    expect(state('-----', 'ignore', 'ALARM')).toBe('ALARM')
  })

  it('fills a partial range as the treatment says', () => {
    expect(state('--X--', 'breaching')).toBe('ALARM')
    expect(state('--0--', 'breaching')).toBe('OK')
    expect(state('--X--', 'notBreaching')).toBe('OK')
    expect(state('--X--', 'missing')).toBe('ALARM')
    expect(state('--0--', 'missing', 'ALARM')).toBe('OK')
    expect(state('--X--', 'ignore', 'OK')).toBe('OK')
    expect(state('--X--', 'ignore', 'ALARM')).toBe('ALARM')
    expect(state('--0--', 'ignore', 'ALARM')).toBe('OK')
  })

  it('keeps the state of a percentile alarm over too few samples when asked to', () => {
    const few = [{ at: 0, value: 9, sampleCount: 50 }]
    const lowSample = { ...rule('missing', 1), evaluationPeriods: 1, minimumSamples: 1000 }
    expect(decideAlarmState(few, lowSample, 'OK').state).toBe('OK')
    expect(decideAlarmState(few, { ...lowSample, minimumSamples: undefined }, 'OK').state).toBe(
      'ALARM'
    )
  })
})

describe('a metric alarm evaluated from the store', () => {
  it('reads the last complete periods and explains its state the way CloudWatch does', () => {
    const store = new MetricStore(60_000)
    const alarms = new AlarmStore()
    const alarm = alarms.put('metric', 'green-5xx', {
      Namespace: id.namespace,
      MetricName: id.metricName,
      Dimensions: id.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold'
    })
    expect(evaluateMetricAlarm(alarm, store, 0)).toBeUndefined() // no such metric yet
    const minute = Date.UTC(2026, 4, 12, 10, 15)
    for (let i = 0; i < 6; i += 1) store.record(id, 'Count', 1, { at: minute + i, delayMs: 30_000 })
    const evaluation = evaluateMetricAlarm(alarm, store, minute + 120_000)!
    expect(evaluation.state).toBe('ALARM')
    expect(evaluation.reason).toBe(
      'Threshold Crossed: 1 out of the last 1 datapoints [6 (12/05/26 10:15:00)] was greater than or equal to the threshold (5) (minimum 1 datapoint for OK -> ALARM transition).'
    )
    expect(JSON.parse(evaluation.reasonData)).toMatchObject({ period: 60, recentDatapoints: [6] })
    // Three periods on, nothing in range: missing data (the default) → INSUFFICIENT_DATA.
    expect(evaluateMetricAlarm(alarm, store, minute + 5 * 60_000)!.state).toBe('INSUFFICIENT_DATA')
  })
})
