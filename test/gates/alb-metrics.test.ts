import { beforeEach, describe, expect, it } from '@jest/globals'
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { createClients } from '../../src/aws/clients.js'
import { AwsCallError } from '../../src/errors.js'
import {
  MAX_QUERIES,
  metricId,
  type MetricRequest,
  publishedMinutes,
  readMetrics
} from '../../src/gates/alb-metrics.js'
import { FakeMetrics, MINUTE } from './metric-data.js'

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
const metrics = new FakeMetrics()
const clients = createClients('us-east-1')

function scope(group: string) {
  return {
    namespace: 'AWS/ApplicationELB',
    dimensions: [
      { name: 'LoadBalancer', value: 'app/shop/50dc6c495c0c9188' },
      { name: 'TargetGroup', value: `targetgroup/${group}/73e2d6bc24d8a067` }
    ]
  }
}

function request(group: string, metricName = 'RequestCount'): MetricRequest {
  return { id: metricId(group, 0, metricName), scope: scope(group), metricName, stat: 'Sum' }
}

beforeEach(() => metrics.reset())

describe('publishedMinutes', () => {
  it('holds the whole minutes after `from` that closed a minute ago or more', () => {
    // 12:00:10 → 12:06:30: 12:01 … 12:04 (12:05 closed only 30 s ago).
    expect(publishedMinutes(T0 + 10_000, T0 + 6 * MINUTE + 30_000, MINUTE)).toEqual({
      start: T0 + MINUTE,
      end: T0 + 5 * MINUTE,
      minutes: [1, 2, 3, 4].map((i) => T0 + i * MINUTE)
    })
  })

  it('takes the minute `from` falls in when asked', () => {
    expect(publishedMinutes(T0 + 10_000, T0 + 3 * MINUTE, MINUTE, true).minutes).toEqual([
      T0,
      T0 + MINUTE
    ])
  })

  it('is empty until a minute is published, never inverted', () => {
    expect(publishedMinutes(T0 + 10_000, T0 + 90_000, MINUTE)).toEqual({
      start: T0 + MINUTE,
      end: T0 + MINUTE,
      minutes: []
    })
  })

  it('works on a sandbox minute of 3 s', () => {
    expect(publishedMinutes(T0 + 1000, T0 + 12_500, 3000).minutes).toEqual([T0 + 3000, T0 + 6000])
  })
})

describe('readMetrics', () => {
  it('asks for every query in one call and returns each series by id', async () => {
    metrics.perMinute(scope('blue'), 'RequestCount', T0, [900, 910])
    metrics.perMinute(scope('green'), 'RequestCount', T0, [100])
    metrics.perMinute(scope('green'), 'HTTPCode_Target_5XX_Count', T0 + MINUTE, [4])
    const requests = [
      request('blue'),
      request('green'),
      request('green', 'HTTPCode_Target_5XX_Count')
    ]
    const found = await readMetrics(clients, requests, { start: T0, end: T0 + 2 * MINUTE })
    expect(metrics.inputs()).toHaveLength(1)
    expect(found.get('blue0_requestcount')).toEqual({
      timestamps: [new Date(T0), new Date(T0 + MINUTE)],
      values: [900, 910]
    })
    expect(found.get('green0_requestcount')?.values).toEqual([100])
    expect(found.get('green0_httpcodetarget5xxcount')).toEqual({
      timestamps: [new Date(T0 + MINUTE)],
      values: [4]
    })
  })

  it('follows NextToken and joins a series CloudWatch split across pages', async () => {
    metrics.perMinute(scope('blue'), 'RequestCount', T0, [1, 2, 3, 4, 5])
    metrics.perMinute(scope('green'), 'RequestCount', T0, [6, 7, 8])
    metrics.pageSize = 3
    const found = await readMetrics(clients, [request('blue'), request('green')], {
      start: T0,
      end: T0 + 5 * MINUTE
    })
    const inputs = metrics.inputs()
    expect(inputs.map((input) => input.NextToken)).toEqual([undefined, '3', '6'])
    // Every page asks the same queries and window: only the token changes.
    expect(
      new Set(inputs.map((input) => JSON.stringify({ ...input, NextToken: undefined }))).size
    ).toBe(1)
    expect(found.get('blue0_requestcount')?.values).toEqual([1, 2, 3, 4, 5])
    expect(found.get('green0_requestcount')?.values).toEqual([6, 7, 8])
    expect(found.get('green0_requestcount')?.timestamps).toEqual(
      [0, 1, 2].map((i) => new Date(T0 + i * MINUTE))
    )
  })

  it(`sends at most ${MAX_QUERIES} queries a call`, async () => {
    const requests = Array.from({ length: MAX_QUERIES + 2 }, (_, i) => request(`g${i}`))
    metrics.set(requests[MAX_QUERIES + 1].scope, 'RequestCount', T0, 7)
    const found = await readMetrics(clients, requests, { start: T0, end: T0 + MINUTE })
    expect(metrics.inputs().map((input) => input.MetricDataQueries!.length)).toEqual([
      MAX_QUERIES,
      2
    ])
    expect(found.get(requests[MAX_QUERIES + 1].id)?.values).toEqual([7])
  })

  it('makes no call for an empty window', async () => {
    const found = await readMetrics(clients, [request('blue')], { start: T0, end: T0 })
    expect(metrics.inputs()).toHaveLength(0)
    expect(found.get('blue0_requestcount')).toEqual({ timestamps: [], values: [] })
  })

  it('throws on a query CloudWatch refused, rather than reading it as no traffic', async () => {
    metrics.mock.on(GetMetricDataCommand).resolvesOnce({
      MetricDataResults: [
        {
          Id: 'blue0_requestcount',
          Label: 'RequestCount',
          StatusCode: 'Forbidden',
          Messages: [{ Code: 'Forbidden', Value: 'not authorized for this metric' }]
        }
      ]
    })
    await expect(
      readMetrics(clients, [request('blue')], { start: T0, end: T0 + MINUTE })
    ).rejects.toThrow(
      'GetMetricData answered Forbidden for RequestCount: not authorized for this metric'
    )
  })

  it('names the operation and the metrics when the call fails', async () => {
    metrics.mock.on(GetMetricDataCommand).rejectsOnce(
      Object.assign(new Error('User is not authorized to perform: cloudwatch:GetMetricData'), {
        name: 'AccessDenied'
      })
    )
    const failure = readMetrics(clients, [request('blue')], { start: T0, end: T0 + MINUTE })
    await expect(failure).rejects.toThrow(AwsCallError)
    await expect(failure).rejects.toThrow(
      /GetMetricData.*RequestCount of app\/shop\/50dc6c495c0c9188 on targetgroup\/blue\/73e2d6bc24d8a067.*not authorized/
    )
  })
})
