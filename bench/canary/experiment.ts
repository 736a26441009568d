/**
 * The canary-analysis experiment: the sequential error-rate test and the two baselines on the
 * same simulated runs. The baselines' thresholds are tuned on a separate set of A/A runs to
 * fail at most α of them, then every method is judged on fresh A/A runs and on runs where
 * green's 5XX rate is 2× and 1.5× blue's. Plus the latency sign test's A/A false-fail rate on
 * simulated per-request latencies. Pure computation: about ten seconds.
 */
import { ErrorRateMartingale } from '../../src/analysis/error-rate.js'
import { type LatencyMinute, latencyTest } from '../../src/analysis/latency.js'
import type { MinutePair } from '../../src/analysis/minutes.js'
import { seededRandom } from '../../sandbox/random.js'
import { firstAbove, fixedThresholdScores, mannWhitneyScores, tuneThreshold } from './baselines.js'
import { binomial, normal, type Scenario, simulateRuns } from './simulate.js'

export interface CanarySettings {
  alpha: number
  scenario: Omit<Scenario, 'ratio' | 'minutes'>
  aaMinutes: number
  horizonMinutes: number
  aaRuns: number
  tuningRuns: number
  detectionRuns: number
  latencyRuns: number
  ratios: readonly number[]
}

export const CANARY: CanarySettings = {
  alpha: 0.01,
  /** 50 requests/s, green at 10 %, blue at 1 % 5XX: the case. */
  scenario: { requestsPerMinute: 3000, greenShare: 0.1, blueErrorRate: 0.01 },
  /** The length of an A/A run, and how long a detection run goes on. */
  aaMinutes: 30,
  horizonMinutes: 60,
  aaRuns: 2000,
  tuningRuns: 2000,
  detectionRuns: 1000,
  latencyRuns: 300,
  ratios: [2, 1.5]
}

export type Method = 'sequential' | 'fixedThreshold' | 'mannWhitney'

export interface CanaryMeasurements {
  settings: CanarySettings
  thresholds: { fixedThresholdRate: number; mannWhitneyZ: number }
  /** Share of A/A runs each method failed within aaMinutes. */
  falseFail: Record<Method, number> & { latency: number }
  /** Per ratio, per method: minutes to fail each run (Infinity: not within the horizon). */
  detection: { ratio: number; minutes: Record<Method, number[]> }[]
}

/** The first minute (1-based) at which the sequential test reaches 1/α, or undefined. */
export function sequentialDetection(run: readonly MinutePair[], alpha: number): number | undefined {
  const test = new ErrorRateMartingale({ alpha })
  const at = run.findIndex((minute) => test.update(minute) >= 1 / alpha)
  return at < 0 ? undefined : at + 1
}

function detectAll(
  runs: MinutePair[][],
  thresholds: CanaryMeasurements['thresholds'],
  alpha: number
): Record<Method, number[]> {
  const never = (minute: number | undefined) => minute ?? Infinity
  return {
    sequential: runs.map((run) => never(sequentialDetection(run, alpha))),
    fixedThreshold: runs.map((run) =>
      never(firstAbove(fixedThresholdScores(run), thresholds.fixedThresholdRate))
    ),
    mannWhitney: runs.map((run) =>
      never(firstAbove(mannWhitneyScores(run), thresholds.mannWhitneyZ))
    )
  }
}

function p99(values: Float64Array): number {
  values.sort()
  return values[Math.max(0, Math.ceil(0.99 * values.length) - 1)]
}

/** A/A latency runs: both sides' requests lognormal (median 100 ms, σ 0.5), per-minute p99. */
export function latencyRuns(
  seed: number,
  count: number,
  scenario: Omit<Scenario, 'ratio' | 'blueErrorRate'>
): LatencyMinute[][] {
  const random = seededRandom(seed)
  const draw = (n: number) =>
    p99(Float64Array.from({ length: n }, () => Math.exp(Math.log(0.1) + 0.5 * normal(random))))
  return Array.from({ length: count }, () =>
    Array.from({ length: scenario.minutes }, (_, minute) => {
      const green = binomial(random, scenario.requestsPerMinute, scenario.greenShare)
      const blue = scenario.requestsPerMinute - green
      return {
        at: minute * 60_000,
        blue: { requests: blue, value: draw(blue) },
        green: { requests: green, value: draw(green) }
      }
    })
  )
}

const share = (minutes: number[], within: number) =>
  minutes.filter((minute) => minute <= within).length / minutes.length

export function runCanaryExperiment(settings = CANARY, seed = 12): CanaryMeasurements {
  const { alpha, aaMinutes, horizonMinutes } = settings
  const aa = (s: number, count: number) =>
    simulateRuns(s, count, { ...settings.scenario, ratio: 1, minutes: aaMinutes })
  const tuning = aa(seed, settings.tuningRuns)
  const thresholds = {
    fixedThresholdRate: tuneThreshold(tuning.map(fixedThresholdScores), alpha),
    mannWhitneyZ: tuneThreshold(tuning.map(mannWhitneyScores), alpha)
  }
  const aaDetection = detectAll(aa(seed + 1, settings.aaRuns), thresholds, alpha)
  const latency = latencyRuns(seed + 2, settings.latencyRuns, {
    ...settings.scenario,
    minutes: aaMinutes
  })
  const latencyFails = latency.filter(
    (run) => latencyTest(run, { alpha, minRequests: 0 }).status === 'fail'
  ).length
  return {
    settings,
    thresholds,
    falseFail: {
      sequential: share(aaDetection.sequential, aaMinutes),
      fixedThreshold: share(aaDetection.fixedThreshold, aaMinutes),
      mannWhitney: share(aaDetection.mannWhitney, aaMinutes),
      latency: latencyFails / latency.length
    },
    detection: settings.ratios.map((ratio, i) => ({
      ratio,
      minutes: detectAll(
        simulateRuns(seed + 10 + i, settings.detectionRuns, {
          ...settings.scenario,
          ratio,
          minutes: horizonMinutes
        }),
        thresholds,
        alpha
      )
    }))
  }
}
