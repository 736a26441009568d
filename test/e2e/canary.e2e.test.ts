/**
 * The gates that judge a canary by its own traffic, end to end: the bundled action against the
 * sandbox, client traffic flowing, the ALB's metrics published from the data plane and read
 * back through GetMetricData. No health check or alarm notices a green that fails twice as many
 * requests as blue: only canary-analysis can.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  CreateRuleCommand,
  DescribeListenersCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { type BlueGreenScenario, createBlueGreen } from '../../sandbox/scenario.js'
import type { RunRecord } from '../../src/record.js'
import { runAction, Traffic } from './harness.js'

// A sandbox minute is 3 s (60 s × 0.05): a run sees a few dozen minutes within a minute or two.
const TIME_SCALE = 0.05
const METRIC_PERIOD = `${60 * TIME_SCALE}s`
jest.setTimeout(120_000)

let sandbox: Sandbox
let scenario: BlueGreenScenario
let traffic: Traffic | undefined
let beta: Traffic | undefined

beforeEach(async () => {
  sandbox = await startSandbox({ timeScale: TIME_SCALE, seed: 11 })
  scenario = await createBlueGreen(sandbox, { forward: 'blue', targetsPerColor: 1 })
})

afterEach(async () => {
  await traffic?.stop()
  await beta?.stop()
  traffic = undefined
  beta = undefined
  await scenario.close()
  await sandbox.close()
})

function inputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    mode: 'weighted-target-groups',
    'listener-arn': scenario.listenerArn,
    'blue-target-group': scenario.blue.targetGroupArn,
    'green-target-group': scenario.green.targetGroupArn,
    steps: '50,100',
    'bake-time': '15s',
    'check-interval': '500ms',
    'health-timeout': '60s',
    'verify-timeout': '10s',
    'metric-period': METRIC_PERIOD,
    'canary-analysis': 'on',
    ...overrides
  }
}

function report(outputs: Record<string, string>): RunRecord {
  return JSON.parse(outputs.report) as RunRecord
}

async function greenWeight(): Promise<number | undefined> {
  const out = await scenario.elbv2.send(
    new DescribeListenersCommand({ ListenerArns: [scenario.listenerArn] })
  )
  const action = out.Listeners?.[0]?.DefaultActions?.[0]
  if (action?.TargetGroupArn) return action.TargetGroupArn === scenario.green.targetGroupArn ? 1 : 0
  return action?.ForwardConfig?.TargetGroups?.find(
    (group) => group.TargetGroupArn === scenario.green.targetGroupArn
  )?.Weight
}

/** Every verdict a gate gave in the run, oldest first. */
function verdicts(record: RunRecord, gate: string): { status: string; detail: string }[] {
  return record.steps.flatMap((step) => step.gates.filter((check) => check.gate === gate))
}

describe('canary-analysis and traffic-split end to end', () => {
  it('rolls back green failing twice as many requests as blue', async () => {
    for (const app of scenario.blue.apps) app.setFailureRate(0.05)
    for (const app of scenario.green.apps) app.setFailureRate(0.1)
    traffic = new Traffic(scenario.listenerUrl, 4)
    // So many requests a side that it cannot pass before it has had the time to fail.
    const result = await runAction(
      inputs({ 'canary-checks': 'error-rate', 'canary-min-requests': '100000' }),
      sandbox.env()
    )
    await traffic.stop()
    traffic = undefined

    const record = report(result.outputs)
    const shift = record.events.find((event) => event.kind === 'shift')!
    const rollback = record.events.find((event) => event.kind === 'rollback')!
    console.log(
      `2x 5XX: rolled back ${rollback.at - shift.at} ms after the first shift ` +
        `(${((rollback.at - shift.at) / (60_000 * TIME_SCALE)).toFixed(1)} sandbox minutes): ` +
        record.failedGate?.detail
    )
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('rolled-back')
    expect(record.failedGate?.gate).toBe('canary-analysis')
    expect(record.failedGate?.detail).toMatch(/^green's 5XX rate is higher than blue's: /)
    const ratio = Number(/ratio ([\d.]+)×/.exec(record.failedGate!.detail)![1])
    // The pooled ratio over the few minutes it took is noisy around the true 2×.
    expect(ratio).toBeGreaterThan(1)
    expect(ratio).toBeLessThan(6)
    expect(await greenWeight()).toBe(0)
    expect(record.restore).toEqual({ exact: true })

    // The summary's canary table: the failed step, green against blue, the error rate's e-value
    // at or past its threshold, all from the figures canary-analysis recorded on the step.
    const failed = record.steps.find((step) => step.outcome === 'failed')!
    const canary = failed.gates.find((check) => check.gate === 'canary-analysis')!.observation!
    const [errorRate] = canary.evidence!
    expect(errorRate).toMatchObject({ check: 'error-rate', status: 'fail', threshold: 100 })
    expect(errorRate.eValue).toBeGreaterThanOrEqual(100)
    const rate = (side: { requests: number; errors: number }) =>
      `${((side.errors / side.requests) * 100).toFixed(2)}%`
    const row = result.summary
      .split('\n')
      .find((line) => line.startsWith(`| ${failed.index + 1} | 50% → `))
    console.log(`2x summary row: ${row}`)
    expect(result.summary).toContain('### Canary: green against blue')
    expect(row).toContain(
      ` | ${canary.green!.requests.toLocaleString('en-US')} / ${canary.blue!.requests.toLocaleString('en-US')} | ` +
        `${rate(canary.green!)} / ${rate(canary.blue!)} | `
    )
    expect(row).toMatch(/❌ error-rate: e-value [\d,.e+]+ \(fails at 100\) \|$/)
  })

  it('passes an A/A shift (green as good as blue), judging the split on the way', async () => {
    for (const app of [...scenario.blue.apps, ...scenario.green.apps]) app.setFailureRate(0.05)
    traffic = new Traffic(scenario.listenerUrl, 4)
    // α 0.1 % keeps this test's own chance of a false rollback at one run in a thousand.
    const result = await runAction(
      inputs({ 'canary-min-requests': '1000', 'canary-alpha': '0.001', 'bake-time': '20s' }),
      sandbox.env()
    )
    const samples = await traffic.stop()
    traffic = undefined

    const record = report(result.outputs)
    expect(result.outputs.status).toBe('succeeded')
    expect(result.code).toBe(0)
    expect(await greenWeight()).toBe(999)
    const failed = samples.filter((sample) => sample.status !== 200).length
    console.log(`A/A: ${samples.length} requests, ${failed} failed (5 % on both sides)`)

    const canary = verdicts(record, 'canary-analysis').filter((c) => c.status === 'pass')
    const last = canary.at(-1)!.detail
    console.log(`A/A canary: ${last}`)
    expect(last).toContain("green's 5XX rate no worse than blue's")
    expect(last).toContain('green no slower than blue')
    // The 50 % step's split was judged on the metrics and agreed with the weights.
    const split = verdicts(record, 'traffic-split').map((check) => check.detail)
    const judged = split.find((detail) => detail.includes('split as applied'))
    console.log(`A/A split: ${judged}`)
    expect(judged).toMatch(/blue (4[5-9]|5[0-5])\.\d% of [\d,]+ requests, expected 50\.0%/)
  })

  it('fails a step whose observed split is off: another rule forwards to green too', async () => {
    // Testers reach green on /beta/*: its RequestCount holds those requests beside the weighted ones.
    await scenario.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: scenario.listenerArn,
        Priority: 5,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/beta/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: scenario.green.targetGroupArn }]
      })
    )
    // Until green's targets pass a health check the rule has nowhere to go: 503s (ELB 5XX).
    for (const app of scenario.green.apps) {
      await sandbox.elb.waitForTargetState(
        scenario.green.targetGroupArn,
        { id: '127.0.0.1', port: app.port },
        'healthy'
      )
    }
    traffic = new Traffic(scenario.listenerUrl, 4)
    beta = new Traffic(`${scenario.listenerUrl}/beta/home`, 2)
    const result = await runAction(inputs({ 'canary-analysis': 'off' }), sandbox.env())
    await Promise.all([traffic.stop(), beta.stop()])
    traffic = beta = undefined

    const record = report(result.outputs)
    console.log(`split off: ${record.failedGate?.detail}`)
    expect(result.outputs.status).toBe('rolled-back')
    expect(record.failedGate?.gate).toBe('traffic-split')
    expect(record.failedGate?.detail).toMatch(
      /^traffic does not split as applied \(50% green\): .*green (6\d|7\d)\.\d% of [\d,]+ requests, expected 50\.0%/
    )
    expect(record.failedGate?.detail).toContain('another listener rule')
    expect(await greenWeight()).toBe(0)
  })
})
