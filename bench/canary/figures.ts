/** Figure group 8: the canary-analysis experiment's measurements as figures with their goals. */
import type { Figure } from '../figure.js'
import { median } from '../stats.js'
import type { CanaryMeasurements, Method } from './experiment.js'
import { CANARY_E2E, type CanarySandboxRun, SANDBOX_MINUTE_MS } from './sandbox.js'

const S8 = '8. Canary analysis'

const METHODS: { method: Method; label: string }[] = [
  { method: 'sequential', label: 'sequential e-value' },
  { method: 'fixedThreshold', label: 'fixed threshold' },
  { method: 'mannWhitney', label: 'Mann-Whitney' }
]

/** The nearest-rank quantile. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]
}

export function canaryFigures(m: CanaryMeasurements): Figure[] {
  const { settings, thresholds } = m
  const alphaPercent = settings.alpha * 100
  const rates = `blue ${settings.scenario.blueErrorRate * 100} % 5XX, green ${settings.scenario.greenShare * 100} % of ${settings.scenario.requestsPerMinute / 60} req/s`
  const tuning: Record<Method, string> = {
    sequential: `fails at e ≥ 1/α = ${1 / settings.alpha}, no tuning`,
    fixedThreshold: `green's last-minute rate > ${(thresholds.fixedThresholdRate * 100).toFixed(2)} %, tuned on ${settings.tuningRuns} other A/A runs`,
    mannWhitney: `z > ${thresholds.mannWhitneyZ.toFixed(2)} on per-minute rates, from minute 3, tuned likewise`
  }
  const falseFail: Figure[] = METHODS.map(({ method, label }) => ({
    section: S8,
    name: `A/A false-fail rate, ${label} (${settings.aaMinutes} min runs)`,
    unit: '%',
    digits: 2,
    values: [m.falseFail[method] * 100],
    goal: method === 'sequential' ? { max: alphaPercent } : undefined,
    note: `${settings.aaRuns} runs, ${rates}; ${tuning[method]}`
  }))
  falseFail.push({
    section: S8,
    name: `A/A false-fail rate, latency sign test (${settings.aaMinutes} min runs)`,
    unit: '%',
    digits: 2,
    values: [m.falseFail.latency * 100],
    goal: { max: alphaPercent },
    note: `${settings.latencyRuns} runs, lognormal latencies, p99 per minute, 10 % tolerance`
  })
  const detection = m.detection.flatMap(({ ratio, minutes }) =>
    METHODS.flatMap(({ method, label }): Figure[] => {
      // Not detected within the horizon counts as horizon + 1, so the JSON stays numbers.
      const censored = settings.horizonMinutes + 1
      const values = minutes[method].map((v) => Math.min(v, censored))
      const within = values.filter((v) => v < censored).length / values.length
      return [
        {
          section: S8,
          name: `Minutes to detect ${ratio}× blue's 5XX rate, ${label}`,
          unit: 'min',
          values,
          goal: method === 'sequential' && ratio === 2 ? { max: 6 } : undefined,
          note: `p90 ${quantile(values, 0.9)} min; ${(within * 100).toFixed(1)} % detected within ${settings.horizonMinutes} min (${censored}: not)`
        }
      ]
    })
  )
  const twice = m.detection.find((d) => d.ratio === 2)
  const lead: Figure[] = twice
    ? [
        {
          section: S8,
          name: `2×: minutes sooner than the faster baseline (medians)`,
          unit: 'min',
          values: [
            Math.min(median(twice.minutes.fixedThreshold), median(twice.minutes.mannWhitney)) -
              median(twice.minutes.sequential)
          ],
          goal: { min: 1 },
          note: 'baselines tuned to at most α false fails on A/A, as the sequential test guarantees'
        }
      ]
    : []
  return [...falseFail, ...detection, ...lead]
}

/** The end-to-end figure: the same 2× case through dist/index.js, the sandbox and real traffic. */
export function canarySandboxFigures(runs: CanarySandboxRun[]): Figure[] {
  if (runs.length === 0) return []
  const censored = CANARY_E2E.horizonMinutes + 1
  const byCanary = runs.filter((run) => run.failedGate === 'canary-analysis').length
  const perMinute = median(runs.map((run) => run.requestsPerMinute))
  const green = CANARY_E2E.greenPercent
  return [
    {
      section: S8,
      name: "End to end: 2× blue's 5XX rate, first shift → rollback (sandbox minutes)",
      unit: 'min',
      digits: 1,
      values: runs.map((run) => run.minutes ?? censored),
      note:
        `dist/index.js on the sandbox, ${CANARY_E2E.clients} clients; blue ${CANARY_E2E.blueErrorRate * 100} % 5XX, ` +
        `green ${CANARY_E2E.greenErrorRate * 100} % at ${green} %; ${Math.round(perMinute).toLocaleString('en-US')} ` +
        `requests per sandbox minute (${SANDBOX_MINUTE_MS / 1000} s); ${byCanary}/${runs.length} rolled back by ` +
        `canary-analysis (${censored}: not within ${CANARY_E2E.horizonMinutes})`
    }
  ]
}
