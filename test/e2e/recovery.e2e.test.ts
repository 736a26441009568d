/**
 * A rollback that always finishes: the bundled action against the sandbox with AWS trouble
 * injected (5xx, throttling, hung calls) and the process cancelled or killed, then the bundled
 * post step run as the runner runs it (same inputs, STATE_* from the main step's state file).
 * Each test ends with the listener exactly as the run found it.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { DescribeListenersCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { type BlueGreenScenario, createBlueGreen } from '../../sandbox/scenario.js'
import type { FaultRule } from '../../sandbox/faults.js'
import type { RunRecord } from '../../src/record.js'
import { POST_ACTION, runAction, startAction, stateEnv, Traffic } from './harness.js'

jest.setTimeout(60_000)

const ALARM = 'shop-green-5xx'

let sandbox: Sandbox
let scenario: BlueGreenScenario
let traffic: Traffic | undefined
const timers: NodeJS.Timeout[] = []

beforeEach(async () => {
  sandbox = await startSandbox({ timeScale: 0.05, seed: 11 })
  scenario = await createBlueGreen(sandbox, {
    forward: 'blue',
    targetsPerColor: 2,
    alarms: [ALARM]
  })
})

afterEach(async () => {
  for (const timer of timers.splice(0)) clearTimeout(timer)
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

async function listenerActions(): Promise<unknown> {
  const out = await scenario.elbv2.send(
    new DescribeListenersCommand({ ListenerArns: [scenario.listenerArn] })
  )
  return out.Listeners?.[0]?.DefaultActions
}

/** AWS trouble for `ms`, then AWS answers again. */
function troubleFor(ms: number, ...rules: FaultRule[]): void {
  for (const rule of rules) sandbox.faults.add(rule)
  timers.push(setTimeout(() => sandbox.faults.clear(), ms))
}

function report(outputs: Record<string, string>): RunRecord {
  return JSON.parse(outputs.report) as RunRecord
}

const DESCRIBES = ['DescribeListeners', 'DescribeTargetHealth', 'DescribeTargetGroups']

describe('a rollback persists through AWS trouble', () => {
  it('ModifyListener answering 500 for 12 s: the rollback outlasts it', async () => {
    const before = await listenerActions()
    const action = startAction(inputs(), sandbox.env())
    await action.waitForLog(/AWS reports blue 900 \/ green 100/)
    const injectedAt = Date.now()
    troubleFor(12_000, { service: 'elbv2', operation: 'ModifyListener', kind: 'server-error' })
    const result = await action.done
    const record = report(result.outputs)
    console.log(
      `ModifyListener 500 for 12 s: rolled back ${Date.now() - injectedAt} ms after the fault began`
    )
    expect(result.outputs.status).toBe('rolled-back')
    expect(record.failure).toContain('ModifyListener')
    expect(result.stdout).toMatch(/^write put back .*InternalFailure.*trying again in/m)
    expect(await listenerActions()).toEqual(before)
    expect(Date.now() - injectedAt).toBeGreaterThanOrEqual(12_000)
  })

  it('a throttling storm on every Describe call for 30 s: the rollback outlasts it', async () => {
    const before = await listenerActions()
    const action = startAction(inputs({ alarms: ALARM, 'bake-time': '20s' }), sandbox.env())
    await action.waitForLog(/AWS reports blue 900 \/ green 100/)
    const stormEnds = Date.now() + 30_000
    troubleFor(
      30_000,
      ...DESCRIBES.map((operation): FaultRule => ({
        service: 'elbv2',
        operation,
        kind: 'throttle'
      }))
    )
    // The alarm (CloudWatch answers) starts the rollback inside the storm.
    sandbox.cloudwatch.setAlarmState(ALARM, 'ALARM', 'Threshold crossed')
    const result = await action.done
    const record = report(result.outputs)
    const rollback = record.events.find((event) => event.kind === 'rollback')
    expect(result.outputs.status).toBe('rolled-back')
    // It did not give up inside the storm: its read waited the storm out.
    expect(rollback!.at).toBeGreaterThanOrEqual(stormEnds - 1000)
    expect(await listenerActions()).toEqual(before)
  })

  it("DescribeTargetHealth hanging: rolls back to the start's blue and says so", async () => {
    const before = await listenerActions()
    const action = startAction(inputs({ 'rollback-timeout': '30s' }), sandbox.env())
    await action.waitForLog(/AWS reports blue 900 \/ green 100/)
    // Every health read hangs for good; the target-health gate fails closed, and the rollback
    // cannot read blue's health either.
    sandbox.faults.add({
      service: 'elbv2',
      operation: 'DescribeTargetHealth',
      kind: 'latency',
      latencyMs: 600_000
    })
    const result = await action.done
    const record = report(result.outputs)
    expect(result.outputs.status).toBe('rolled-back')
    expect(record.warnings?.join('\n')).toContain(
      "Blue's health could not be read (could not read blue's health within the rollback's 30s"
    )
    expect(record.warnings?.join('\n')).toContain(
      'rolling back to the blue that carried 100% of the traffic at the start'
    )
    expect(await listenerActions()).toEqual(before)
  })
})

describe('the post step finishes what the main step could not', () => {
  it('SIGINT while ModifyListener fails: the main step hands over within the grace, the post step finishes', async () => {
    const before = await listenerActions()
    traffic = new Traffic(scenario.listenerUrl)
    const action = startAction(inputs({ 'bake-time': '60s' }), sandbox.env())
    await action.waitForLog(/AWS reports blue 900 \/ green 100/)
    troubleFor(15_000, { service: 'elbv2', operation: 'ModifyListener', kind: 'server-error' })
    const signalledAt = Date.now()
    action.process.kill('SIGINT')
    const main = await action.done
    const exitedAfter = Date.now() - signalledAt
    console.log(`SIGINT with ModifyListener failing: main step exited after ${exitedAfter} ms`)
    expect(exitedAfter).toBeLessThan(7500)
    expect(main.outputs.status).toBe('failed')
    expect(report(main.outputs).failure).toContain('The post step finishes it')
    expect(main.state.verdict).toBeUndefined()

    const post = await runPost(main.state)
    const samples = await traffic.stop()
    traffic = undefined
    expect(post.outputs.status).toBe('rolled-back')
    expect(post.summary).toContain('Post step: finishing a run that ended without a verdict')
    expect(post.summary).toContain('- Its last verified state: blue 900 / green 100 (ALB weights)')
    expect(post.code).toBe(1)
    expect(await listenerActions()).toEqual(before)
    // Blue and green both serve throughout: no client request failed.
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])
  })

  it('SIGKILL mid-bake: the post step restores the start exactly', async () => {
    const before = await listenerActions()
    const action = startAction(inputs({ 'bake-time': '60s' }), sandbox.env())
    await action.waitForLog(/Baking at 10% green/)
    action.process.kill('SIGKILL')
    const main = await action.done
    expect(main.signal).toBe('SIGKILL')
    expect(main.summary).toBe('')
    expect(JSON.parse(main.state.verified).state.detail).toContain('blue 900 / green 100')

    const post = await runPost(main.state)
    const record = report(post.outputs)
    expect(post.outputs.status).toBe('rolled-back')
    expect(record.restore).toEqual({ exact: true })
    expect(record.failure).toContain('The main step ended without a verdict')
    expect(post.stdout).toContain('::error title=')
    expect(await listenerActions()).toEqual(before)
  })

  it('SIGKILL during a write that AWS takes 3 s to answer: the post step restores the start', async () => {
    const before = await listenerActions()
    const action = startAction(inputs(), sandbox.env())
    await action.waitForLog(/AWS reports blue 900 \/ green 100/)
    sandbox.faults.add({
      service: 'elbv2',
      operation: 'ModifyListener',
      kind: 'latency',
      latencyMs: 3000,
      times: 1
    })
    await action.waitForLog(/Step 2\/3/)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    action.process.kill('SIGKILL')
    const main = await action.done
    expect(JSON.parse(main.state['in-flight']).phase.expect.detail).toContain('green 500')
    // The killed write still lands (AWS got it); the post step finds it is the run's own.
    await new Promise((resolve) => setTimeout(resolve, 2000))

    const post = await runPost(main.state)
    expect(post.outputs.status).toBe('rolled-back')
    expect(await listenerActions()).toEqual(before)
  })

  it('SIGKILL during the rollback write: the post step finishes the rollback exactly', async () => {
    const before = await listenerActions()
    const action = startAction(inputs({ alarms: ALARM, 'bake-time': '30s' }), sandbox.env())
    await action.waitForLog(/Baking at 10% green/)
    // The rollback's ModifyListener takes 3 s to answer; the runner dies while it waits.
    sandbox.faults.add({
      service: 'elbv2',
      operation: 'ModifyListener',
      kind: 'latency',
      latencyMs: 3000,
      times: 1
    })
    sandbox.cloudwatch.setAlarmState(ALARM, 'ALARM', 'Threshold crossed')
    await action.waitForLog(/Rolling back to/)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    action.process.kill('SIGKILL')
    const main = await action.done
    expect(main.signal).toBe('SIGKILL')
    expect(main.state.verdict).toBeUndefined()
    // The write AWS received still lands; the post step must count it as the run's own.
    await new Promise((resolve) => setTimeout(resolve, 2500))

    const post = await runPost(main.state)
    const record = report(post.outputs)
    expect(post.outputs.status).toBe('rolled-back')
    expect(record.restore).toEqual({ exact: true })
    expect(await listenerActions()).toEqual(before)
  })

  it('does nothing after a main step that ended with a verdict', async () => {
    const main = await runAction(inputs({ traffic: '10' }), sandbox.env())
    expect(main.outputs.status).toBe('succeeded')
    expect(main.state.verdict).toBe('succeeded')
    const calls = sandbox.faults.calls.length
    const post = await runPost(main.state)
    expect(post.code).toBe(0)
    expect(post.stdout).toContain('the main step ended succeeded; nothing to finish')
    // One look at the lease (the main step released it): nothing is written.
    expect(sandbox.faults.calls.slice(calls).map((call) => call.operation)).toEqual([
      'DescribeTags'
    ])
  })
})

/** The post step as the runner starts it: the same inputs, the main step's state as STATE_*. */
function runPost(state: Record<string, string>) {
  return startAction(inputs(), { ...sandbox.env(), ...stateEnv(state) }, POST_ACTION).done
}
