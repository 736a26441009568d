/**
 * CloudWatch statistics over an aggregate: SampleCount, Sum, Average, Minimum, Maximum and
 * percentiles pNN / pNN.NN (nearest rank on the raw values). Other extended statistics (tm, wm,
 * PR, TC, TS, IQM) are recognised and refused: the sandbox does not compute them.
 */
import type { Aggregate } from './store.js'

export type Statistic =
  | { kind: 'SampleCount' | 'Sum' | 'Average' | 'Minimum' | 'Maximum' }
  | { kind: 'percentile'; percentile: number }

const SIMPLE = ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'] as const
const PERCENTILE = /^p(\d{1,2}(\.\d{1,10})?|100(\.0{1,10})?)$/
const OTHER_EXTENDED = /^(tm|wm|tc|ts|PR|TM|WM|TC|TS)\(?|^IQM$/

export type ParsedStatistic =
  { ok: true; statistic: Statistic } | { ok: false; unsupported: boolean }

export function parseStatistic(text: string): ParsedStatistic {
  if ((SIMPLE as readonly string[]).includes(text)) {
    return { ok: true, statistic: { kind: text as (typeof SIMPLE)[number] } }
  }
  if (PERCENTILE.test(text)) {
    return { ok: true, statistic: { kind: 'percentile', percentile: Number(text.slice(1)) } }
  }
  return { ok: false, unsupported: OTHER_EXTENDED.test(text) }
}

/** The value of a statistic, or undefined when it cannot be computed from the aggregate. */
export function statisticValue(aggregate: Aggregate, statistic: Statistic): number | undefined {
  switch (statistic.kind) {
    case 'SampleCount':
      return aggregate.sampleCount
    case 'Sum':
      return aggregate.sum
    case 'Average':
      return aggregate.sum / aggregate.sampleCount
    case 'Minimum':
      return aggregate.minimum
    case 'Maximum':
      return aggregate.maximum
    case 'percentile': {
      // Every sample of a count metric is 1, so its percentiles are its minimum (= maximum).
      if (!aggregate.values) {
        return aggregate.minimum === aggregate.maximum ? aggregate.minimum : undefined
      }
      const sorted = [...aggregate.values].sort((a, b) => a - b)
      const rank = Math.ceil((statistic.percentile / 100) * sorted.length)
      return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
    }
  }
}
