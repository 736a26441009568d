/**
 * Simulated per-minute ALB counts for the canary-analysis benchmark: a fixed request rate split
 * at random by weight (as ALB's weighted forwarding does), each request failing with its side's
 * 5XX rate. Seeded, so every run of the bench sees the same data.
 */
import type { MinutePair } from '../../src/analysis/minutes.js'
import { type Random, seededRandom } from '../../sandbox/random.js'

export interface Scenario {
  /** Requests per minute through the load balancer (50/s = 3,000). */
  requestsPerMinute: number
  /** Green's weight share, e.g. 0.1. */
  greenShare: number
  /** Blue's 5XX rate, e.g. 0.01. */
  blueErrorRate: number
  /** Green's 5XX rate ÷ blue's: 1 for an A/A run. */
  ratio: number
  minutes: number
}

/**
 * Binomial(n, p) by geometric skips between successes: exact, and np + 1 steps on average,
 * which is cheap for the small rates here (no table, no normal approximation).
 */
export function binomial(random: Random, n: number, p: number): number {
  if (p <= 0 || n === 0) return 0
  if (p >= 1) return n
  if (p > 0.5) return n - binomial(random, n, 1 - p)
  const logQ = Math.log1p(-p)
  let successes = 0
  let position = 0
  for (;;) {
    position += Math.floor(Math.log(1 - random()) / logQ) + 1
    if (position > n) return successes
    successes += 1
  }
}

export function simulateRun(random: Random, scenario: Scenario): MinutePair[] {
  const minutes: MinutePair[] = []
  for (let minute = 0; minute < scenario.minutes; minute += 1) {
    const green = binomial(random, scenario.requestsPerMinute, scenario.greenShare)
    const blue = scenario.requestsPerMinute - green
    minutes.push({
      at: minute * 60_000,
      blue: { requests: blue, errors: binomial(random, blue, scenario.blueErrorRate) },
      green: {
        requests: green,
        errors: binomial(random, green, Math.min(1, scenario.blueErrorRate * scenario.ratio))
      }
    })
  }
  return minutes
}

/** `count` runs of the scenario from one seed. */
export function simulateRuns(seed: number, count: number, scenario: Scenario): MinutePair[][] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, () => simulateRun(random, scenario))
}

/** A standard normal draw (Box-Muller), for the latency runs. */
export function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}
