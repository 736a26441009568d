/**
 * The post step and the killed main step's lease, end to end: the bundled action SIGKILLed
 * mid-bake, then the bundled post step as the runner runs it (same inputs, the main step's
 * STATE_*), with clients calling the listener throughout. The post step holds the lease under
 * the main step's saved identity: it releases it when it has rolled back, and writes nothing
 * once another run has taken it; after a verdict it releases only a lease the main step failed
 * to release.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  DescribeListenersCommand,
  DescribeTagsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { type BlueGreenScenario, createBlueGreen } from '../../sandbox/scenario.js'
import type { RunRecord } from '../../src/record.js'
import { POST_ACTION, runAction, startAction, stateEnv, Traffic } from './harness.js'

jest.setTimeout(60_000)

const KILLED = 'https://github.com/octo/shop/actions/runs/42/attempts/1'
const OPERATOR = 'https://github.com/octo/shop/actions/runs/43/attempts/1'
const asRun = (id: number) => ({ GITHUB_RUN_ID: String(id), GITHUB_RUN_ATTEMPT: '1' })
const WRITES = ['ModifyListener', 'ModifyRule', 'AddTags', 'RemoveTags']

let sandbox: Sandbox
let scenario: BlueGreenScenario
let traffic: Traffic | undefined

beforeEach(async () => {
  sandbox = await startSandbox({ timeScale: 0.05, seed: 11 })
  scenario = await createBlueGreen(sandbox, { forward: 'blue', targetsPerColor: 2 })
  traffic = new Traffic(scenario.listenerUrl)
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
    'bake-time': '60s',
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

async function tags(): Promise<Record<string, string>> {
  const out = await scenario.elbv2.send(
    new DescribeTagsCommand({ ResourceArns: [scenario.listenerArn] })
  )
  const found: Record<string, string> = {}
  for (const tag of out.TagDescriptions?.[0]?.Tags ?? []) found[tag.Key!] = tag.Value ?? ''
  return found
}

/** The main step (run 42) SIGKILLed while it bakes at 10 %, holding its lease. */
async function killedMidBake() {
  const action = startAction(inputs(), { ...sandbox.env(), ...asRun(42) })
  await action.waitForLog(/Baking at 10% green/)
  action.process.kill('SIGKILL')
  const main = await action.done
  expect(main.signal).toBe('SIGKILL')
  expect(JSON.parse(main.state.run).lease.runUrl).toBe(KILLED)
  expect((await tags())['traffic-shift:lease-holder']).toBe(KILLED)
  return main.state
}

function runPost(state: Record<string, string>) {
  return startAction(inputs(), { ...sandbox.env(), ...asRun(42), ...stateEnv(state) }, POST_ACTION)
    .done
}

describe("the post step and the killed main step's lease", () => {
  it('SIGKILL mid-bake: the post step rolls back under the lease and releases it', async () => {
    const before = await listenerActions()
    const state = await killedMidBake()

    const post = await runPost(state)
    const samples = await traffic!.stop()
    traffic = undefined
    expect(post.outputs.status).toBe('rolled-back')
    expect(await listenerActions()).toEqual(before)
    // Released, not left to expire: the next run need not wait for it.
    const left = await tags()
    expect(left['traffic-shift:lease-holder']).toBeUndefined()
    expect(left['traffic-shift:lease-id']).toBeUndefined()
    expect(left['traffic-shift:last-moved-by']).toBe(KILLED)
    expect(left['traffic-shift:last-outcome']).toBe('rolled-back')
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])
  })

  it('SIGKILL, then an operator breaks the lease and rolls back: the post step writes nothing', async () => {
    const state = await killedMidBake()
    const operator = await runAction(
      inputs({ traffic: '0', 'break-lease': 'true', 'bake-time': '1s' }),
      {
        ...sandbox.env(),
        ...asRun(43)
      }
    )
    expect(operator.outputs.status).toBe('succeeded')
    const restored = await listenerActions()
    const tagsBefore = await tags()
    expect(tagsBefore['traffic-shift:last-moved-by']).toBe(OPERATOR)

    const calls = sandbox.faults.calls.length
    const post = await runPost(state)
    const record = JSON.parse(post.outputs.report) as RunRecord
    expect(post.outputs.status).toBe('failed')
    expect(record.failure).toContain(`lost its lease on ${scenario.listenerArn} to nobody`)
    expect(record.failure).toContain(`the traffic last moved by ${OPERATOR}`)
    const made = sandbox.faults.calls.slice(calls).map((call) => call.operation)
    expect(made.filter((operation) => WRITES.includes(operation))).toEqual([])
    expect(await listenerActions()).toEqual(restored)
    expect(await tags()).toEqual(tagsBefore)
  })

  it('a main step whose release failed: the post step releases the lease it still holds', async () => {
    sandbox.faults.add({ service: 'elbv2', operation: 'RemoveTags', kind: 'server-error' })
    const main = await runAction(inputs({ traffic: '10', 'bake-time': '1s' }), {
      ...sandbox.env(),
      ...asRun(42)
    })
    expect(main.outputs.status).toBe('succeeded')
    expect(main.state.verdict).toBe('succeeded')
    expect((await tags())['traffic-shift:lease-holder']).toBe(KILLED)
    sandbox.faults.clear()

    const post = await runPost(main.state)
    expect(post.code).toBe(0)
    expect(post.stdout).toContain("Released the main step's lease")
    const left = await tags()
    expect(left['traffic-shift:lease-holder']).toBeUndefined()
    expect(left['traffic-shift:last-outcome']).toBe('succeeded')
  })
})
