/**
 * The lease against ELBv2's limits, end to end: the bundled action (dist/index.js) as a process
 * against the sandbox, clients calling the listener. A listener already at AWS's 50 tags per
 * resource cannot take the lease's tags (TooManyTags), and the run must stop there, before it
 * writes any traffic.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  AddTagsCommand,
  DescribeListenersCommand,
  DescribeTagsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { type BlueGreenScenario, createBlueGreen } from '../../sandbox/scenario.js'
import type { RunRecord } from '../../src/record.js'
import { runAction, Traffic } from './harness.js'

jest.setTimeout(60_000)

/** ELBv2's quota: tags per load balancer, target group, listener or rule. */
const ELB_TAG_LIMIT = 50

let sandbox: Sandbox
let scenario: BlueGreenScenario
let traffic: Traffic | undefined

beforeEach(async () => {
  sandbox = await startSandbox({ timeScale: 0.05, seed: 23 })
  scenario = await createBlueGreen(sandbox, {
    forward: 'blue',
    targetsPerColor: 2,
    deregistrationDelaySeconds: 10
  })
  traffic = new Traffic(scenario.listenerUrl)
})

afterEach(async () => {
  await traffic?.stop()
  await scenario.close()
  await sandbox.close()
})

async function listenerTags(): Promise<{ Key?: string; Value?: string }[]> {
  const out = await scenario.elbv2.send(
    new DescribeTagsCommand({ ResourceArns: [scenario.listenerArn] })
  )
  return out.TagDescriptions?.[0]?.Tags ?? []
}

async function listenerActions(): Promise<unknown> {
  const out = await scenario.elbv2.send(
    new DescribeListenersCommand({ ListenerArns: [scenario.listenerArn] })
  )
  return out.Listeners?.[0]?.DefaultActions
}

describe('the lease on a listener at the tag limit', () => {
  it('fails taking the lease, naming the limit, before any traffic write', async () => {
    // The team's own tags (cost centre, owner, ...) fill the listener's quota.
    const theirs = Array.from({ length: ELB_TAG_LIMIT }, (_, n) => ({
      Key: `team:tag-${n}`,
      Value: `value-${n}`
    }))
    await scenario.elbv2.send(
      new AddTagsCommand({ ResourceArns: [scenario.listenerArn], Tags: theirs })
    )
    const before = await listenerActions()
    const callsBefore = sandbox.faults.calls.length

    const result = await runAction(
      {
        mode: 'weighted-target-groups',
        'listener-arn': scenario.listenerArn,
        'blue-target-group': scenario.blue.targetGroupArn,
        'green-target-group': scenario.green.targetGroupArn,
        steps: '10,50,100',
        'bake-time': '1s',
        'check-interval': '200ms',
        'health-timeout': '10s',
        'verify-timeout': '10s'
      },
      { ...sandbox.env(), GITHUB_RUN_ID: '61', GITHUB_RUN_ATTEMPT: '1' }
    )

    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('failed')
    const record = JSON.parse(result.outputs.report) as RunRecord
    expect(record.failure).toContain('AddTags')
    expect(record.failure).toContain(scenario.listenerArn)
    expect(record.failure).toContain('TooManyTags')
    expect(record.failure).toMatch(/limit on the number of tags/)
    expect(record.failure).toContain(
      "Taking the run's lease needs up to 7 tags named traffic-shift:*"
    )
    expect(record.steps).toEqual([])
    expect(record.events.map((event) => event.kind)).not.toContain('shift')
    // Not one traffic write: the run's calls hold no ModifyListener, the listener is as it was.
    const runCalls = sandbox.faults.calls.slice(callsBefore)
    expect(runCalls.filter((call) => call.operation === 'AddTags')).not.toEqual([])
    expect(runCalls.filter((call) => call.operation === 'ModifyListener')).toEqual([])
    expect(await listenerActions()).toEqual(before)
    // Its tags are still exactly the team's: AddTags is all or nothing.
    expect(await listenerTags()).toEqual(expect.arrayContaining(theirs))
    expect(await listenerTags()).toHaveLength(ELB_TAG_LIMIT)
    // Every client request was served by blue throughout.
    const samples = await traffic!.stop()
    traffic = undefined
    expect(samples.length).toBeGreaterThan(20)
    expect(samples.filter((sample) => sample.status !== 200 || sample.version !== 'v1')).toEqual([])
  })
})
