/** canary-analysis's verdicts in words, with their figures, for the log and the summary. */
import type { ErrorRateVerdict, LatencyVerdict } from '../analysis/index.js'

/** The latency check compares this percentile of TargetResponseTime. */
export const LATENCY_STAT = 'p99'
const LATENCY = 'TargetResponseTime'

const count = (n: number) => n.toLocaleString('en-US')
const rate = (r: number | undefined) => (r === undefined ? 'n/a' : `${(r * 100).toFixed(2)}%`)
const figure = (e: number) => (e >= 100 ? count(Math.round(e)) : e.toPrecision(3))
const minutes = (n: number | undefined) => `${n} minute${n === 1 ? '' : 's'}`

export function errorRateDetail(verdict: ErrorRateVerdict, minuteCount: number): string {
  const { blue, green } = verdict
  const ratio =
    verdict.rateRatio === undefined
      ? 'no 5XX on either side'
      : verdict.rateRatio === Infinity
        ? 'only green has 5XX'
        : `ratio ${verdict.rateRatio.toFixed(2)}×`
  const figures =
    `5XX: green ${rate(green.rate)} (${count(green.errors)} of ${count(green.requests)}), ` +
    `blue ${rate(blue.rate)} (${count(blue.errors)} of ${count(blue.requests)}), ${ratio}, ` +
    `e-value ${figure(verdict.eValue)} (fails at ${figure(verdict.threshold)}) ` +
    `over ${minutes(minuteCount)}`
  if (verdict.status === 'fail') {
    return (
      `green's 5XX rate is higher than blue's: ${figures}; it first reached the threshold after ` +
      `${minutes(verdict.failedAfterMinutes)}`
    )
  }
  if (verdict.status === 'pending') return `${figures}; may pass once ${verdict.sample.detail}`
  return `green's 5XX rate no worse than blue's: ${figures}`
}

export function latencyDetail(verdict: LatencyVerdict, tolerance: number): string {
  const slower = `green's ${LATENCY_STAT} above blue's by more than ${+(tolerance * 100).toFixed(2)}%`
  const figures =
    `${LATENCY} ${slower} in ${verdict.slower} of ${verdict.compared} compared minutes, ` +
    `e-value ${figure(verdict.eValue)} (fails at ${figure(verdict.threshold)})`
  if (verdict.status === 'fail') return `green is slower than blue: ${figures}`
  if (verdict.status === 'pending') return `${figures}; may pass once ${verdict.sample.detail}`
  return `green no slower than blue: ${figures}`
}
