import { describe, expect, it } from '@jest/globals'
import { createClients } from '../../src/aws/clients.js'
import { MemoryLogger } from '../../src/logger.js'
import { runIdentity, runUrlOf } from '../../src/lease/identity.js'
import { leaseFor, readLeaseInputs } from '../../src/lease/index.js'
import {
  decodeFields,
  encodeFields,
  isEarlierAttempt,
  LEASE_MARGIN_MS,
  leaseDurationMs,
  requireOurs,
  takeable
} from '../../src/lease/lease.js'
import type { CommonSettings } from '../../src/settings.js'
import { FakeClock } from '../helpers/fake-clock.js'

describe('run identity', () => {
  it('is the run URL with its attempt, so a re-run is another holder', () => {
    const env = {
      GITHUB_SERVER_URL: 'https://ghe.example.com',
      GITHUB_REPOSITORY: 'octo/shop',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '3'
    }
    expect(runUrlOf(env)).toBe('https://ghe.example.com/octo/shop/actions/runs/42/attempts/3')
    expect(runUrlOf({ GITHUB_REPOSITORY: 'octo/shop', GITHUB_RUN_ID: '42' })).toBe(
      'https://github.com/octo/shop/actions/runs/42'
    )
    expect(runUrlOf({})).toBeUndefined()
  })

  it('names the host and process outside Actions, with an id unique to the process', () => {
    const a = runIdentity({})
    const b = runIdentity({})
    expect(a.runUrl).toMatch(new RegExp(`^local:.+:${process.pid}$`))
    expect(a.leaseId).not.toBe(b.leaseId)
  })
})

describe('the lease model', () => {
  const holder = {
    runUrl: 'https://github.com/o/r/actions/runs/1/attempts/1',
    leaseId: 'id',
    startedAt: Date.UTC(2026, 0, 1),
    expiresAt: Date.UTC(2026, 0, 1, 0, 20)
  }

  it('encodes and decodes every field', () => {
    const last = { by: 'https://github.com/o/r/actions/runs/0', outcome: 'rolled-back', at: 5 }
    expect(decodeFields(encodeFields({ holder, last }))).toEqual({ holder, last })
    expect(encodeFields({ last }).has('lease-holder')).toBe(false)
  })

  it('takes a free lease, an expired one with a warning, refuses a live one unless broken', () => {
    expect(takeable('L', {}, 0, false)).toEqual({ taking: 'free' })
    expect(takeable('L', { holder }, holder.expiresAt, false).taking).toBe('expired')
    expect(() => takeable('L', { holder }, holder.expiresAt - 1, false)).toThrow(
      `Another run holds the lease on L: ${holder.runUrl}, until 2026-01-01T00:20:00.000Z`
    )
    expect(takeable('L', { holder }, holder.expiresAt - 1, true).taking).toBe('broken')
  })

  it("takes a live lease of an earlier attempt of the same run at once (a killed run's re-run)", () => {
    const rerun = { runUrl: 'https://github.com/o/r/actions/runs/1/attempts/2', leaseId: 'new' }
    const taken = takeable('L', { holder }, holder.expiresAt - 1, false, rerun)
    expect(taken.taking).toBe('earlier-attempt')
    expect(taken.warning).toContain('an earlier attempt of this workflow run')
    // Another run, or the same attempt (a matrix job beside it), is still refused.
    for (const runUrl of [
      'https://github.com/o/r/actions/runs/2/attempts/2',
      'https://github.com/o/r/actions/runs/1/attempts/1'
    ]) {
      expect(() =>
        takeable('L', { holder }, holder.expiresAt - 1, false, { runUrl, leaseId: 'x' })
      ).toThrow('Another run holds the lease')
    }
  })

  it.each([
    [
      'https://github.com/o/r/actions/runs/1/attempts/1',
      'https://github.com/o/r/actions/runs/1/attempts/2',
      true
    ],
    [
      'https://github.com/o/r/actions/runs/1/attempts/9',
      'https://github.com/o/r/actions/runs/1/attempts/10',
      true
    ],
    [
      'https://github.com/o/r/actions/runs/1/attempts/2',
      'https://github.com/o/r/actions/runs/1/attempts/1',
      false
    ],
    [
      'https://github.com/o/r/actions/runs/1/attempts/1',
      'https://github.com/o/x/actions/runs/1/attempts/2',
      false
    ],
    [
      'https://ghe.example.com/~ops/r/actions/runs/1/attempts/1',
      'https://ghe.example.com/~ops/r/actions/runs/1/attempts/2',
      true
    ],
    [
      'https://ghe.example.com/_ops/r/actions/runs/1/attempts/1',
      'https://ghe.example.com/~ops/r/actions/runs/1/attempts/2',
      true
    ],
    ['local:host:12', 'local:host:13', false]
  ])('%s is an earlier attempt of %s: %s', (held, mine, expected) => {
    expect(isEarlierAttempt(held, mine)).toBe(expected)
  })

  it('lasts longer than a live run goes between two writes', () => {
    const timing = { verifyTimeoutMs: 300_000, bakeMs: 120_000, healthTimeoutMs: 300_000 }
    expect(leaseDurationMs(timing)).toBe(300_000 + 120_000 + 600_000 + LEASE_MARGIN_MS)
  })

  it('says who moved the traffic when a lost lease was released since', () => {
    const me = { runUrl: 'https://github.com/octo/shop/actions/runs/7/attempts/1', leaseId: 'me' }
    const by = 'https://github.com/octo/shop/actions/runs/8/attempts/1'
    const at = Date.UTC(2026, 0, 2)
    expect(() => requireOurs('l', { last: { by, outcome: 'succeeded', at } }, me)).toThrow(
      `to nobody: released since, the traffic last moved by ${by} (succeeded, 2026-01-02T00:00:00.000Z)`
    )
    expect(() => requireOurs('l', {}, me)).toThrow('to nobody (the lease was removed)')
    expect(() =>
      requireOurs('l', { holder: { ...me, startedAt: 0, expiresAt: 0 } }, me)
    ).not.toThrow()
  })
})

describe('leaseFor', () => {
  const deps = {
    clients: createClients('us-east-1'),
    clock: new FakeClock(),
    logger: new MemoryLogger()
  }
  const settings = (mode: string) =>
    ({ mode, bakeMs: 0, verifyTimeoutMs: 1, healthTimeoutMs: 1 }) as CommonSettings
  const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'

  it('leases what each mode moves', () => {
    const listener = `${arn}:listener/app/shop/1/2`
    const rule = `${arn}:listener-rule/app/shop/1/2/3`
    const group = `${arn}:targetgroup/shop/1`
    expect(
      leaseFor(settings('weighted-target-groups'), { listenerArn: listener }, deps, false)?.resource
    ).toBe(listener)
    expect(
      leaseFor(settings('weighted-target-groups'), { ruleArn: rule }, deps, false)?.resource
    ).toBe(rule)
    expect(leaseFor(settings('targets'), { targetGroupArn: group }, deps, false)?.resource).toBe(
      group
    )
    expect(
      leaseFor(settings('dns'), { hostedZoneId: 'Z1', recordName: 'www.shop.example' }, deps, false)
        ?.resource
    ).toBe('_traffic-shift.www.shop.example TXT in hosted zone Z1')
  })
})

describe('readLeaseInputs', () => {
  const read = (value: string) => (name: string) => (name === 'break-lease' ? value : '')

  it('reads break-lease as a boolean, false when not given', () => {
    expect(readLeaseInputs(read(''), 'targets', {})).toBe(false)
    expect(readLeaseInputs(read('true'), 'targets', {})).toBe(true)
    expect(() => readLeaseInputs(read('yes'), 'targets', {})).toThrow("Input 'break-lease'")
  })

  it('refuses a record name whose lease TXT would not be a DNS name', () => {
    const name = (last: number) =>
      `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(last)}.com`
    expect(name(52)).toHaveLength(239)
    expect(() => readLeaseInputs(read(''), 'dns', { recordName: name(52) })).toThrow(
      "Input 'record-name' has an invalid value"
    )
    expect(readLeaseInputs(read(''), 'dns', { recordName: name(51) })).toBe(false)
  })
})
