import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import { AwsCallError, CancelledError, InputError } from '../../src/errors.js'
import type { Gate, GateContext } from '../../src/gates/gate.js'
import { targetHealth } from '../../src/gates/target-health.js'
import { Split } from '../../src/split.js'
import { gateDeps, type HealthScope, inputs, type TestDeps } from './deps.js'

const GREEN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/0123456789abcdef'
const OTHER =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green-b/fedcba9876543210'
const BAKE: GateContext = { phase: 'bake', split: Split.ofPercent(10), since: 0 }
const FIVE_MINUTES = 5 * 60_000

const elbv2 = mockClient(ElasticLoadBalancingV2Client)

function target(
  id: string,
  state: string,
  reason?: string,
  description?: string
): TargetHealthDescription {
  return {
    Target: { Id: id, Port: 80 },
    TargetHealth: {
      State: state as never,
      ...(reason ? { Reason: reason as never } : {}),
      ...(description ? { Description: description } : {})
    }
  }
}

const healthy = (id: string) => target(id, 'healthy')
const starting = (id: string) =>
  target(id, 'initial', 'Elb.InitialHealthChecking', 'Initial health checks in progress')
const failing = (id: string) =>
  target(
    id,
    'unhealthy',
    'Target.ResponseCodeMismatch',
    'Health checks failed with these codes: [502]'
  )

function answer(...targets: TargetHealthDescription[]): void {
  elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: targets })
}

function build(
  minHealthyPercent = '',
  scope: HealthScope[] = [{ targetGroupArn: GREEN }]
): [Gate, TestDeps] {
  const settings = targetHealth.readInputs(
    inputs({ 'min-healthy-percent': minHealthyPercent }),
    gateDeps().settings
  )!
  const deps = gateDeps({ scope, settings: { healthTimeoutMs: FIVE_MINUTES } })
  return [targetHealth.create(settings, deps)!, deps]
}

beforeEach(() => {
  elbv2.reset()
})

describe('target-health inputs', () => {
  it.each([
    ['', 100],
    ['100', 100],
    ['1', 1],
    [' 75 ', 75]
  ])('min-healthy-percent %j → %d', (raw, expected) => {
    const settings = targetHealth.readInputs(
      inputs({ 'min-healthy-percent': raw }),
      gateDeps().settings
    )
    expect(settings).toEqual({ minHealthyPercent: expected })
  })

  it.each(['0', '101', '50.5', '50%', '-1', 'all'])('min-healthy-percent %j is refused', (raw) => {
    const read = () =>
      targetHealth.readInputs(inputs({ 'min-healthy-percent': raw }), gateDeps().settings)
    expect(read).toThrow(InputError)
    expect(read).toThrow(/'min-healthy-percent'.*whole number from 1 to 100/)
  })

  it('does not apply when the backend has nothing on an ELB to watch', () => {
    expect(targetHealth.create({ minHealthyPercent: 100 }, gateDeps({ scope: [] }))).toBeUndefined()
  })

  it('polls at the common check interval', () => {
    const [gate, deps] = build()
    expect(gate.intervalMs).toBe(deps.settings.checkIntervalMs)
  })
})

describe('target-health checks', () => {
  it('passes when every target is healthy, asking for the whole group', async () => {
    answer(healthy('i-1'), healthy('i-2'))
    const [gate] = build()
    const result = await gate.check(BAKE)
    expect(result).toEqual({
      status: 'pass',
      detail: 'green in green: 2/2 targets healthy, 2 needed (min-healthy-percent 100)'
    })
    expect(
      elbv2.commandCalls(DescribeTargetHealthCommand).map((call) => call.args[0].input)
    ).toEqual([{ TargetGroupArn: GREEN }])
  })

  it('names the watched targets when the scope lists target ids', async () => {
    answer(healthy('10.0.0.5'), healthy('10.0.0.6'))
    const [gate] = build('', [{ targetGroupArn: GREEN, targetIds: ['10.0.0.5', '10.0.0.6'] }])
    expect((await gate.check(BAKE)).status).toBe('pass')
    expect(elbv2.commandCalls(DescribeTargetHealthCommand)[0].args[0].input).toEqual({
      TargetGroupArn: GREEN,
      Targets: [{ Id: '10.0.0.5' }, { Id: '10.0.0.6' }]
    })
  })

  it('says whose targets each detail counts: green’s, in a group blue shares', async () => {
    const shop =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/0123456789abcdef'
    answer(healthy('i-g1'))
    const [gate] = build('', [{ targetGroupArn: shop, targetIds: ['i-g1'] }])
    expect(await gate.check(BAKE)).toEqual({
      status: 'pass',
      detail: 'green in shop: 1/1 targets healthy, 1 needed (min-healthy-percent 100)'
    })
    answer(target('i-g1', 'unused', 'Target.NotRegistered', 'Target is not registered'))
    expect(await gate.check({ ...BAKE, split: Split.BLUE })).toEqual({
      status: 'pass',
      detail: 'green in shop: 1 targets not registered yet (green carries no traffic)'
    })
  })

  it('waits for initial targets, then fails once the health timeout has passed', async () => {
    answer(healthy('i-1'), starting('i-2'))
    const [gate, deps] = build()
    const first = await gate.check(BAKE)
    expect(first.status).toBe('pending')
    expect(first.detail).toContain('waiting 0s of health-timeout 300s')
    expect(first.detail).toContain(
      'i-2:80 initial (Elb.InitialHealthChecking: Initial health checks in progress)'
    )

    deps.clock.advance(FIVE_MINUTES - 1)
    expect((await gate.check(BAKE)).status).toBe('pending')

    deps.clock.advance(1)
    const late = await gate.check(BAKE)
    expect(late.status).toBe('fail')
    expect(late.detail).toBe(
      'green in green: 1/2 targets healthy, 2 needed (min-healthy-percent 100); ' +
        'still not healthy after health-timeout 300s: ' +
        'i-2:80 initial (Elb.InitialHealthChecking: Initial health checks in progress)'
    )
  })

  it('treats a group not yet used by a listener as pending', async () => {
    answer(
      target(
        'i-1',
        'unused',
        'Target.NotInUse',
        'Target group is not configured to receive traffic from the load balancer'
      )
    )
    const [gate] = build()
    const result = await gate.check({ phase: 'ready', split: Split.BLUE, since: 0 })
    expect(result.status).toBe('pending')
    expect(result.detail).toContain(
      'i-1:80 unused (Target.NotInUse: Target group is not configured'
    )
  })

  it('times each target from when it started waiting, not from the first pending answer', async () => {
    answer(healthy('i-1'), starting('i-2'))
    const [gate, deps] = build()
    expect((await gate.check(BAKE)).status).toBe('pending')
    deps.clock.advance(4 * 60_000)
    answer(healthy('i-1'), healthy('i-2'), starting('i-3'))
    expect((await gate.check(BAKE)).status).toBe('pending')
    deps.clock.advance(2 * 60_000)
    const result = await gate.check(BAKE)
    expect(result.status).toBe('pending')
    expect(result.detail).toContain('waiting 120s of health-timeout 300s')
  })

  it('fails at once on an unhealthy target, with its reason code and description', async () => {
    answer(healthy('i-1'), failing('i-2'))
    const [gate] = build()
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail:
        'green in green: 1/2 targets healthy, 2 needed (min-healthy-percent 100); not healthy: ' +
        'i-2:80 unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [502])'
    })
  })

  it('fails at once when unavailable targets leave too few to wait for', async () => {
    answer(
      starting('i-1'),
      target(
        'i-2',
        'unavailable',
        'Elb.InternalError',
        'Health checks failed due to an internal error'
      )
    )
    const [gate] = build()
    const result = await gate.check(BAKE)
    expect(result.status).toBe('fail')
    expect(result.detail).toContain('i-2:80 unavailable (Elb.InternalError: Health checks failed')
    expect(result.detail).toContain('still starting: i-1:80 initial')
  })

  it('leaves unhealthy.draining out like draining: the target is leaving', async () => {
    answer(
      healthy('i-1'),
      target('i-2', 'unhealthy.draining', 'Target.Timeout', 'Request timed out')
    )
    const [gate] = build()
    expect(await gate.check(BAKE)).toEqual({
      status: 'pass',
      detail: 'green in green: 1/1 targets healthy, 1 needed (min-healthy-percent 100)'
    })
  })

  it('fails at once on an unused target without Target.NotInUse: waiting will not fix it', async () => {
    answer(healthy('i-1'), target('i-2', 'unused'))
    const [gate] = build()
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail:
        'green in green: 1/2 targets healthy, 2 needed (min-healthy-percent 100); not healthy: i-2:80 unused'
    })
  })

  it.each([
    ['50', 2, 2, 'pass', '2/4 targets healthy, 2 needed'],
    ['50', 1, 2, 'fail', '1/3 targets healthy, 2 needed'],
    ['50', 2, 1, 'pass', '2/3 targets healthy, 2 needed'],
    ['1', 1, 2, 'pass', '1/3 targets healthy, 1 needed'],
    ['1', 0, 3, 'fail', '0/3 targets healthy, 1 needed'],
    ['75', 3, 1, 'pass', '3/4 targets healthy, 3 needed']
  ])(
    'min-healthy-percent %s with %i healthy and %i unhealthy: %s',
    async (percent, up, down, status, summary) => {
      const ids = (prefix: string, count: number) =>
        Array.from({ length: count }, (_, i) => `${prefix}${i}`)
      answer(...ids('up-', up).map(healthy), ...ids('down-', down).map(failing))
      const [gate] = build(percent)
      const result = await gate.check(BAKE)
      expect(result.status).toBe(status)
      expect(result.detail).toContain(summary)
    }
  )

  it('leaves draining targets out: they are on their way out', async () => {
    answer(
      healthy('i-1'),
      target(
        'i-2',
        'draining',
        'Target.DeregistrationInProgress',
        'Target deregistration is in progress'
      )
    )
    const [gate] = build()
    expect(await gate.check(BAKE)).toEqual({
      status: 'pass',
      detail: 'green in green: 1/1 targets healthy, 1 needed (min-healthy-percent 100)'
    })
  })

  it('fails when no target is registered at all', async () => {
    answer()
    const [gate] = build()
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail: 'green in green: no registered targets that can take traffic'
    })
  })

  it('fails when the only targets are draining', async () => {
    answer(
      target(
        'i-1',
        'draining',
        'Target.DeregistrationInProgress',
        'Target deregistration is in progress'
      )
    )
    const [gate] = build()
    const result = await gate.check(BAKE)
    expect(result.status).toBe('fail')
    expect(result.detail).toContain('no registered targets that can take traffic: i-1:80 draining')
  })

  it('judges only the registered ones of green targets listed in a shared group (the backend registers the rest step by step)', async () => {
    answer(
      healthy('i-1'),
      target(
        'i-2',
        'unused',
        'Target.NotRegistered',
        'Target is not registered to the target group'
      )
    )
    const [gate] = build('', [{ targetGroupArn: GREEN, targetIds: ['i-1', 'i-2'] }])
    const result = await gate.check(BAKE)
    expect(result.status).toBe('pass')
    expect(result.detail).toContain('1 not registered yet')
  })

  it('passes a shared group where no green target is registered while green carries nothing', async () => {
    answer(target('i-1', 'unused', 'Target.NotRegistered', 'Target is not registered'))
    const [gate] = build('', [{ targetGroupArn: GREEN, targetIds: ['i-1'] }])
    expect((await gate.check({ ...BAKE, split: Split.BLUE })).status).toBe('pass')
    // Once green should carry traffic, no registered green target is a failure.
    expect((await gate.check(BAKE)).status).toBe('fail')
  })

  it('waits, within the health timeout, while a registration converges and reads do not show it yet', async () => {
    // ELB's reads are eventually consistent: right after RegisterTargets the target may not show.
    answer(target('i-1', 'unused', 'Target.NotRegistered', 'Target is not registered'))
    const [gate, deps] = build('', [{ targetGroupArn: GREEN, targetIds: ['i-1'] }])
    const converging: GateContext = { ...BAKE, phase: 'converge' }
    expect(await gate.check(converging)).toEqual({
      status: 'pending',
      detail:
        "green in green: none of 1 targets shows as registered yet (ELB's reads can lag a registration); waiting 0s of health-timeout 300s"
    })
    deps.clock.advance(FIVE_MINUTES - 1)
    expect((await gate.check(converging)).status).toBe('pending')
    deps.clock.advance(1)
    expect(await gate.check(converging)).toEqual({
      status: 'fail',
      detail: 'green in green: no registered targets that can take traffic; 1 not registered yet'
    })
  })

  it('judges each target group on its own', async () => {
    elbv2
      .on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN })
      .resolves({ TargetHealthDescriptions: [healthy('i-1'), healthy('i-2'), healthy('i-3')] })
      .on(DescribeTargetHealthCommand, { TargetGroupArn: OTHER })
      .resolves({ TargetHealthDescriptions: [failing('i-9')] })
    const [gate] = build('50', [{ targetGroupArn: GREEN }, { targetGroupArn: OTHER }])
    const result = await gate.check(BAKE)
    expect(result.status).toBe('fail')
    expect(result.detail).toMatch(/^green in green-b: 0\/1 targets healthy/)
    expect(elbv2.commandCalls(DescribeTargetHealthCommand)).toHaveLength(2)
  })

  it('names the operation and group when AWS refuses the call', async () => {
    elbv2.on(DescribeTargetHealthCommand).rejects(new Error('User is not authorized'))
    const [gate] = build()
    const check = gate.check(BAKE)
    await expect(check).rejects.toBeInstanceOf(AwsCallError)
    await expect(check).rejects.toThrow(`DescribeTargetHealth on ${GREEN} failed`)
  })

  it('passes the cancel signal to the SDK and reports an aborted call as a cancellation', async () => {
    const controller = new AbortController()
    elbv2.on(DescribeTargetHealthCommand).callsFake(async () => {
      controller.abort()
      throw Object.assign(new Error('Request aborted'), { name: 'AbortError' })
    })
    const [gate] = build()
    await expect(gate.check({ ...BAKE, signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError
    )
    expect((elbv2.commandCalls(DescribeTargetHealthCommand)[0].args as unknown[])[1]).toEqual({
      abortSignal: controller.signal
    })
  })
})
