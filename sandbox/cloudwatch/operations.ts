/**
 * PutMetricAlarm / PutCompositeAlarm / DescribeAlarms / SetAlarmState / DeleteAlarms, and the
 * metric reads of metric-operations.ts.
 */
import { type AlarmStateValue, parseAlarmRule } from './alarm-rule.js'
import { cloudWatchErrors } from './errors.js'
import type { Json, JsonInput } from './json-input.js'
import type { CloudWatchOperation } from './context.js'
import { GetMetricData, ListMetrics } from './metric-operations.js'
import type { Alarm } from './model.js'

export type { CloudWatchOperation } from './context.js'

const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const
const ALARM_TYPES = ['CompositeAlarm', 'MetricAlarm'] as const
const COMPARISONS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold'
] as const
const METRIC_MEMBERS = [
  'AlarmDescription',
  'ActionsEnabled',
  'OKActions',
  'AlarmActions',
  'InsufficientDataActions',
  'MetricName',
  'Namespace',
  'Statistic',
  'ExtendedStatistic',
  'Dimensions',
  'Period',
  'Unit',
  'EvaluationPeriods',
  'DatapointsToAlarm',
  'Threshold',
  'ComparisonOperator',
  'TreatMissingData',
  'EvaluateLowSampleCountPercentile',
  'Metrics',
  'ThresholdMetricId'
]
const COMPOSITE_MEMBERS = [
  'AlarmDescription',
  'ActionsEnabled',
  'OKActions',
  'AlarmActions',
  'InsufficientDataActions',
  'AlarmRule',
  'ActionsSuppressor',
  'ActionsSuppressorWaitPeriod',
  'ActionsSuppressorExtensionPeriod'
]

function pick(input: JsonInput, members: string[]): Record<string, Json> {
  const config: Record<string, Json> = {}
  for (const member of members) {
    const value = input.raw(member)
    if (value !== undefined) config[member] = value
  }
  return config
}

/** Timestamps travel as epoch seconds in AWS JSON 1.0. */
function epoch(date: Date): number {
  return date.getTime() / 1000
}

function renderAlarm(alarm: Alarm): Record<string, Json> {
  const common: Record<string, Json> = {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    ActionsEnabled: true,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    ...alarm.config,
    AlarmConfigurationUpdatedTimestamp: epoch(alarm.configUpdatedAt),
    StateValue: alarm.state,
    StateReason: alarm.reason,
    StateUpdatedTimestamp: epoch(alarm.stateUpdatedAt),
    StateTransitionedTimestamp: epoch(alarm.stateTransitionedAt)
  }
  if (alarm.reasonData !== undefined) common.StateReasonData = alarm.reasonData
  if (alarm.kind === 'metric' && common.Dimensions === undefined && common.Metrics === undefined) {
    common.Dimensions = []
  }
  return common
}

export const PutMetricAlarm: CloudWatchOperation = (input, { alarms: store }) => {
  const name = input.requiredString('AlarmName', 255)
  if (input.number('EvaluationPeriods', 1) === undefined)
    throw cloudWatchErrors.missingParameter('EvaluationPeriods')
  if (!input.oneOf('ComparisonOperator', COMPARISONS))
    throw cloudWatchErrors.missingParameter('ComparisonOperator')
  const single = input.has('MetricName')
  const math = input.has('Metrics')
  if (single && math) {
    throw cloudWatchErrors.invalidParameterCombination(
      'MetricName and Metrics cannot be specified together'
    )
  }
  if (!single && !math)
    throw cloudWatchErrors.validation('Either MetricName or Metrics must be specified')
  if (single) {
    input.requiredString('Namespace', 255)
    const period = input.number('Period', 1)
    if (period === undefined) throw cloudWatchErrors.missingParameter('Period')
    if (![10, 20, 30].includes(period) && period % 60 !== 0) {
      throw cloudWatchErrors.invalidParameterValue('Period must be 10, 20, 30 or a multiple of 60')
    }
    if (input.has('Statistic') === input.has('ExtendedStatistic')) {
      throw cloudWatchErrors.invalidParameterCombination(
        'Exactly one of Statistic and ExtendedStatistic must be specified'
      )
    }
  }
  if (input.number('Threshold') === undefined && !input.has('ThresholdMetricId')) {
    throw cloudWatchErrors.validation('Threshold or ThresholdMetricId must be specified')
  }
  store.put('metric', name, pick(input, METRIC_MEMBERS))
  return {}
}

export const PutCompositeAlarm: CloudWatchOperation = (input, { alarms: store }) => {
  const name = input.requiredString('AlarmName', 255)
  const rule = parseAlarmRule(input.requiredString('AlarmRule', 10240))
  store.put('composite', name, pick(input, COMPOSITE_MEMBERS), rule)
  return {}
}

/** Without AlarmTypes only metric alarms are returned, as on AWS. */
export const DescribeAlarms: CloudWatchOperation = (input, { alarms: store }) => {
  const names = input.strings('AlarmNames', 100)
  const prefix = input.string('AlarmNamePrefix', 255)
  const children = input.string('ChildrenOfAlarmName', 255)
  const parents = input.string('ParentsOfAlarmName', 255)
  if (
    [names.length > 0, prefix !== undefined, children !== undefined, parents !== undefined].filter(
      Boolean
    ).length > 1
  ) {
    throw cloudWatchErrors.invalidParameterCombination(
      'Only one of AlarmNames, AlarmNamePrefix, ChildrenOfAlarmName and ParentsOfAlarmName can be specified'
    )
  }
  const requested = input.strings('AlarmTypes', 2)
  for (const type of requested) {
    if (!(ALARM_TYPES as readonly string[]).includes(type)) {
      throw cloudWatchErrors.validation(
        `'${type}' is not an alarm type; accepted: ${ALARM_TYPES.join(', ')}`
      )
    }
  }
  const types = new Set(requested.length > 0 ? requested : ['MetricAlarm'])
  const state = input.oneOf('StateValue', STATES)
  const actionPrefix = input.string('ActionPrefix')
  const maxRecords = input.number('MaxRecords', 1, 100) ?? 50
  let found = [...store.alarms.values()]
  if (names.length > 0) found = found.filter((alarm) => names.includes(alarm.name))
  if (prefix !== undefined) found = found.filter((alarm) => alarm.name.startsWith(prefix))
  if (children !== undefined) found = store.alarms.has(children) ? store.childrenOf(children) : []
  if (parents !== undefined) found = store.parentsOf(parents)
  if (state) found = found.filter((alarm) => alarm.state === state)
  if (actionPrefix !== undefined) {
    found = found.filter((alarm) =>
      ['OKActions', 'AlarmActions', 'InsufficientDataActions'].some((member) => {
        const actions = alarm.config[member]
        return (
          Array.isArray(actions) &&
          actions.some((a) => typeof a === 'string' && a.startsWith(actionPrefix))
        )
      })
    )
  }
  found = found
    .filter((alarm) => types.has(alarm.kind === 'metric' ? 'MetricAlarm' : 'CompositeAlarm'))
    .sort((a, b) => a.name.localeCompare(b.name))
  const token = input.string('NextToken')
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'))
  if (!Number.isInteger(start) || start < 0 || start > found.length)
    throw cloudWatchErrors.invalidNextToken()
  const pageItems = found.slice(start, start + maxRecords)
  const output: Record<string, Json> = {}
  if (types.has('MetricAlarm'))
    output.MetricAlarms = pageItems.filter((a) => a.kind === 'metric').map(renderAlarm)
  if (types.has('CompositeAlarm')) {
    output.CompositeAlarms = pageItems.filter((a) => a.kind === 'composite').map(renderAlarm)
  }
  if (start + maxRecords < found.length) {
    output.NextToken = Buffer.from(String(start + maxRecords)).toString('base64url')
  }
  return output
}

export const SetAlarmState: CloudWatchOperation = (input, { alarms: store }) => {
  const name = input.requiredString('AlarmName', 255)
  const state = input.oneOf('StateValue', STATES)
  if (!state) throw cloudWatchErrors.missingParameter('StateValue')
  const reason = input.requiredString('StateReason', 1023)
  const reasonData = input.string('StateReasonData', 4000)
  if (reasonData !== undefined) {
    try {
      JSON.parse(reasonData)
    } catch {
      throw cloudWatchErrors.invalidFormat('StateReasonData must be valid JSON')
    }
  }
  store.setState(name, state as AlarmStateValue, reason, reasonData)
  return {}
}

export const DeleteAlarms: CloudWatchOperation = (input, { alarms: store }) => {
  const names = input.strings('AlarmNames', 100)
  for (const name of names) store.get(name)
  for (const name of names) store.delete(name)
  return {}
}

export const cloudWatchOperations: Record<string, CloudWatchOperation> = {
  PutMetricAlarm,
  PutCompositeAlarm,
  DescribeAlarms,
  SetAlarmState,
  DeleteAlarms,
  GetMetricData,
  ListMetrics
}
