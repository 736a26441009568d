import { describe, expect, it } from '@jest/globals'
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53'
import type { Phase } from '../../src/backends/backend.js'
import { type DnsNative, stateOf } from '../../src/backends/dns-plan.js'
import { TopologyError } from '../../src/errors.js'
import { Split } from '../../src/split.js'
import { blue, green, route53, SETTINGS, setup, simple, weighted, ZONE } from './dns-zone.js'

const state = (records: ResourceRecordSet[]) => stateOf(records, SETTINGS)
const changesOf = (phase: Phase<DnsNative>) =>
  (phase.calls[0].parameters as { ChangeBatch: { Changes: Change[] } }).ChangeBatch.Changes
const linesOf = (phase: Phase<DnsNative>) =>
  changesOf(phase).map(({ Action, ResourceRecordSet: r }) =>
    [Action, r!.SetIdentifier ?? 'simple', r!.Weight ?? '-'].join(' ')
  )

describe('plan (pure)', () => {
  it('adopts a simple record in its own phase that moves no traffic, then sets the weights', () => {
    const { backend } = setup([])
    const plan = backend.plan(state([simple()]), Split.ofPercent(10))
    expect(plan.to.percent).toBe(10.2)
    expect(plan.phases.map((phase) => [phase.summary, phase.movesTraffic])).toEqual([
      [
        'adopt the simple record www.example.com (192.0.2.10) as weighted blue 255 / green 0 (198.51.100.20)',
        false
      ],
      ['set weights blue 229 / green 26 (10.2% green)', true]
    ])
    expect(plan.phases[0].calls).toEqual([
      {
        service: 'route53',
        operation: 'ChangeResourceRecordSets',
        parameters: {
          HostedZoneId: ZONE,
          ChangeBatch: {
            Comment: expect.stringContaining('aws-traffic-shift: adopt'),
            Changes: [
              { Action: 'DELETE', ResourceRecordSet: simple() },
              { Action: 'CREATE', ResourceRecordSet: blue(255) },
              { Action: 'CREATE', ResourceRecordSet: green(0) }
            ]
          }
        }
      }
    ])
    expect(changesOf(plan.phases[1])).toEqual([
      { Action: 'DELETE', ResourceRecordSet: blue(255) },
      { Action: 'DELETE', ResourceRecordSet: green(0) },
      { Action: 'CREATE', ResourceRecordSet: blue(229) },
      { Action: 'CREATE', ResourceRecordSet: green(26) }
    ])
    expect(plan.phases[1].expect.split.percent).toBe(10.2)
    expect(plan.phases[1].expect.native).toEqual({ records: [blue(229), green(26)] })
  })

  it('chains dry-run plans through expect alone: no AWS call, no hidden state', () => {
    const { backend } = setup([simple()])
    let from = state([simple()])
    const planned: string[][] = []
    for (const percent of [10, 50, 100]) {
      const plan = backend.plan(from, Split.ofPercent(percent))
      // The same question gets the same answer: nothing is kept between calls.
      expect(backend.plan(from, Split.ofPercent(percent))).toEqual(plan)
      planned.push(...plan.phases.map(linesOf))
      from = plan.phases.at(-1)!.expect
    }
    expect(planned).toEqual([
      ['DELETE simple -', 'CREATE blue 255', 'CREATE green 0'],
      ['DELETE blue 255', 'DELETE green 0', 'CREATE blue 229', 'CREATE green 26'],
      ['DELETE blue 229', 'DELETE green 26', 'CREATE blue 127', 'CREATE green 128'],
      ['DELETE blue 127', 'DELETE green 128', 'CREATE blue 0', 'CREATE green 255']
    ])
    expect(route53.calls()).toHaveLength(0)
  })

  it('plans nothing where Route 53 already carries the split', () => {
    const { backend } = setup([])
    expect(backend.plan(state([blue(229), green(26)]), Split.ofPercent(10)).phases).toEqual([])
    // Blue 100 / green 0 is 0 % already: rewriting it as 255 / 0 would move nothing.
    expect(backend.plan(state([blue(100), green(0)]), Split.BLUE).phases).toEqual([])
    // A run to 0 % does not adopt a simple record: it already sends everything to blue.
    expect(backend.plan(state([simple()]), Split.BLUE).phases).toEqual([])
  })

  it('gives a lone blue green’s record at 0, lifting blue from 0 to 255 (never all-zero)', () => {
    const { backend } = setup([])
    const [adopt] = backend.plan(state([blue(0)]), Split.ofPercent(10)).phases
    expect(linesOf(adopt)).toEqual(['DELETE blue 0', 'CREATE blue 255', 'CREATE green 0'])
    expect(adopt.movesTraffic).toBe(false)
  })

  it('repoints green while it takes no traffic, and refuses while it does', () => {
    const { backend } = setup([])
    const old = weighted('green', 0, '198.51.100.99')
    const [repoint] = backend.plan(state([blue(255), old]), Split.ofPercent(10)).phases
    expect(repoint.summary).toBe(
      'repoint green’s record (weight 0) from 198.51.100.99 to 198.51.100.20'
    )
    expect(repoint.movesTraffic).toBe(false)
    expect(repoint.expect.native.records).toEqual([blue(255), green(0)])
    const busy = state([blue(229), weighted('green', 26, '198.51.100.99')])
    expect(() => backend.plan(busy, Split.ofPercent(50))).toThrow(TopologyError)
    expect(() => backend.plan(busy, Split.ofPercent(50))).toThrow(
      'pointing at 198.51.100.99 and carrying traffic (weight 26)'
    )
    // Moving that green to 0 needs no repoint.
    expect(backend.plan(busy, Split.BLUE).phases.map(linesOf)).toEqual([
      ['DELETE blue 229', 'DELETE green 26', 'CREATE blue 255', 'CREATE green 0']
    ])
  })

  it('adopts towards an alias target with Route 53 evaluating its health', () => {
    const { backend } = setup([], {
      green: {
        kind: 'alias',
        dnsName: 'dualstack.green-1.eu-west-1.elb.amazonaws.com',
        hostedZoneId: 'Z32O12XQLNTSW2'
      }
    })
    const [adopt] = backend.plan(state([simple()]), Split.ofPercent(10)).phases
    expect(changesOf(adopt)[2].ResourceRecordSet).toEqual({
      Name: 'www.example.com.',
      Type: 'A',
      SetIdentifier: 'green',
      Weight: 0,
      AliasTarget: {
        HostedZoneId: 'Z32O12XQLNTSW2',
        DNSName: 'dualstack.green-1.eu-west-1.elb.amazonaws.com',
        EvaluateTargetHealth: true
      }
    })
  })

  it('keeps fields it does not own (health checks) in what it deletes and creates', () => {
    const { backend } = setup([])
    const checked = { ...blue(255), HealthCheckId: '7d0b4f5c-8a1e-4b8e-9d3a-0c6f2e1a9b77' }
    const [phase] = backend.plan(state([checked, green(0)]), Split.ofPercent(25)).phases
    expect(phase.expect.native.records[0]).toEqual({ ...checked, Weight: 191 })
  })

  it('with collapse-on-rollback, ends a plan to 0 % as the simple record, in one batch', () => {
    const { backend } = setup([], { collapseOnRollback: true })
    const [collapse] = backend.plan(state([blue(229), green(26)]), Split.BLUE).phases
    expect(changesOf(collapse)).toEqual([
      { Action: 'DELETE', ResourceRecordSet: blue(229) },
      { Action: 'DELETE', ResourceRecordSet: green(26) },
      { Action: 'CREATE', ResourceRecordSet: simple() }
    ])
    expect(collapse.movesTraffic).toBe(true)
    expect(collapse.expect.detail).toBe('simple record (not weighted): 192.0.2.10')
    const [atZero] = backend.plan(state([blue(255), green(0)]), Split.BLUE).phases
    expect(atZero.movesTraffic).toBe(false)
    // Steps above 0 % are not affected.
    expect(backend.plan(state([blue(229), green(26)]), Split.ofPercent(50)).phases).toHaveLength(1)
  })
})

describe('restore (pure)', () => {
  it('undoes an adoption: the simple record comes back exactly as it was', () => {
    const { backend } = setup([])
    const found = { ...simple('192.0.2.10', 45), HealthCheckId: 'c0ffee' }
    const start = state([found])
    const live = state([{ ...found, SetIdentifier: 'blue', Weight: 127 }, green(128)])
    const restore = backend.restore(start, live)
    expect(restore.exact).toBe(true)
    expect(restore.to).toEqual(Split.BLUE)
    expect(restore.phases).toHaveLength(1)
    expect(changesOf(restore.phases[0])).toEqual([
      { Action: 'DELETE', ResourceRecordSet: live.native.records[0] },
      { Action: 'DELETE', ResourceRecordSet: green(128) },
      { Action: 'CREATE', ResourceRecordSet: found }
    ])
    expect(restore.phases[0].movesTraffic).toBe(true)
    expect(restore.phases[0].expect.fingerprint).toBe(start.fingerprint)
  })

  it('puts a pair back at its exact starting weights, TTLs and values, not the share (hole 4)', () => {
    const { backend } = setup([])
    const start = state([blue(200, 30), weighted('green', 55, '198.51.100.99', 30)])
    const live = state([blue(127, 30), green(128, 30)])
    const [phase] = backend.restore(start, live).phases
    expect(phase.expect.native.records).toEqual(start.native.records)
    expect(linesOf(phase)).toEqual([
      'DELETE blue 127',
      'DELETE green 128',
      'CREATE blue 200',
      'CREATE green 55'
    ])
  })

  it('after an adoption alone, restores without moving traffic; where already there, plans nothing', () => {
    const { backend } = setup([])
    const [phase] = backend.restore(state([simple()]), state([blue(255), green(0)])).phases
    expect(phase.movesTraffic).toBe(false)
    expect(backend.restore(state([blue(229), green(26)]), state([green(26), blue(229)]))).toEqual(
      expect.objectContaining({ phases: [], exact: true })
    )
  })
})
