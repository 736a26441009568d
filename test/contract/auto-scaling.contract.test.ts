/**
 * Conformance case 8, for the backend whose sides can be Auto Scaling groups (targets): the
 * groups' own activity during a run (a scale-in, a replacement) is neither someone else's edit
 * nor undone. The run goes on, and what it leaves, whether it finishes or rolls back, is each
 * side's InService instances at that time: a terminated instance is never registered again,
 * a replacement is.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling'
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Transition } from '../../sandbox/elbv2/health.js'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import {
  createTargetGroupShift,
  instanceId,
  type TargetGroupScenario
} from '../../sandbox/scenario.js'
import { COMMON_INPUTS, createAlarm } from './fixtures/fixture.js'
import { report, startAction } from './harness.js'

jest.setTimeout(60_000)

let sandbox: Sandbox | undefined
let scenario: TargetGroupScenario | undefined

afterEach(async () => {
  await scenario?.close()
  await sandbox?.close()
  scenario = sandbox = undefined
})

/** Four blue instances in shop-blue (attached), four green in shop-green (not attached). */
async function build(): Promise<{ sandbox: Sandbox; scenario: TargetGroupScenario }> {
  sandbox = await startSandbox({ timeScale: 0.05, seed: 7 })
  scenario = await createTargetGroupShift(sandbox, {
    blue: 4,
    green: 4,
    deregistrationDelaySeconds: 10,
    registerBlue: false
  })
  const { targetGroupArn } = scenario
  sandbox.autoscaling.createGroup('shop-blue', scenario.blue.ids, {
    targetGroupArns: [targetGroupArn]
  })
  sandbox.autoscaling.createGroup('shop-green', scenario.green.ids)
  await createAlarm(sandbox)
  await Promise.all(
    scenario.blue.ids.map((id) =>
      sandbox!.elb.waitForTargetState(targetGroupArn, id, 'healthy', 15_000)
    )
  )
  return { sandbox, scenario }
}

function inputs(built: TargetGroupScenario, extra: Record<string, string> = {}) {
  return {
    mode: 'targets',
    'target-group-arn': built.targetGroupArn,
    'blue-auto-scaling-group': 'shop-blue',
    'green-auto-scaling-group': 'shop-green',
    ...COMMON_INPUTS,
    ...extra
  }
}

/** Registered (not draining) targets of the group, as the SDK reads them. */
async function registered(built: TargetGroupScenario): Promise<string[]> {
  const out = await built.elbv2.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: built.targetGroupArn })
  )
  return (out.TargetHealthDescriptions ?? [])
    .filter((d) => d.TargetHealth?.State !== 'draining')
    .map((d) => d.Target!.Id!)
    .sort()
}

/** Each group's InService instances and attached target groups, as the SDK reads them. */
async function groups(world: Sandbox): Promise<Record<string, [string[], string[]]>> {
  const client = new AutoScalingClient(world.clientConfig('autoscaling'))
  try {
    const out = await client.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['shop-blue', 'shop-green'] })
    )
    return Object.fromEntries(
      out.AutoScalingGroups!.map((g) => [
        g.AutoScalingGroupName!,
        [
          g
            .Instances!.filter((i) => i.LifecycleState === 'InService')
            .map((i) => i.InstanceId!)
            .sort(),
          g.TargetGroupARNs ?? []
        ]
      ])
    )
  } finally {
    client.destroy()
  }
}

/** Registrations as they happen: a fresh one starts `initial` (the sandbox's health events). */
function watchJoins(world: Sandbox): { id: string; at: number }[] {
  const joins: { id: string; at: number }[] = []
  world.elb.health.on('transition', (t: Transition) => {
    if (t.state === 'initial') joins.push({ id: t.id, at: Date.now() })
  })
  return joins
}

/** Which of the ids (re)joined the group after a moment. */
function rejoined(joins: { id: string; at: number }[], since: number, ids: string[]): string[] {
  return ids.filter((id) => joins.some((join) => join.id === id && join.at >= since))
}

describe('targets with Auto Scaling groups', () => {
  it('finishes the run through a blue scale-in and a green replacement, undoing neither', async () => {
    const built = await build()
    const joins = watchJoins(built.sandbox)
    const action = startAction(inputs(built.scenario), built.sandbox.env())
    await action.waitForLog(/^AWS reports /)
    // Auto Scaling scales blue in, and replaces a green instance the run has not registered yet.
    const [blue, green] = [built.scenario.blue.ids, built.scenario.green.ids]
    const replacement = instanceId('green', 9)
    built.sandbox.elb.defineInstance(replacement, built.scenario.green.apps[0].port)
    const activityAt = Date.now()
    built.sandbox.autoscaling.terminateInstance('shop-blue', blue[3])
    built.sandbox.autoscaling.terminateInstance('shop-green', green[3])
    built.sandbox.autoscaling.launchInstance('shop-green', replacement)
    const result = await action.done
    const record = report(result.outputs)

    expect([result.code, result.outputs.status, record.failure]).toEqual([
      0,
      'succeeded',
      undefined
    ])
    expect(record.events.map((event) => event.kind)).not.toContain('out-of-band')
    const now = await groups(built.sandbox)
    expect(now['shop-green']).toEqual([
      [...green.slice(0, 3), replacement].sort(),
      [built.scenario.targetGroupArn]
    ])
    expect(now['shop-blue']).toEqual([blue.slice(0, 3).sort(), []])
    expect(await registered(built.scenario)).toEqual(now['shop-green'][0])
    expect(rejoined(joins, activityAt, [blue[3], green[3]])).toEqual([])
  })

  it('rolls back to blue as Auto Scaling has left it after a scale-in and a replacement', async () => {
    const built = await build()
    const joins = watchJoins(built.sandbox)
    const action = startAction(inputs(built.scenario, { 'bake-time': '20s' }), built.sandbox.env())
    await action.waitForLog(/^AWS reports /)
    const blue = built.scenario.blue.ids
    const replacement = instanceId('blue', 9)
    built.sandbox.elb.defineInstance(replacement, built.scenario.blue.apps[0].port)
    const activityAt = Date.now()
    built.sandbox.autoscaling.terminateInstance('shop-blue', blue[3])
    built.sandbox.autoscaling.terminateInstance('shop-blue', blue[2])
    built.sandbox.autoscaling.launchInstance('shop-blue', replacement)
    await built.sandbox.elb.waitForTargetState(
      built.scenario.targetGroupArn,
      replacement,
      'healthy',
      10_000
    )
    for (const app of built.scenario.green.apps) app.setFailing(true)
    const result = await action.done
    const record = report(result.outputs)

    expect([result.code, result.outputs.status, result.outputs.traffic]).toEqual([
      1,
      'rolled-back',
      '0'
    ])
    expect(record.failedGate?.gate).toBe('target-health')
    // Not the instances it started with: the nearest state, said so in the record and summary.
    expect(record.restore?.exact).toBe(false)
    expect(record.restore?.note).toContain(`${blue[2]}, ${blue[3]} no longer in service`)
    expect(record.restore?.note).toContain(`${replacement} in service since`)
    expect(result.summary).toContain(`${replacement} in service since`)
    const now = await groups(built.sandbox)
    const inService = [blue[0], blue[1], replacement].sort()
    expect(now['shop-blue']).toEqual([inService, [built.scenario.targetGroupArn]])
    expect(now['shop-green'][1]).toEqual([])
    expect(await registered(built.scenario)).toEqual(inService)
    expect(rejoined(joins, activityAt, [blue[2], blue[3]])).toEqual([])
  })
})
