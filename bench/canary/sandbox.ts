/**
 * Figure group 8 end to end: dist/index.js against the sandbox while clients call the listener,
 * green failing twice as often as blue (blue 1 %, green 2 %: the simulated case) at a 10 %
 * canary, canary-analysis on. Measured from the first shift to the rollback, in sandbox minutes
 * (the CloudWatch minutes the gate counts), next to how much traffic those minutes carried.
 */
import { get } from 'node:http'
import { Traffic } from '../../sandbox/traffic.js'
import { seededRandom } from '../../sandbox/random.js'
import type { RunRecord } from '../../src/record.js'
import { startMeasured } from '../process.js'
import { albWorld, shiftInputs, TIME_SCALE } from '../world.js'

/** One CloudWatch minute of the sandbox on the wall clock (60 s × its time scale). */
export const SANDBOX_MINUTE_MS = 60_000 * TIME_SCALE
export const CANARY_E2E = {
  blueErrorRate: 0.01,
  greenErrorRate: 0.02,
  greenPercent: 10,
  /** The bake at 10 %, in sandbox minutes: a run not rolled back by then is not detected. */
  horizonMinutes: 30,
  clients: 4
} as const

export interface CanarySandboxRun {
  status: string
  failedGate?: string
  /** First shift → rollback, in sandbox minutes; undefined when the bake passed. */
  minutes?: number
  /** Client requests per sandbox minute through the listener during the run. */
  requestsPerMinute: number
  /** The failing verdict's detail, for the log. */
  detail?: string
}

/**
 * The sandbox's apps draw their failures from a stream seeded by their version alone, so every
 * run would see the same failing requests; skipping a seeded number of draws on each app (direct
 * requests to it, which no load balancer counts) makes each run its own sample.
 */
async function offsetFailures(urls: string[], seed: number): Promise<void> {
  const random = seededRandom(seed)
  for (const url of urls) {
    const skip = Math.floor(random() * MAX_SKIP)
    for (let i = 0; i < skip; i += 1) await getOnce(`${url}/skip`)
  }
}

/** Up to this many draws skipped per app: runs start hundreds of requests apart in the stream. */
const MAX_SKIP = 400

/** One request without keep-alive, so closing the app never waits on an idle connection. */
function getOnce(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume()
      response.on('end', resolve)
    }).on('error', reject)
  })
}

export async function canarySandboxRun(seed: number): Promise<CanarySandboxRun> {
  const world = await albWorld(seed)
  const { scenario } = world
  for (const app of scenario.blue.apps) app.setFailureRate(CANARY_E2E.blueErrorRate)
  for (const app of scenario.green.apps) app.setFailureRate(CANARY_E2E.greenErrorRate)
  await offsetFailures(
    [...scenario.blue.apps, ...scenario.green.apps].map((app) => app.url),
    seed
  )
  // Bounded in count like every sandbox client: 4 clients cannot send this many in a bake.
  const traffic = new Traffic(scenario.listenerUrl, CANARY_E2E.clients, 500_000)
  try {
    const inputs = shiftInputs(world, {
      steps: String(CANARY_E2E.greenPercent),
      'bake-time': `${(CANARY_E2E.horizonMinutes * SANDBOX_MINUTE_MS) / 1000}s`,
      'check-interval': '500ms',
      'metric-period': `${SANDBOX_MINUTE_MS / 1000}s`,
      'canary-analysis': 'on',
      'canary-checks': 'error-rate'
    })
    const { done } = startMeasured(inputs, world.sandbox.env())
    const { result } = await done
    const samples = await traffic.stop()
    const record = JSON.parse(result.outputs.report ?? '{}') as RunRecord
    const at = (kind: string) => record.events?.find((event) => event.kind === kind)?.at
    const shift = at('shift')
    const rollback = at('rollback')
    const during = samples.filter(
      (sample) => sample.at >= (shift ?? Infinity) && sample.at <= (rollback ?? record.finishedAt!)
    )
    const spanMs = (rollback ?? record.finishedAt ?? NaN) - (shift ?? NaN)
    return {
      status: result.outputs.status ?? `exit ${result.code}`,
      failedGate: record.failedGate?.gate,
      minutes:
        shift !== undefined && rollback !== undefined
          ? (rollback - shift) / SANDBOX_MINUTE_MS
          : undefined,
      requestsPerMinute: (during.length / spanMs) * SANDBOX_MINUTE_MS,
      detail: record.failedGate?.detail
    }
  } finally {
    await traffic.stop()
    await world.close()
  }
}

/** `count` runs one after another (each its own sandbox and seed), logging each one's result. */
export async function canarySandboxRuns(
  count: number,
  progress: (text: string) => void
): Promise<CanarySandboxRun[]> {
  const runs: CanarySandboxRun[] = []
  for (let run = 0; run < count; run += 1) {
    progress(`canary end to end: 2× 5XX on the sandbox (${run + 1}/${count})`)
    const result = await canarySandboxRun(40 + run)
    const minutes =
      result.minutes === undefined ? 'no rollback' : `${result.minutes.toFixed(1)} min`
    progress(
      `  ${result.status}, ${minutes}, ${Math.round(result.requestsPerMinute)} req/min: ${result.detail ?? ''}`
    )
    runs.push(result)
  }
  return runs
}
