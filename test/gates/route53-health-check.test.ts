import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  type HealthCheckObservation,
  NoSuchHealthCheck,
  Route53Client
} from '@aws-sdk/client-route-53'
import { mockClient } from 'aws-sdk-client-mock'
import { CancelledError, InputError, TopologyError } from '../../src/errors.js'
import type { Gate, GateContext } from '../../src/gates/gate.js'
import {
  CALL_SPACING_MS,
  MAX_HEALTH_CHECKS,
  route53HealthCheck
} from '../../src/gates/route53-health-check.js'
import { Split } from '../../src/split.js'
import { gateDeps, inputs, type TestDeps } from './deps.js'

const route53 = mockClient(Route53Client)
const BAKE: GateContext = { phase: 'bake', split: Split.ofPercent(25), since: 0 }
const ID1 = '7d0b4f5c-8a1e-4b8e-9d3a-0c6f2e1a9b77'
const ID2 = 'abcdef11-2222-3333-4444-555555fedcba'
const ID3 = '01234567-89ab-cdef-0123-456789abcdef'

function observations(success: number, failure: number): HealthCheckObservation[] {
  const at = (i: number) => ({ Region: 'us-east-1' as const, IPAddress: `15.177.0.${i}` })
  return [
    ...Array.from({ length: success }, (_, i) => ({
      ...at(i),
      StatusReport: { Status: 'Success: HTTP Status Code 200, OK', CheckedTime: new Date() }
    })),
    ...Array.from({ length: failure }, (_, i) => ({
      ...at(success + i),
      StatusReport: {
        Status: 'Failure: HTTP Status Code 503, Service Unavailable',
        CheckedTime: new Date()
      }
    }))
  ]
}

function build(ids: string, settings = {}): [Gate, TestDeps] {
  const deps = gateDeps({ settings })
  const parsed = route53HealthCheck.readInputs(
    inputs({ 'route53-health-checks': ids }),
    deps.settings
  )!
  return [route53HealthCheck.create(parsed, deps)!, deps]
}

beforeEach(() => {
  route53.reset()
})

describe('route53-health-check inputs', () => {
  it.each([
    ['', undefined],
    [ID1, [ID1]],
    [`${ID1}, ${ID2.toUpperCase()}\n${ID2}`, [ID1, ID2]]
  ])('route53-health-checks %j', (raw, ids) => {
    const read = inputs({ 'route53-health-checks': raw })
    expect(route53HealthCheck.readInputs(read, gateDeps().settings)).toEqual(
      ids && { healthCheckIds: ids }
    )
  })

  it.each([
    ['not-an-id', 'not-an-id', 'Route 53 health check ids'],
    [`${ID1},${ID1.slice(1)}`, ID1.slice(1), 'Route 53 health check ids'],
    [
      Array.from({ length: MAX_HEALTH_CHECKS + 1 }, (_, i) => `${ID1.slice(0, -2)}${10 + i}`).join(
        ','
      ),
      undefined,
      `at most ${MAX_HEALTH_CHECKS}`
    ]
  ])('rejects %j', (raw, value, accepted) => {
    const read = inputs({ 'route53-health-checks': raw })
    let error: unknown
    try {
      route53HealthCheck.readInputs(read, gateDeps().settings)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('route53-health-checks')
    if (value) expect((error as InputError).value).toBe(value)
    expect((error as InputError).message).toContain(accepted)
  })
})

describe('route53-health-check gate', () => {
  it('passes when more than 18 % of the checkers report Success, as Route 53 decides', async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves({ HealthCheckObservations: observations(3, 13) })
    const [gate] = build(ID1)
    expect(await gate.check(BAKE)).toEqual({
      status: 'pass',
      detail: `${ID1}: 3/16 checkers report Success`
    })
  })

  it('fails at 18 % or less, with what a failing checker saw', async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves({ HealthCheckObservations: observations(2, 14) })
    const [gate] = build(ID1)
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail:
        `${ID1}: 2/16 checkers report Success (Route 53 needs more than 18%): ` +
        'Failure: HTTP Status Code 503, Service Unavailable'
    })
  })

  it('waits for a new health check without observations, up to health-timeout', async () => {
    route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [] })
    const [gate, deps] = build(ID1, { healthTimeoutMs: 60_000 })
    expect((await gate.check(BAKE)).status).toBe('pending')
    deps.clock.advance(60_000)
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail: `${ID1}: no checker has reported after 60s (health-timeout)`
    })
  })

  it('names only the failing checks when one of several fails', async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves({ HealthCheckObservations: observations(16, 0) })
      .on(GetHealthCheckStatusCommand, { HealthCheckId: ID2 })
      .resolves({ HealthCheckObservations: observations(0, 16) })
    const [gate] = build(`${ID1},${ID2}`)
    const result = await gate.check(BAKE)
    expect(result.status).toBe('fail')
    expect(result.detail).toMatch(new RegExp(`^${ID2}: 0/16`))
  })

  it('spaces its calls to stay under GetHealthCheckStatus’s 1 request/s, across checks', async () => {
    const [gate, deps] = build(`${ID1},${ID2},${ID3}`, { checkIntervalMs: 1000 })
    const calledAt: number[] = []
    route53.on(GetHealthCheckStatusCommand).callsFake(() => {
      calledAt.push(deps.clock.now())
      return { HealthCheckObservations: observations(16, 0) }
    })
    // Three ids: the runner asks no more often than one spacing per id.
    expect(gate.intervalMs).toBe(3 * CALL_SPACING_MS)
    await gate.check(BAKE)
    await gate.check(BAKE) // at once, as a ready check right after a bake check might
    expect(calledAt).toHaveLength(6)
    const gaps = calledAt.slice(1).map((at, i) => at - calledAt[i])
    expect(gaps.every((gap) => gap >= CALL_SPACING_MS)).toBe(true)
    expect(deps.clock.sleeps).toEqual(Array(5).fill(CALL_SPACING_MS))
  })

  it('names the operation and the id when AWS refuses', async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .rejects(
        new NoSuchHealthCheck({ message: `No health check found with id ${ID1}`, $metadata: {} })
      )
    const [gate] = build(ID1)
    await expect(gate.check(BAKE)).rejects.toThrow(
      `GetHealthCheckStatus on ${ID1} failed: NoSuchHealthCheck: No health check found`
    )
  })

  it('stops waiting when the run is cancelled', async () => {
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves({ HealthCheckObservations: observations(16, 0) })
    const [gate] = build(`${ID1},${ID2}`)
    const controller = new AbortController()
    await gate.check(BAKE)
    controller.abort()
    await expect(gate.check({ ...BAKE, signal: controller.signal })).rejects.toThrow(CancelledError)
  })
})

describe('route53-health-check inspection (before the first write)', () => {
  function typed(types: Record<string, string>): void {
    for (const [id, type] of Object.entries(types)) {
      route53.on(GetHealthCheckCommand, { HealthCheckId: id }).resolves({
        HealthCheck: {
          Id: id,
          CallerReference: 'ref',
          HealthCheckConfig: { Type: type as never },
          HealthCheckVersion: 1
        }
      })
    }
  }

  it('accepts endpoint checks, which GetHealthCheckStatus can read', async () => {
    typed({ [ID1]: 'HTTPS', [ID2]: 'TCP' })
    const [gate] = build(`${ID1},${ID2}`)
    await expect(gate.inspect!()).resolves.toBeUndefined()
    expect(route53.commandCalls(GetHealthCheckCommand)).toHaveLength(2)
    expect(route53.commandCalls(GetHealthCheckStatusCommand)).toHaveLength(0)
  })

  it.each(['CALCULATED', 'CLOUDWATCH_METRIC', 'RECOVERY_CONTROL'])(
    'refuses a %s check, pointing to an alarm on AWS/Route53 HealthCheckStatus (hole 9)',
    async (type) => {
      typed({ [ID1]: 'HTTP', [ID2]: type })
      const [gate] = build(`${ID1},${ID2}`)
      const refusal = gate.inspect!()
      await expect(refusal).rejects.toBeInstanceOf(TopologyError)
      await expect(refusal).rejects.toMatchObject({ input: 'route53-health-checks', value: ID2 })
      await expect(refusal).rejects.toThrow(
        `AWS shows a ${type} health check, whose status GetHealthCheckStatus cannot read`
      )
      await expect(refusal).rejects.toThrow(
        `CloudWatch alarm on the metric AWS/Route53 HealthCheckStatus (dimension HealthCheckId=${ID2}) in alarms`
      )
    }
  )

  it('refuses an id with no health check behind it, naming the input', async () => {
    route53
      .on(GetHealthCheckCommand)
      .rejects(new NoSuchHealthCheck({ message: `No health check ${ID1}`, $metadata: {} }))
    const [gate] = build(ID1)
    await expect(gate.inspect!()).rejects.toThrow(
      `Input 'route53-health-checks' is "${ID1}", but AWS shows no health check with this id`
    )
  })
})
