/**
 * The bundled action (dist/index.js) as a process against the local sandbox, with real client
 * traffic flowing through the listener while it shifts.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  DescribeListenersCommand,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { type BlueGreenScenario, createBlueGreen } from '../../sandbox/scenario.js'
import type { RunEvent, RunRecord } from '../../src/record.js'
import { runAction, startAction, tolerance, Traffic } from './harness.js'

const ALARM = 'shop-green-5xx'

// Each test runs the action as a process with bakes of about a second; the SDK's retry backoff
// under injected throttling adds a few more.
jest.setTimeout(30_000)

let sandbox: Sandbox
let scenario: BlueGreenScenario
let traffic: Traffic | undefined

beforeEach(async () => {
  // Health checks every 250 ms (5 s × 0.05), deregistration delay 0.5 s.
  sandbox = await startSandbox({ timeScale: 0.05, seed: 7 })
  scenario = await createBlueGreen(sandbox, {
    forward: 'blue',
    targetsPerColor: 2,
    alarms: [ALARM],
    deregistrationDelaySeconds: 10
  })
})

afterEach(async () => {
  await traffic?.stop()
  traffic = undefined
  await scenario.close()
  await sandbox.close()
})

function inputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    mode: 'weighted-target-groups',
    'listener-arn': scenario.listenerArn,
    'blue-target-group': scenario.blue.targetGroupArn,
    'green-target-group': scenario.green.targetGroupArn,
    steps: '10,50,100',
    'bake-time': '1s',
    'check-interval': '200ms',
    'health-timeout': '10s',
    'verify-timeout': '10s',
    ...overrides
  }
}

async function liveWeights(): Promise<Record<string, number>> {
  const out = await scenario.elbv2.send(
    new DescribeListenersCommand({ ListenerArns: [scenario.listenerArn] })
  )
  const groups = out.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? []
  const weights: Record<string, number> = {}
  for (const group of groups) {
    weights[group.TargetGroupArn === scenario.blue.targetGroupArn ? 'blue' : 'green'] =
      group.Weight ?? 1
  }
  return weights
}

/** The listener's whole action list, to compare with how the run found it. */
async function listenerActions(): Promise<unknown> {
  const out = await scenario.elbv2.send(
    new DescribeListenersCommand({ ListenerArns: [scenario.listenerArn] })
  )
  return out.Listeners?.[0]?.DefaultActions
}

/** Green's apps answer 500 to everything, health checks included. */
function failGreen(): void {
  for (const app of scenario.green.apps) app.setFailing(true)
}

function report(outputs: Record<string, string>): RunRecord {
  return JSON.parse(outputs.report) as RunRecord
}

/** Each step's window: from AWS agreeing with the write until the next shift or the end. */
function stepWindows(record: RunRecord): { percent: number; from: number; to: number }[] {
  const converged = record.events.filter((event) => event.kind === 'converged')
  return converged.map((event: RunEvent) => {
    const next = record.events.find(
      (later) => later.at > event.at && (later.kind === 'shift' || later.kind === 'done')
    )
    return { percent: event.percent!, from: event.at + 50, to: (next?.at ?? Infinity) - 50 }
  })
}

describe('weighted-target-groups end to end', () => {
  it('adopts a forward-to-blue listener and shifts to 100 % with zero failed requests', async () => {
    traffic = new Traffic(scenario.listenerUrl)
    const result = await runAction(inputs(), sandbox.env())
    const samples = await traffic.stop()
    traffic = undefined

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    expect(result.outputs.traffic).toBe('100')
    expect(result.outputs['steps-applied']).toBe('3')
    expect(await liveWeights()).toEqual({ blue: 0, green: 999 })

    // Zero failed client requests through adoption and every step.
    expect(samples.length).toBeGreaterThan(200)
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])

    // The observed share at each step matches the weights within binomial tolerance.
    const record = report(result.outputs)
    const windows = stepWindows(record)
    expect(windows.map((window) => window.percent)).toEqual([10, 50, 100])
    for (const window of windows) {
      const seen = samples.filter((s) => s.at >= window.from && s.at <= window.to)
      const green = seen.filter((s) => s.version === 'v2').length
      const expected = window.percent / 100
      const allowed = tolerance(expected, seen.length) + 0.02
      console.log(
        `step ${window.percent}%: ${seen.length} requests, green ${((green / seen.length) * 100).toFixed(1)}% (±${(allowed * 100).toFixed(1)})`
      )
      expect(seen.length).toBeGreaterThan(30)
      expect(Math.abs(green / seen.length - expected)).toBeLessThanOrEqual(allowed)
    }

    // The summary and outputs describe this run.
    expect(result.summary).toContain('```mermaid')
    expect(result.summary).toContain(scenario.listenerArn)
    expect(result.summary).toContain('blue 900 / green 100')
    expect(record.steps.map((step) => [step.fromPercent, step.toPercent, step.outcome])).toEqual([
      [0, 10, 'passed'],
      [10, 50, 'passed'],
      [50, 100, 'passed']
    ])
    expect(Number(result.outputs['duration-seconds'])).toBeGreaterThanOrEqual(3)
  })

  it('is a no-op when run again at the requested split (idempotent)', async () => {
    await runAction(inputs({ traffic: '50' }), sandbox.env())
    const again = await runAction(inputs({ traffic: '50' }), sandbox.env())
    expect(again.code).toBe(0)
    expect(again.outputs.status).toBe('no-op')
    expect(again.outputs['steps-applied']).toBe('0')
    expect(await liveWeights()).toEqual({ blue: 500, green: 500 })
  })

  describe('a gate failing mid-shift rolls back with client errors bounded', () => {
    // Gate inputs and the failure are functions: the scenario exists only once a test runs.
    const failures: [string, () => Record<string, string>, () => void][] = [
      ['target-health', () => ({}), () => failGreen()],
      [
        'cloudwatch-alarms',
        () => ({ alarms: ALARM }),
        () => sandbox.cloudwatch.setAlarmState(ALARM, 'ALARM', 'Threshold crossed: 5xx > 1%')
      ],
      [
        'http-probe',
        () => ({
          'probe-urls': `${scenario.green.apps[0].url}/`,
          'probe-interval': '200ms',
          'probe-failure-threshold': '2'
        }),
        () => failGreen()
      ]
    ]

    it.each(failures)('%s', async (gate, gateInputs, inject) => {
      const before = await listenerActions()
      traffic = new Traffic(scenario.listenerUrl)
      const action = startAction(inputs({ 'bake-time': '20s', ...gateInputs() }), sandbox.env())
      await action.waitForLog(/AWS reports blue 900 \/ green 100/)
      const injectedAt = Date.now()
      inject()
      const result = await action.done
      const samples = await traffic.stop()
      traffic = undefined

      const record = report(result.outputs)
      expect(result.code).toBe(1)
      expect(result.outputs.status).toBe('rolled-back')
      expect(record.failedGate?.gate).toBe(gate)
      // Restored exactly as found: the adoption is undone, back to a forward to blue alone.
      expect(await listenerActions()).toEqual(before)
      expect(await liveWeights()).toEqual({ blue: 1 })
      expect(record.restore).toEqual({ exact: true })
      expect(result.stdout).toContain(`::error title=`)

      const rollback = record.events.find((event) => event.kind === 'rollback')!
      const detectionMs = rollback.at - injectedAt
      const window = samples.filter((s) => s.at >= injectedAt && s.at <= rollback.at + 100)
      const failed = samples.filter((s) => s.status !== 200)
      console.log(
        `${gate}: detected and rolled back in ${detectionMs} ms; ${failed.length} of ` +
          `${window.length} client requests failed in that window (bound: 10% of them)`
      )
      expect(detectionMs).toBeLessThan(5000)
      // Only green's 10 % can fail, and only until the rollback.
      expect(failed.every((s) => s.at >= injectedAt && s.at <= rollback.at + 200)).toBe(true)
      expect(failed.length).toBeLessThanOrEqual(
        Math.ceil(window.length * (0.1 + tolerance(0.1, window.length)))
      )
    })
  })

  it('survives injected throttling and transient 5xx without a rollback', async () => {
    sandbox.faults.add({
      service: 'elbv2',
      operation: 'DescribeListeners',
      kind: 'throttle',
      times: 3
    })
    sandbox.faults.add({
      service: 'elbv2',
      operation: 'ModifyListener',
      kind: 'server-error',
      times: 1
    })
    sandbox.faults.add({
      service: 'elbv2',
      operation: 'DescribeTargetHealth',
      kind: 'throttle',
      times: 2
    })
    sandbox.faults.add({
      service: 'cloudwatch',
      operation: 'DescribeAlarms',
      kind: 'server-error',
      times: 2
    })
    const result = await runAction(inputs({ alarms: ALARM, 'bake-time': '0' }), sandbox.env())
    expect(result.outputs.status).toBe('succeeded')
    expect(result.code).toBe(0)
    const faulted = sandbox.faults.calls.filter((call) => call.fault !== undefined)
    expect(faulted.length).toBe(8)
    expect(await liveWeights()).toEqual({ blue: 0, green: 999 })
  })

  it('stops without overwriting when someone edits the listener between steps', async () => {
    const action = startAction(inputs({ 'bake-time': '2s' }), sandbox.env())
    await action.waitForLog(/AWS reports blue 900 \/ green 100/)
    await scenario.elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: scenario.listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: scenario.blue.targetGroupArn, Weight: 700 },
                { TargetGroupArn: scenario.green.targetGroupArn, Weight: 300 }
              ]
            }
          }
        ]
      })
    )
    const result = await action.done
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(report(result.outputs).failure).toContain(
      'expected blue 900 / green 100 (ALB weights), found blue 700 / green 300 (ALB weights)'
    )
    expect(await liveWeights()).toEqual({ blue: 700, green: 300 })
  })

  it('rolls back within the runner grace period on SIGINT mid-bake', async () => {
    const before = await listenerActions()
    const action = startAction(inputs({ 'bake-time': '60s' }), sandbox.env())
    await action.waitForLog(/AWS reports blue 900 \/ green 100/)
    const signalledAt = Date.now()
    action.process.kill('SIGINT')
    const result = await action.done
    const exitedAfter = Date.now() - signalledAt
    console.log(`SIGINT → rolled back and exited in ${exitedAfter} ms`)
    expect(exitedAfter).toBeLessThan(7500)
    expect(result.outputs.status).toBe('rolled-back')
    expect(report(result.outputs).steps[0].outcome).toBe('cancelled')
    expect(await listenerActions()).toEqual(before)
  })

  it('prints the plan and changes nothing in dry-run', async () => {
    const result = await runAction(inputs({ 'dry-run': 'true' }), sandbox.env())
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('planned')
    expect(result.stdout).toContain('Would call elasticloadbalancingv2 ModifyListener')
    expect(sandbox.faults.count('elbv2', 'ModifyListener')).toBe(0)
    expect(await liveWeights()).toEqual({ blue: 1 })
  })
})
