/**
 * Mode `targets` on real AWS cannot roll back within a cancel's grace: blue must pass health
 * checks again (10-150 s). Here blue needs 21 s: the cancelled main step hands over, and
 * the post step, run as the runner runs it, finishes with blue healthy and green gone.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import {
  DescribeTargetHealthCommand,
  RegisterTargetsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { createTargetGroupShift, type TargetGroupScenario } from '../../sandbox/scenario.js'
import type { RunRecord } from '../../src/record.js'
import { POST_ACTION, startAction, stateEnv, Traffic } from './harness.js'

// A new target is healthy after its first passing check, one interval after it registers: the
// longest interval AWS allows (300 s) × 0.07 = 21 s of real time.
const TIME_SCALE = 0.07
const HEALTHY_MS = Math.round(300 * TIME_SCALE * 1000)

jest.setTimeout(120_000)

let sandbox: Sandbox | undefined
let scenario: TargetGroupScenario | undefined
let traffic: Traffic | undefined

afterEach(async () => {
  await traffic?.stop()
  traffic = undefined
  await scenario?.close()
  await sandbox?.close()
})

async function healthByTarget(): Promise<Record<string, string[]>> {
  const out = await scenario!.elbv2.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: scenario!.targetGroupArn })
  )
  const found: Record<string, string[]> = {}
  for (const description of out.TargetHealthDescriptions ?? []) {
    ;(found[description.TargetHealth!.State!] ??= []).push(description.Target!.Id!)
  }
  for (const ids of Object.values(found)) ids.sort()
  return found
}

describe('targets: the post step finishes a rollback the cancel grace cannot', () => {
  it('SIGINT at 100 % while blue needs 21 s to pass a health check: the post step brings blue back', async () => {
    sandbox = await startSandbox({ timeScale: TIME_SCALE, seed: 5 })
    scenario = await createTargetGroupShift(sandbox, {
      blue: 2,
      green: 2,
      registerBlue: false,
      deregistrationDelaySeconds: 10,
      healthCheck: { intervalSeconds: 300, timeoutSeconds: 2 }
    })
    const { targetGroupArn, elbv2 } = scenario
    const blue = scenario.blue.ids
    const green = scenario.green.ids
    // The start: blue and green both serving (50 %).
    await elbv2.send(
      new RegisterTargetsCommand({
        TargetGroupArn: targetGroupArn,
        Targets: [...blue, ...green].map((Id) => ({ Id }))
      })
    )
    await Promise.all(
      [...blue, ...green].map((id) =>
        sandbox!.elb.waitForTargetState(targetGroupArn, id, 'healthy', HEALTHY_MS + 15_000)
      )
    )
    const inputs = {
      mode: 'targets',
      'target-group-arn': targetGroupArn,
      'blue-targets': blue.join(','),
      'green-targets': green.join(','),
      steps: 'all-at-once',
      'bake-time': '60s',
      'check-interval': '200ms',
      'health-timeout': '10s',
      'verify-timeout': '30s',
      'wait-for-draining': 'false',
      'rollback-timeout': '60s'
    }
    traffic = new Traffic(scenario.listenerUrl)
    const action = startAction(inputs, sandbox.env())
    await action.waitForLog(/Baking at 100% green/, 30_000)
    const signalledAt = Date.now()
    action.process.kill('SIGINT')
    const main = await action.done
    const exitedAfter = Date.now() - signalledAt
    const mainRecord = JSON.parse(main.outputs.report) as RunRecord
    expect(exitedAfter).toBeLessThan(7500)
    expect(main.outputs.status).toBe('failed')
    expect(mainRecord.failure).toContain('The post step finishes it')
    expect(main.state.verdict).toBeUndefined()
    // Blue is registered again but not healthy yet; green still serves.
    expect((await healthByTarget()).healthy).toEqual([...green].sort())

    const postStarted = Date.now()
    const post = await startAction(
      inputs,
      { ...sandbox.env(), ...stateEnv(main.state) },
      POST_ACTION
    ).done
    const samples = await traffic.stop()
    traffic = undefined
    console.log(
      `targets, blue ${HEALTHY_MS / 1000} s to healthy: main exited ${exitedAfter} ms after ` +
        `SIGINT; the post step finished in ${Date.now() - postStarted} ms`
    )
    expect(post.outputs.status).toBe('rolled-back')
    expect(post.summary).toContain('Post step')
    const now = await healthByTarget()
    expect(now.healthy).toEqual([...blue, ...green].sort())
    // Nobody's request failed: some side was healthy and serving throughout.
    expect(samples.length).toBeGreaterThan(100)
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])
  })
})
