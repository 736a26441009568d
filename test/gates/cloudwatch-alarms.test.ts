import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  type CompositeAlarm,
  CloudWatchClient,
  DescribeAlarmsCommand,
  type MetricAlarm
} from '@aws-sdk/client-cloudwatch'
import { mockClient } from 'aws-sdk-client-mock'
import { AwsCallError, CancelledError, InputError } from '../../src/errors.js'
import { cloudwatchAlarms, MAX_ALARMS } from '../../src/gates/cloudwatch-alarms.js'
import type { Gate, GateContext } from '../../src/gates/gate.js'
import { Split } from '../../src/split.js'
import { gateDeps, inputs, type TestDeps } from './deps.js'

const cloudwatch = mockClient(CloudWatchClient)
const BAKE: GateContext = { phase: 'bake', split: Split.ofPercent(25), since: 0 }
const READY: GateContext = { phase: 'ready', split: Split.BLUE, since: 0 }
const BOTH_TYPES = ['MetricAlarm', 'CompositeAlarm']

function alarm(name: string, state: string, reason = '', updated?: Date): MetricAlarm {
  return {
    AlarmName: name,
    StateValue: state as never,
    StateReason: reason,
    ...(updated ? { StateUpdatedTimestamp: updated } : {})
  }
}

function build(alarms: string): [Gate, TestDeps] {
  const deps = gateDeps()
  const settings = cloudwatchAlarms.readInputs(inputs({ alarms }), deps.settings)!
  return [cloudwatchAlarms.create(settings, deps)!, deps]
}

function answer(metric: MetricAlarm[], composite: CompositeAlarm[] = []): void {
  cloudwatch
    .on(DescribeAlarmsCommand)
    .resolves({ MetricAlarms: metric, CompositeAlarms: composite })
}

beforeEach(() => {
  cloudwatch.reset()
})

describe('cloudwatch-alarms inputs', () => {
  it.each([
    ['web-5xx', ['web-5xx']],
    ['web-5xx, web-latency', ['web-5xx', 'web-latency']],
    ['web-5xx\nweb-latency\n', ['web-5xx', 'web-latency']],
    ['web-5xx,web-5xx', ['web-5xx']],
    ['p99 latency > 1s (prod)', ['p99 latency > 1s (prod)']]
  ])('alarms %j → %j', (raw, expected) => {
    expect(cloudwatchAlarms.readInputs(inputs({ alarms: raw }), gateDeps().settings)).toEqual({
      alarms: expected
    })
  })

  it.each(['', '  ', ',\n,'])('alarms %j: not configured', (raw) => {
    expect(
      cloudwatchAlarms.readInputs(inputs({ alarms: raw }), gateDeps().settings)
    ).toBeUndefined()
  })

  it.each([
    ['too many names', Array.from({ length: MAX_ALARMS + 1 }, (_, i) => `a${i}`).join(',')],
    ['a name over 255 characters', 'x'.repeat(256)],
    ['a control character', 'web\t5xx']
  ])('alarms with %s is refused', (_, raw) => {
    const read = () => cloudwatchAlarms.readInputs(inputs({ alarms: raw }), gateDeps().settings)
    expect(read).toThrow(InputError)
    expect(read).toThrow(/^Input 'alarms'/)
  })

  it('accepts exactly the most names one request can ask for', () => {
    const raw = Array.from({ length: MAX_ALARMS }, (_, i) => `a${i}`).join('\n')
    expect(
      cloudwatchAlarms.readInputs(inputs({ alarms: raw }), gateDeps().settings)?.alarms
    ).toHaveLength(MAX_ALARMS)
  })
})

describe('cloudwatch-alarms checks', () => {
  it('passes when every alarm is OK, asking for metric and composite alarms by name', async () => {
    answer([alarm('web-5xx', 'OK')], [alarm('web-health', 'OK')])
    const [gate, deps] = build('web-5xx, web-health')
    expect(await gate.check(BAKE)).toEqual({ status: 'pass', detail: '2/2 alarms OK' })
    expect(gate.intervalMs).toBe(deps.settings.checkIntervalMs)
    expect(
      cloudwatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input)
    ).toEqual([{ AlarmNames: ['web-5xx', 'web-health'], AlarmTypes: BOTH_TYPES, MaxRecords: 100 }])
  })

  it('fails on an alarm in ALARM, with its reason and since when', async () => {
    const [gate, deps] = build('web-5xx, web-latency')
    const since = new Date(deps.clock.now() - 90_000)
    answer([
      alarm('web-5xx', 'ALARM', 'Threshold Crossed: 1 datapoint [12.0] was >= 5.0', since),
      alarm('web-latency', 'OK')
    ])
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail:
        'in ALARM at 25% green: web-5xx: Threshold Crossed: 1 datapoint [12.0] was >= 5.0 ' +
        `(since ${since.toISOString()}, 90s ago)`
    })
  })

  it('says an alarm firing before the shift was already firing before traffic moved', async () => {
    const [gate] = build('web-5xx')
    answer([alarm('web-5xx', 'ALARM', 'Threshold Crossed')])
    const result = await gate.check(READY)
    expect(result.status).toBe('fail')
    expect(result.detail).toBe(
      'already in ALARM before this shift moved any traffic: web-5xx: Threshold Crossed'
    )
  })

  it('fails on a composite alarm in ALARM', async () => {
    const [gate] = build('web-5xx, service-health')
    answer(
      [alarm('web-5xx', 'OK')],
      [alarm('service-health', 'ALARM', 'web-5xx OR db-errors transitioned to ALARM')]
    )
    const result = await gate.check(BAKE)
    expect(result.status).toBe('fail')
    expect(result.detail).toContain('service-health: web-5xx OR db-errors transitioned to ALARM')
  })

  it('fails when a named alarm does not exist, so a typo cannot pass silently', async () => {
    const [gate] = build('web-5xx, web-5xxx')
    answer([alarm('web-5xx', 'OK')])
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail: 'not found in this account and region: web-5xxx'
    })
  })

  it('reports firing and missing alarms together', async () => {
    const [gate] = build('a, b')
    answer([alarm('a', 'ALARM', 'Threshold Crossed')])
    expect((await gate.check(BAKE)).detail).toBe(
      'in ALARM at 25% green: a: Threshold Crossed; not found in this account and region: b'
    )
  })

  it('passes INSUFFICIENT_DATA and says so', async () => {
    const [gate] = build('web-5xx, web-latency')
    answer([alarm('web-5xx', 'OK'), alarm('web-latency', 'INSUFFICIENT_DATA')])
    expect(await gate.check(BAKE)).toEqual({
      status: 'pass',
      detail: '1/2 alarms OK; INSUFFICIENT_DATA (no data yet, does not block): web-latency'
    })
  })

  it('follows NextToken to the last page', async () => {
    const [gate] = build('a, b, c')
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [alarm('a', 'OK')], NextToken: 'page-2' })
      .resolvesOnce({ CompositeAlarms: [alarm('b', 'OK')], NextToken: 'page-3' })
      .resolvesOnce({ MetricAlarms: [alarm('c', 'ALARM', 'Threshold Crossed')] })
    const result = await gate.check(BAKE)
    expect(result).toEqual({
      status: 'fail',
      detail: 'in ALARM at 25% green: c: Threshold Crossed'
    })
    const base = { AlarmNames: ['a', 'b', 'c'], AlarmTypes: BOTH_TYPES, MaxRecords: 100 }
    expect(
      cloudwatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input)
    ).toEqual([base, { ...base, NextToken: 'page-2' }, { ...base, NextToken: 'page-3' }])
  })

  it('names the operation and alarms when AWS refuses the call', async () => {
    const [gate] = build('web-5xx')
    cloudwatch
      .on(DescribeAlarmsCommand)
      .rejects(new Error('not authorized to perform DescribeAlarms'))
    const check = gate.check(BAKE)
    await expect(check).rejects.toBeInstanceOf(AwsCallError)
    await expect(check).rejects.toThrow('DescribeAlarms on web-5xx failed')
  })

  it('passes the cancel signal to the SDK and reports an aborted call as a cancellation', async () => {
    const controller = new AbortController()
    cloudwatch.on(DescribeAlarmsCommand).callsFake(async () => {
      controller.abort()
      throw Object.assign(new Error('Request aborted'), { name: 'AbortError' })
    })
    const [gate] = build('web-5xx')
    await expect(gate.check({ ...BAKE, signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError
    )
    expect((cloudwatch.commandCalls(DescribeAlarmsCommand)[0].args as unknown[])[1]).toEqual({
      abortSignal: controller.signal
    })
  })
})
