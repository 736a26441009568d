/**
 * The CloudWatch sandbox through the real SDK client (AWS JSON 1.0, query-compatible): alarm
 * creation, DescribeAlarms semantics (metric alarms only unless AlarmTypes), composite alarms
 * following their children, SetAlarmState, and errors as the SDK surfaces them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  type CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { cloudWatchClient, failure, rawRequest } from './sandbox-helpers.js'

let sandbox: Sandbox
let cw: CloudWatchClient

const metricAlarm = (name: string, extra: Partial<PutMetricAlarmCommandInput> = {}) =>
  new PutMetricAlarmCommand({
    AlarmName: name,
    Namespace: 'AWS/ApplicationELB',
    MetricName: 'HTTPCode_Target_5XX_Count',
    Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/green/0123456789abcdef' }],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 5,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    ...extra
  })

beforeAll(async () => {
  sandbox = await startSandbox()
  cw = cloudWatchClient(sandbox)
  await cw.send(metricAlarm('green-5xx'))
  await cw.send(
    metricAlarm('green-latency', {
      MetricName: 'TargetResponseTime',
      Statistic: 'Average',
      Threshold: 1
    })
  )
  await cw.send(
    new PutCompositeAlarmCommand({
      AlarmName: 'green-any',
      AlarmRule: 'ALARM("green-5xx") OR ALARM(green-latency)'
    })
  )
})

afterAll(async () => {
  cw.destroy()
  await sandbox.close()
})

describe('DescribeAlarms', () => {
  it('returns only metric alarms when AlarmTypes is absent, as AWS does', async () => {
    const out = await cw.send(new DescribeAlarmsCommand({}))
    expect(out.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['green-5xx', 'green-latency'])
    expect(out.CompositeAlarms).toBeUndefined()
    const named = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['green-any', 'green-5xx'] })
    )
    expect(named.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['green-5xx'])
  })

  it('returns composite alarms when asked by AlarmTypes', async () => {
    const out = await cw.send(
      new DescribeAlarmsCommand({
        AlarmNames: ['green-any', 'green-5xx'],
        AlarmTypes: ['CompositeAlarm', 'MetricAlarm']
      })
    )
    expect(out.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['green-5xx'])
    expect(out.CompositeAlarms!.map((a) => a.AlarmName)).toEqual(['green-any'])
    expect(out.CompositeAlarms![0].AlarmRule).toBe('ALARM("green-5xx") OR ALARM(green-latency)')
  })

  it('describes a new metric alarm as INSUFFICIENT_DATA with its configuration and timestamps', async () => {
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['green-5xx'] }))
    const [alarm] = out.MetricAlarms!
    expect(alarm).toMatchObject({
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:green-5xx',
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      Threshold: 5,
      Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/green/0123456789abcdef' }]
    })
    expect(alarm.StateUpdatedTimestamp).toBeInstanceOf(Date)
    expect(Math.abs(alarm.StateUpdatedTimestamp!.getTime() - Date.now())).toBeLessThan(60_000)
  })

  it('filters by name prefix and state, and pages with MaxRecords / NextToken', async () => {
    const first = await cw.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'green-', MaxRecords: 1 })
    )
    expect(first.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['green-5xx'])
    const second = await cw.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: 'green-',
        MaxRecords: 1,
        NextToken: first.NextToken
      })
    )
    expect(second.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['green-latency'])
    const none = await cw.send(
      new DescribeAlarmsCommand({ StateValue: 'ALARM', AlarmNames: ['green-latency'] })
    )
    expect(none.MetricAlarms).toEqual([])
  })
})

describe('alarm state', () => {
  it('moves a metric alarm with SetAlarmState, and the composite follows its children', async () => {
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: 'green-latency',
        StateValue: 'OK',
        StateReason: 'fine'
      })
    )
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: 'green-5xx', StateValue: 'OK', StateReason: 'fine' })
    )
    const describe = () =>
      cw.send(
        new DescribeAlarmsCommand({
          AlarmNames: ['green-5xx', 'green-any'],
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm']
        })
      )
    expect((await describe()).CompositeAlarms![0].StateValue).toBe('OK')
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: 'green-5xx',
        StateValue: 'ALARM',
        StateReason: 'Threshold Crossed: 1 datapoint [12.0] was >= 5.0',
        StateReasonData: '{"version":"1.0"}'
      })
    )
    const out = await describe()
    expect(out.MetricAlarms![0]).toMatchObject({
      StateValue: 'ALARM',
      StateReason: 'Threshold Crossed: 1 datapoint [12.0] was >= 5.0',
      StateReasonData: '{"version":"1.0"}'
    })
    expect(out.CompositeAlarms![0].StateValue).toBe('ALARM')
    sandbox.cloudwatch.setAlarmState('green-5xx', 'OK')
    expect((await describe()).CompositeAlarms![0].StateValue).toBe('OK')
  })

  it('keeps the state across a configuration update', async () => {
    sandbox.cloudwatch.setAlarmState('green-latency', 'ALARM', 'test')
    await cw.send(
      metricAlarm('green-latency', {
        MetricName: 'TargetResponseTime',
        Statistic: 'Average',
        Threshold: 2
      })
    )
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['green-latency'] }))
    expect(out.MetricAlarms![0]).toMatchObject({ StateValue: 'ALARM', Threshold: 2 })
    sandbox.cloudwatch.setAlarmState('green-latency', 'OK', 'test')
  })
})

describe('errors', () => {
  it('names an unknown alarm ResourceNotFound (HTTP 404)', async () => {
    const error = await failure(
      cw.send(
        new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'ALARM', StateReason: 'x' })
      )
    )
    expect(error.name).toBe('ResourceNotFound')
    expect(error.$metadata.httpStatusCode).toBe(404)
    expect(error.Code).toBe('ResourceNotFound')
    const deleting = await failure(cw.send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] })))
    expect(deleting.name).toBe('ResourceNotFound')
  })

  it.each([
    [
      'a state outside the enum',
      new SetAlarmStateCommand({
        AlarmName: 'green-5xx',
        StateValue: 'RED' as never,
        StateReason: 'x'
      }),
      'ValidationException'
    ],
    [
      'reason data that is not JSON',
      new SetAlarmStateCommand({
        AlarmName: 'green-5xx',
        StateValue: 'OK',
        StateReason: 'x',
        StateReasonData: '{'
      }),
      'InvalidFormatFault'
    ],
    [
      'a missing reason',
      new SetAlarmStateCommand({ AlarmName: 'green-5xx', StateValue: 'OK' } as never),
      'MissingRequiredParameterException'
    ],
    [
      'an alarm without a metric',
      new PutMetricAlarmCommand({
        AlarmName: 'x',
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold'
      }),
      'ValidationException'
    ],
    [
      'a composite rule that does not parse',
      new PutCompositeAlarmCommand({ AlarmName: 'x', AlarmRule: 'ALARM("a" OR' }),
      'InvalidParameterValueException'
    ],
    [
      'names and a prefix together',
      new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' }),
      'InvalidParameterCombinationException'
    ]
  ])('rejects %s with the modeled exception', async (_what, command, name) => {
    const error = await failure(cw.send(command as never))
    expect(error.name).toBe(name)
    expect(error.$metadata.httpStatusCode).toBe(400)
  })

  it('answers a malformed body and an unknown target with JSON errors, not a crash', async () => {
    const post = (target: string, body: string) =>
      rawRequest(`${sandbox.endpoints.cloudwatch}/`, {
        body,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target }
      })
    const garbage = await post('GraniteServiceVersion20100801.DescribeAlarms', '{"AlarmNames": [')
    expect(garbage.status).toBe(400)
    expect(JSON.parse(garbage.body).__type).toBe('com.amazon.coral.service#SerializationException')
    const wrongShape = await post(
      'GraniteServiceVersion20100801.DescribeAlarms',
      '{"AlarmNames": "one"}'
    )
    expect(wrongShape.status).toBe(400)
    expect(wrongShape.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender')
    const unknown = await post('GraniteServiceVersion20100801.Frobnicate', '{}')
    expect(JSON.parse(unknown.body).__type).toBe(
      'com.amazon.coral.service#UnknownOperationException'
    )
  })
})
