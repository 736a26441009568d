/**
 * Pure statistics for judging a canary by its own traffic (no AWS here): the observed-split
 * check, the anytime-valid error-rate and latency tests, and the minimum-sample rule. The
 * `traffic-split` and `canary-analysis` gates read CloudWatch and wrap these.
 */
export {
  type Deviation,
  type GroupShare,
  type SplitGroup,
  type SplitOptions,
  type SplitVerdict,
  checkSplit
} from './split.js'
export {
  DEFAULT_RATIOS,
  DEFAULT_WEIGHTS,
  ErrorRateMartingale,
  type ErrorRateOptions,
  type ErrorRateVerdict,
  errorRateTest
} from './error-rate.js'
export {
  type LatencyMinute,
  type LatencyOptions,
  type LatencyVerdict,
  type SidePercentile,
  latencyTest,
  minuteIsSlower,
  signTestEValue
} from './latency.js'
export {
  type MinutePair,
  type Series,
  type SideMinute,
  type SideSeries,
  type SideTotals,
  pairMinutes,
  sumSeries,
  totals
} from './minutes.js'
export { type SampleCheck, type SampleRule, minimumSample } from './sample.js'
