/**
 * Per-minute counts of blue and green, the input of every test here, and how to build them
 * from CloudWatch series (GetMetricData's Timestamps and Values). ALB publishes a count only
 * for a minute that has some, so a minute missing from a series is a zero, provided the caller
 * asks only for minutes CloudWatch has finished publishing.
 */

/** One side's requests and 5XX in one minute. */
export interface SideMinute {
  requests: number
  errors: number
}

export interface MinutePair {
  /** The minute's start, epoch ms (CloudWatch's datapoint timestamp). */
  at: number
  blue: SideMinute
  green: SideMinute
}

/** One metric's datapoints, as GetMetricData returns them (any order). */
export interface Series {
  timestamps: readonly (number | Date)[]
  values: readonly number[]
}

export interface SideTotals {
  requests: number
  errors: number
  /** errors / requests; undefined without requests. */
  rate: number | undefined
}

function checkCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a whole number ≥ 0, got ${value}`)
  }
}

/** Throws RangeError on counts that cannot be (negative, fractional, more errors than requests). */
export function checkSideMinute(minute: SideMinute, what: string): void {
  checkCount(minute.requests, `${what} requests`)
  checkCount(minute.errors, `${what} errors`)
  if (minute.errors > minute.requests) {
    throw new RangeError(`${what} has ${minute.errors} errors in ${minute.requests} requests`)
  }
}

/** Sums several series (one target group behind several load balancers) per timestamp. */
export function sumSeries(series: readonly Series[]): Map<number, number> {
  const sums = new Map<number, number>()
  for (const one of series) {
    if (one.timestamps.length !== one.values.length) {
      throw new RangeError('a series needs as many values as timestamps')
    }
    one.timestamps.forEach((stamp, i) => {
      const at = typeof stamp === 'number' ? stamp : stamp.getTime()
      sums.set(at, (sums.get(at) ?? 0) + one.values[i])
    })
  }
  return sums
}

export interface SideSeries {
  requests: readonly Series[]
  errors: readonly Series[]
}

/**
 * Blue and green minute by minute, ascending, for the given minute starts (the complete minutes
 * the caller asked CloudWatch for); a minute absent from a series counts 0.
 */
export function pairMinutes(
  blue: SideSeries,
  green: SideSeries,
  minuteStarts: readonly number[]
): MinutePair[] {
  const sums = {
    blueRequests: sumSeries(blue.requests),
    blueErrors: sumSeries(blue.errors),
    greenRequests: sumSeries(green.requests),
    greenErrors: sumSeries(green.errors)
  }
  return [...minuteStarts]
    .sort((a, b) => a - b)
    .map((at) => {
      const pair: MinutePair = {
        at,
        blue: { requests: sums.blueRequests.get(at) ?? 0, errors: sums.blueErrors.get(at) ?? 0 },
        green: { requests: sums.greenRequests.get(at) ?? 0, errors: sums.greenErrors.get(at) ?? 0 }
      }
      checkSideMinute(pair.blue, `blue at ${new Date(at).toISOString()}`)
      checkSideMinute(pair.green, `green at ${new Date(at).toISOString()}`)
      return pair
    })
}

export function totals(minutes: readonly SideMinute[]): SideTotals {
  let requests = 0
  let errors = 0
  for (const minute of minutes) {
    requests += minute.requests
    errors += minute.errors
  }
  return { requests, errors, rate: requests > 0 ? errors / requests : undefined }
}
