/**
 * Figures 4 and 5: a 10 % canary fails, once per gate, while clients call the listener. From the
 * moment the failure is injected to rollback verified (the run's end), and how many client
 * requests failed meanwhile next to 10 % of the requests in that window.
 */
import type { Transition } from '../sandbox/elbv2/health.js'
import { Traffic } from '../sandbox/traffic.js'
import type { RunRecord } from '../src/record.js'
import { callsBetween, type CallCounts, countCalls, throttlingSurfaced } from './api-calls.js'
import { startMeasured } from './process.js'
import { ALARM, type AlbWorld, albWorld, shiftInputs } from './world.js'

export const POLL_INTERVAL = '1s'
const POLL_MS = 1000
const CANARY_SHARE = 0.1

export interface GateCase {
  /** The row's name: the gate, and how it is set up when that matters. */
  name: string
  /** The gate that should end the run. */
  gate: string
  /** What goes wrong, in words. */
  failure: string
  inputs(world: AlbWorld): Record<string, string>
  inject(world: AlbWorld): void
}

export const GATE_CASES: GateCase[] = [
  {
    name: 'target-health',
    gate: 'target-health',
    failure: 'green answers 500 to everything',
    inputs: () => ({}),
    inject: (world) => world.scenario.green.apps.forEach((app) => app.setFailing(true))
  },
  {
    name: 'cloudwatch-alarms',
    gate: 'cloudwatch-alarms',
    failure: 'the alarm fires',
    inputs: () => ({ alarms: ALARM }),
    inject: (world) => world.sandbox.cloudwatch.setAlarmState(ALARM, 'ALARM', 'Threshold crossed')
  },
  {
    name: 'http-probe (3 failures in a row, the default)',
    gate: 'http-probe',
    failure: 'the probed URL answers 500',
    inputs: (world) => ({
      'probe-urls': `${world.probeApp.url}/`,
      'probe-interval': POLL_INTERVAL
    }),
    inject: (world) => world.probeApp.setFailing(true)
  },
  {
    name: 'http-probe (probe-failure-threshold 2)',
    gate: 'http-probe',
    failure: 'the probed URL answers 500',
    inputs: (world) => ({
      'probe-urls': `${world.probeApp.url}/`,
      'probe-interval': POLL_INTERVAL,
      'probe-failure-threshold': '2'
    }),
    inject: (world) => world.probeApp.setFailing(true)
  },
  {
    name: 'route53-health-check',
    gate: 'route53-health-check',
    failure: 'the Route 53 health check turns unhealthy',
    inputs: (world) => ({ 'route53-health-checks': world.healthCheckId }),
    inject: (world) => world.sandbox.route53.setHealthCheckStatus(world.healthCheckId, false)
  }
]

export interface DetectionRun {
  /** The case's name. */
  name: string
  gate: string
  failure: string
  status: string
  failedGate?: string
  /** Injection → the gate's failing check. */
  detectMs: number
  /** Injection → rollback written (no new request goes to green after it). */
  rollbackMs: number
  /** Injection → rollback verified: the figure. */
  verifiedMs: number
  /** Injection → AWS itself showing the failure (target-health: a green target unhealthy). */
  awsMs?: number
  requests: number
  failed: number
  /** 10 % of the requests from injection to rollback: what a canary this long must cost. */
  bound: number
  calls: CallCounts
  surfaced: string[]
}

export async function detectionRun(
  gateCase: GateCase,
  offsetMs: number,
  seed: number
): Promise<DetectionRun> {
  const world = await albWorld(seed)
  const traffic = new Traffic(world.scenario.listenerUrl, 2)
  try {
    const inputs = shiftInputs(world, {
      'check-interval': POLL_INTERVAL,
      ...gateCase.inputs(world),
      steps: '10,100',
      'bake-time': '60s'
    })
    const { running, done } = startMeasured(inputs, world.sandbox.env())
    await running.waitForLog(/AWS reports blue 900 \/ green 100/)
    // Where in the poll cycle the failure lands decides the wait: spread it over the cycle.
    await new Promise((resolve) => setTimeout(resolve, offsetMs))
    let unhealthyAt: number | undefined
    world.sandbox.elb.health.on('transition', (transition: Transition) => {
      if (transition.targetGroupArn !== world.scenario.green.targetGroupArn) return
      if (transition.state === 'unhealthy') unhealthyAt ??= Date.now()
    })
    const injectedAt = Date.now()
    gateCase.inject(world)
    const { result, startedAt } = await done
    const samples = await traffic.stop()
    const record = JSON.parse(result.outputs.report ?? '{}') as RunRecord
    const at = (kind: string) => record.events?.find((event) => event.kind === kind)?.at ?? NaN
    const rollbackAt = at('rollback')
    const window = samples.filter((s) => s.at >= injectedAt && s.at <= rollbackAt)
    return {
      name: gateCase.name,
      gate: gateCase.gate,
      failure: gateCase.failure,
      status: result.outputs.status ?? `exit ${result.code}`,
      failedGate: record.failedGate?.gate,
      detectMs: at('gate-failed') - injectedAt,
      rollbackMs: rollbackAt - injectedAt,
      verifiedMs: (record.finishedAt ?? NaN) - injectedAt,
      awsMs:
        gateCase.gate === 'target-health' && unhealthyAt ? unhealthyAt - injectedAt : undefined,
      requests: window.length,
      failed: samples.filter((s) => s.status !== 200 && s.at >= injectedAt).length,
      bound: CANARY_SHARE * window.length,
      calls: countCalls(
        callsBetween(world.sandbox.faults.calls, startedAt, startedAt + result.elapsedMs)
      ),
      surfaced: throttlingSurfaced(result.stdout)
    }
  } finally {
    await traffic.stop()
    await world.close()
  }
}

/** Offsets spread evenly over one poll interval, one per run. */
export function offsets(runs: number): number[] {
  return Array.from({ length: runs }, (_, run) => Math.round(((run + 0.5) / runs) * POLL_MS))
}
