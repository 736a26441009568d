/**
 * canary-analysis's figures as data, recorded on the step for the report: each side's requests,
 * 5XX and p99 over the step's own minutes, and each check's running evidence (over every minute
 * since green first took traffic, as the tests see them).
 */
import type { LatencyMinute, MinutePair } from '../analysis/index.js'
import type { Evidence, GateObservation, SideFigures } from '../record.js'

/**
 * The report's JSON has no Infinity (JSON.stringify writes null): an e-value beyond the largest
 * double (an outage's evidence) is kept as that double, still far above any threshold.
 */
function finite(value: number): number {
  return Number.isFinite(value) ? value : Number.MAX_VALUE
}

export function evidence(
  check: string,
  verdict: Pick<Evidence, 'status' | 'eValue' | 'threshold'>
): Evidence {
  return {
    check,
    status: verdict.status,
    eValue: finite(verdict.eValue),
    threshold: verdict.threshold
  }
}

/**
 * A side's figures over the given minutes. The p99 of several minutes cannot be rebuilt from
 * the minutes' p99s; their request-weighted mean is the figure (exact for one minute), as for
 * a side behind several load balancers.
 */
function sideFigures(
  minutes: readonly MinutePair[],
  latency: readonly LatencyMinute[] | undefined,
  side: 'blue' | 'green'
): SideFigures {
  const figures: SideFigures = { requests: 0, errors: 0 }
  for (const minute of minutes) {
    figures.requests += minute[side].requests
    figures.errors += minute[side].errors
  }
  let weighted = 0
  let weight = 0
  for (const minute of latency ?? []) {
    const { requests, value } = minute[side]
    if (value === undefined || requests === 0) continue
    weighted += value * requests
    weight += requests
  }
  if (weight > 0) figures.p99 = weighted / weight
  return figures
}

/**
 * The gate's observation: figures over the minutes of `window` (the step's, as far as CloudWatch
 * has published them), evidence as the checks computed it. Without a published minute of the
 * step yet, only the evidence.
 */
export function canaryObservation(
  window: { start: number; end: number },
  paired: readonly MinutePair[],
  latency: readonly LatencyMinute[] | undefined,
  checks: Evidence[]
): GateObservation {
  const inWindow = <T extends { at: number }>(minutes: readonly T[] | undefined) =>
    minutes?.filter((minute) => minute.at >= window.start && minute.at < window.end)
  const minutes = inWindow(paired)!
  if (minutes.length === 0) return { evidence: checks }
  const stepLatency = inWindow(latency)
  return {
    window: { start: window.start, end: window.end },
    green: sideFigures(minutes, stepLatency, 'green'),
    blue: sideFigures(minutes, stepLatency, 'blue'),
    evidence: checks
  }
}
