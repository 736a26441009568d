/**
 * GetMetricData's MetricDataQueries, validated as CloudWatch does: 1-500 queries, an Id that
 * starts with a lowercase letter and is unique, exactly one of MetricStat and Expression, a
 * period of 1, 5, 10, 20, 30 or a multiple of 60, a known statistic. Expressions (metric math,
 * Metrics Insights) are refused with a ValidationError: the sandbox does not evaluate them.
 */
import { type Statistic, parseStatistic } from '../metrics/statistics.js'
import type { Dimension, MetricId } from '../metrics/store.js'
import { cloudWatchErrors } from './errors.js'
import type { Json } from './json-input.js'

export interface MetricQuery {
  id: string
  label: string
  returnData: boolean
  metric: MetricId
  periodSeconds: number
  statistic: Statistic
  unit?: string
}

const ID = /^[a-z][a-zA-Z0-9_]{0,254}$/

type JsonObject = { [key: string]: Json }

function object(value: Json | undefined, path: string): JsonObject {
  if (value === undefined || value === null) throw cloudWatchErrors.missingParameter(path)
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw cloudWatchErrors.serialization(`${path} must be a structure`)
  }
  return value
}

function text(value: Json | undefined, path: string, required = true): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw cloudWatchErrors.missingParameter(path)
    return undefined
  }
  if (typeof value !== 'string') throw cloudWatchErrors.serialization(`${path} must be a string`)
  return value
}

export function validPeriod(period: number): boolean {
  return (
    Number.isInteger(period) &&
    period > 0 &&
    ([1, 5, 10, 20, 30].includes(period) || period % 60 === 0)
  )
}

/** Dimensions as sent ([{ Name, Value }]), at most 30. */
export function parseDimensions(value: Json | undefined, path: string): Dimension[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw cloudWatchErrors.serialization(`${path} must be a list`)
  if (value.length > 30)
    throw cloudWatchErrors.invalidParameterValue(`${path} must have at most 30 members`)
  return value.map((member, i) => {
    const dimension = object(member, `${path}.member.${i + 1}`)
    return {
      name: text(dimension.Name, `${path}.member.${i + 1}.Name`)!,
      value: text(dimension.Value, `${path}.member.${i + 1}.Value`)!
    }
  })
}

function parseQuery(value: Json, index: number, ids: Set<string>): MetricQuery {
  const path = `MetricDataQueries.member.${index + 1}`
  const query = object(value, path)
  const id = text(query.Id, `${path}.Id`)!
  if (!ID.test(id)) {
    throw cloudWatchErrors.validation(
      `The value ${id} for parameter ${path}.Id is not valid: it must start with a lowercase letter and hold only letters, digits and underscores.`
    )
  }
  if (ids.has(id))
    throw cloudWatchErrors.validation(
      `The values for parameter id in MetricDataQueries are not unique.`
    )
  ids.add(id)
  const hasStat = query.MetricStat !== undefined && query.MetricStat !== null
  const hasExpression = query.Expression !== undefined && query.Expression !== null
  if (hasStat === hasExpression) {
    throw cloudWatchErrors.validation(
      `${path}: exactly one of MetricStat and Expression must be specified.`
    )
  }
  if (hasExpression) {
    throw cloudWatchErrors.validation(
      `Error in expression '${id}': the sandbox does not evaluate metric math or Metrics Insights queries.`
    )
  }
  const stat = object(query.MetricStat, `${path}.MetricStat`)
  const metric = object(stat.Metric, `${path}.MetricStat.Metric`)
  const period = stat.Period
  if (typeof period !== 'number')
    throw cloudWatchErrors.missingParameter(`${path}.MetricStat.Period`)
  if (!validPeriod(period)) {
    throw cloudWatchErrors.invalidParameterValue(
      `The parameter ${path}.MetricStat.Period must be 1, 5, 10, 20, 30, or a multiple of 60.`
    )
  }
  const statText = text(stat.Stat, `${path}.MetricStat.Stat`)!
  const parsed = parseStatistic(statText)
  if (!parsed.ok) {
    throw cloudWatchErrors.invalidParameterValue(
      parsed.unsupported
        ? `The sandbox does not compute the statistic ${statText} (${path}.MetricStat.Stat).`
        : `The value ${statText} for parameter ${path}.MetricStat.Stat is not a valid statistic.`
    )
  }
  const metricName = text(metric.MetricName, `${path}.MetricStat.Metric.MetricName`)!
  return {
    id,
    label: text(query.Label, `${path}.Label`, false) ?? metricName,
    returnData: query.ReturnData !== false,
    metric: {
      namespace: text(metric.Namespace, `${path}.MetricStat.Metric.Namespace`)!,
      metricName,
      dimensions: parseDimensions(metric.Dimensions, `${path}.MetricStat.Metric.Dimensions`)
    },
    periodSeconds: period,
    statistic: parsed.statistic,
    unit: text(stat.Unit, `${path}.MetricStat.Unit`, false)
  }
}

export function parseMetricDataQueries(value: Json | undefined): MetricQuery[] {
  if (value === undefined || value === null)
    throw cloudWatchErrors.missingParameter('MetricDataQueries')
  if (!Array.isArray(value))
    throw cloudWatchErrors.serialization('MetricDataQueries must be a list')
  if (value.length === 0 || value.length > 500) {
    throw cloudWatchErrors.validation('MetricDataQueries must have between 1 and 500 members.')
  }
  const ids = new Set<string>()
  return value.map((query, index) => parseQuery(query, index, ids))
}
