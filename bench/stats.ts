/** Median and spread of repeated measurements: pure, so test/bench can check them. */

export interface Summary {
  median: number
  min: number
  max: number
  runs: number
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    min: values.length === 0 ? NaN : Math.min(...values),
    max: values.length === 0 ? NaN : Math.max(...values),
    runs: values.length
  }
}

/** How far the runs spread around the median, as a share of it: (max − min) / median. */
export function relativeSpread(summary: Summary): number {
  if (summary.runs < 2) return 0
  if (summary.median === 0) return summary.max === summary.min ? 0 : Infinity
  return (summary.max - summary.min) / Math.abs(summary.median)
}

/** The largest number of items in any window of `windowMs` (e.g. requests per second). */
export function peakRate(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b)
  let peak = 0
  let start = 0
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= windowMs) start += 1
    peak = Math.max(peak, end - start + 1)
  }
  return peak
}
