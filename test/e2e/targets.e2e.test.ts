/**
 * Mode `targets` end to end: the bundled action as a process moves real targets (local app
 * servers behind instance ids) inside one sandbox target group while clients keep calling the
 * listener, with Auto Scaling groups from the sandbox's Auto Scaling service for the hand-over.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling'
import {
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Transition } from '../../sandbox/elbv2/health.js'
import { type App, type Sandbox, startSandbox } from '../../sandbox/index.js'
import {
  createTargetGroupShift,
  instanceId,
  type TargetGroupScenario
} from '../../sandbox/scenario.js'
import type { RunRecord } from '../../src/record.js'
import { runAction, startAction, tolerance, Traffic } from './harness.js'

/** Health checks every 250 ms (5 s × 0.05); a deregistration delay of 10 s drains in 0.5 s. */
const TIME_SCALE = 0.05

interface World {
  sandbox: Sandbox
  scenario: TargetGroupScenario
  elbv2: ElasticLoadBalancingV2Client
  targetGroupArn: string
  listenerUrl: string
  blue: string[]
  green: string[]
  /** Green's app servers, one per green target unless shared. */
  greenApps: App[]
  /** Every health transition of the group once blue is up, in order. */
  transitions: Transition[]
}

let world: World | undefined
let traffic: Traffic | undefined

jest.setTimeout(60_000)

afterEach(async () => {
  await traffic?.stop()
  traffic = undefined
  if (world) {
    await world.scenario.close()
    await world.sandbox.close()
    world = undefined
  }
})

/**
 * One load balancer, one instance target group with blue registered (by list, or by blue's Auto
 * Scaling group), and apps behind every instance id. `apps` caps the servers per side: targets
 * beyond it share them (a fleet of 400 needs no 400 servers).
 */
async function buildWorld(options: {
  blue: number
  green: number
  delaySeconds?: number
  apps?: number
  autoScaling?: boolean
  /** Health-check interval and timeout in AWS seconds (default 5 and 2). */
  healthCheck?: { interval: number; timeout: number }
}): Promise<World> {
  const sandbox = await startSandbox({ timeScale: TIME_SCALE })
  let scenario: TargetGroupScenario
  try {
    scenario = await createTargetGroupShift(sandbox, {
      blue: options.blue,
      green: options.green,
      appsPerColor: options.apps,
      deregistrationDelaySeconds: options.delaySeconds ?? 10,
      healthCheck: {
        intervalSeconds: options.healthCheck?.interval ?? 5,
        timeoutSeconds: options.healthCheck?.timeout ?? 2
      },
      registerBlue: !options.autoScaling
    })
  } catch (error) {
    await sandbox.close()
    throw error
  }
  const built: World = {
    sandbox,
    scenario,
    elbv2: scenario.elbv2,
    targetGroupArn: scenario.targetGroupArn,
    listenerUrl: scenario.listenerUrl,
    blue: scenario.blue.ids,
    green: scenario.green.ids,
    greenApps: scenario.green.apps,
    transitions: []
  }
  world = built
  sandbox.elb.health.on('transition', (transition: Transition) =>
    built.transitions.push(transition)
  )
  if (options.autoScaling) {
    sandbox.autoscaling.createGroup('shop-blue', built.blue, {
      targetGroupArns: [built.targetGroupArn]
    })
    sandbox.autoscaling.createGroup('shop-green', built.green)
    await Promise.all(
      built.blue.map((id) =>
        sandbox.elb.waitForTargetState(built.targetGroupArn, id, 'healthy', 15_000)
      )
    )
  }
  return built
}

function inputs(built: World, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    mode: 'targets',
    'target-group-arn': built.targetGroupArn,
    'blue-targets': built.blue.join(','),
    'green-targets': built.green.join(','),
    steps: '10,50,100',
    'bake-time': '1s',
    'check-interval': '200ms',
    'health-timeout': '10s',
    'verify-timeout': '30s',
    ...overrides
  }
}

/** Registered targets by state, e.g. { healthy: [...], draining: [...] }. */
async function states(built: World): Promise<Record<string, string[]>> {
  const out = await built.elbv2.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: built.targetGroupArn })
  )
  const found: Record<string, string[]> = {}
  for (const description of out.TargetHealthDescriptions ?? []) {
    ;(found[description.TargetHealth!.State!] ??= []).push(description.Target!.Id!)
  }
  for (const ids of Object.values(found)) ids.sort()
  return found
}

function report(outputs: Record<string, string>): RunRecord {
  return JSON.parse(outputs.report) as RunRecord
}

/** Blue targets that ever started draining. */
function blueDrained(built: World): string[] {
  return built.transitions
    .filter((t) => t.state === 'draining' && built.blue.includes(t.id))
    .map((t) => t.id)
}

describe('targets end to end', () => {
  it('migrates 3 blue → 5 green with zero failed client requests', async () => {
    const built = await buildWorld({ blue: 3, green: 5 })
    traffic = new Traffic(built.listenerUrl)
    const result = await runAction(inputs(built), built.sandbox.env())
    const samples = await traffic.stop()
    traffic = undefined

    expect(result.outputs.status).toBe('succeeded')
    expect(result.code).toBe(0)
    expect(result.outputs.traffic).toBe('100')
    // Success waited for draining (after the last bake): only green is left, none draining.
    expect(await states(built)).toEqual({ healthy: [...built.green].sort() })
    expect(samples.length).toBeGreaterThan(200)
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])

    // Each step's live split is green's share of serving targets, and clients saw that share.
    const record = report(result.outputs)
    // Each step converges in two phases (green joins, then blue leaves): the bake follows the
    // second, at the step's split.
    const stepSplits = record.steps.map((step) => step.toPercent)
    expect(stepSplits).toEqual([25, 60, 100])
    const converged = record.events.filter(
      (event) => event.kind === 'converged' && stepSplits.includes(event.percent!)
    )
    expect(converged.map((event) => event.percent)).toEqual([25, 60, 100])
    for (const event of converged) {
      const next = record.events.find(
        (later) => later.at > event.at && (later.kind === 'shift' || later.kind === 'done')
      )
      const seen = samples.filter((s) => s.at > event.at + 50 && s.at < next!.at - 50)
      const green = seen.filter((s) => s.version === 'v2').length / seen.length
      const expected = event.percent! / 100
      expect(seen.length).toBeGreaterThan(20)
      expect(Math.abs(green - expected)).toBeLessThanOrEqual(
        tolerance(expected, seen.length) + 0.02
      )
    }
    expect(result.summary).toContain(
      'green 3/5 healthy, blue 2/3 registered (60% of serving targets)'
    )
    // The lease was on the target group; released, it says which run moved the traffic last.
    const tags = await built.elbv2.send(
      new DescribeTagsCommand({ ResourceArns: [built.targetGroupArn] })
    )
    const leaseTags = Object.fromEntries(
      (tags.TagDescriptions?.[0]?.Tags ?? [])
        .filter((tag) => tag.Key?.startsWith('traffic-shift:'))
        .map((tag) => [tag.Key, tag.Value])
    )
    expect(Object.keys(leaseTags).sort()).toEqual([
      'traffic-shift:last-moved-at',
      'traffic-shift:last-moved-by',
      'traffic-shift:last-outcome'
    ])
    expect(leaseTags['traffic-shift:last-moved-by']).toBe(result.outputs['run-url'])
  })

  it('rolls back before any blue target is removed when a green target never becomes healthy', async () => {
    const built = await buildWorld({ blue: 3, green: 5 })
    built.greenApps[0].setHealthy(false)
    traffic = new Traffic(built.listenerUrl)
    const result = await runAction(inputs(built), built.sandbox.env())
    const samples = await traffic.stop()
    traffic = undefined

    expect(result.outputs.status).toBe('rolled-back')
    expect(result.code).toBe(1)
    expect(result.outputs.traffic).toBe('0')
    const record = report(result.outputs)
    expect(record.failure).toContain(
      `${built.green[0]}:8080 unhealthy (Target.ResponseCodeMismatch`
    )
    expect(blueDrained(built)).toEqual([])
    expect((await states(built)).healthy).toEqual([...built.blue].sort())
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])
  })

  it('rolls back when cancelled (SIGINT) while it waits for blue to drain after the last bake', async () => {
    // 200 s of deregistration delay drain in 10 s here: long enough to cancel in the middle. The
    // delay is beyond verify-timeout (30 s): draining is waited for after the bake, not in it.
    const built = await buildWorld({ blue: 2, green: 2, delaySeconds: 200 })
    traffic = new Traffic(built.listenerUrl)
    const running = startAction(inputs(built, { steps: 'all-at-once' }), built.sandbox.env())
    await running.waitForLog(/Waiting for 2 deregistered targets to finish draining/, 20_000)
    expect((await states(built)).draining).toEqual([...built.blue].sort())
    const cancelledAt = Date.now()
    running.process.kill('SIGINT')
    const result = await running.done
    const samples = await traffic.stop()
    traffic = undefined

    expect(result.outputs.status).toBe('rolled-back')
    const kinds = report(result.outputs).events.map((event) => event.kind)
    expect(kinds).toContain('cancelled')
    expect(kinds).not.toContain('settled')
    // Within the runner's 7.5 s between SIGINT and SIGTERM.
    expect(Date.now() - cancelledAt).toBeLessThan(7500)
    const now = await states(built)
    expect(now.healthy).toEqual([...built.blue].sort())
    expect(now.draining).toEqual([...built.green].sort())
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])
  })

  it('hands Auto Scaling groups over: green joins at 100 %, blue leaves, scale-outs join', async () => {
    const built = await buildWorld({ blue: 2, green: 3, autoScaling: true })
    traffic = new Traffic(built.listenerUrl)
    const result = await runAction(
      inputs(built, {
        'blue-targets': '',
        'green-targets': '',
        'blue-auto-scaling-group': 'shop-blue',
        'green-auto-scaling-group': 'shop-green',
        steps: '50,100'
      }),
      built.sandbox.env()
    )
    expect(result.outputs.status).toBe('succeeded')
    const asg = new AutoScalingClient(built.sandbox.clientConfig('autoscaling'))
    const groups = await asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['shop-blue', 'shop-green'] })
    )
    asg.destroy()
    expect(
      groups.AutoScalingGroups!.map((g) => [g.AutoScalingGroupName, g.TargetGroupARNs])
    ).toEqual([
      ['shop-blue', []],
      ['shop-green', [built.targetGroupArn]]
    ])

    // A scale-out of green now joins the target group on its own.
    const extra = instanceId('green', 99)
    built.sandbox.elb.defineInstance(extra, built.greenApps[0].port)
    built.sandbox.autoscaling.launchInstance('shop-green', extra)
    await built.sandbox.elb.waitForTargetState(built.targetGroupArn, extra, 'healthy', 10_000)
    const samples = await traffic.stop()
    traffic = undefined
    expect((await states(built)).healthy).toEqual([...built.green, extra].sort())
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])
  })
})

describe('targets end to end: run time by fleet size', () => {
  it('migrates 4, 40 and 400 targets', async () => {
    const timings: string[] = []
    for (const total of [4, 40, 400]) {
      // Checks every 1 s with a 250 ms timeout, so 400 targets on 8 local servers keep up.
      const built = await buildWorld({
        blue: total / 2,
        green: total / 2,
        apps: 4,
        healthCheck: { interval: 20, timeout: 5 }
      })
      traffic = new Traffic(built.listenerUrl, 2)
      const calls = built.sandbox.faults.calls.length
      const result = await runAction(inputs(built), built.sandbox.env())
      const samples = await traffic.stop()
      traffic = undefined
      const record = report(result.outputs)
      expect([total, result.outputs.status, record.failure]).toEqual([
        total,
        'succeeded',
        undefined
      ])
      expect(samples.filter((sample) => sample.status !== 200)).toEqual([])
      const converge = record.steps.map((step) => (step.convergedAt! - step.startedAt) / 1000)
      timings.push(
        `${total} targets: ${(result.elapsedMs / 1000).toFixed(1)} s wall, ` +
          `run ${result.outputs['duration-seconds']} s, steps converged in ` +
          `${converge.map((s) => s.toFixed(1)).join(' / ')} s, ` +
          `${built.sandbox.faults.calls.length - calls} API calls`
      )
      await world!.scenario.close()
      await world!.sandbox.close()
      world = undefined
    }
    console.log(
      `targets mode run time by fleet size (3 steps, 1 s bake, 1 s health checks):\n${timings.join('\n')}`
    )
  }, 180_000)
})
