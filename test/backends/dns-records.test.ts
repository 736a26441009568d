import { describe, expect, it } from '@jest/globals'
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { dnsWeights, fingerprintOf, quantize, shapeOf } from '../../src/backends/dns-records.js'
import { Split } from '../../src/split.js'
import { blue, green, NAME, SETTINGS, setup, simple, weighted } from './dns-zone.js'

describe('dnsWeights and quantize', () => {
  it.each([
    [0, 255, 0, 0],
    [0.1, 254, 1, 0.4],
    [1, 252, 3, 1.2],
    [10, 229, 26, 10.2],
    [25, 191, 64, 25.1],
    [50, 127, 128, 50.2],
    [75, 64, 191, 74.9],
    [90, 25, 230, 90.2],
    [99.9, 1, 254, 99.6],
    [100, 0, 255, 100]
  ])('%d %% green is blue %d / green %d, which carries %d %%', (percent, b, g, carried) => {
    const split = Split.ofPercent(percent)
    expect(dnsWeights(split)).toEqual([b, g])
    expect(quantize(split).percent).toBe(carried)
    // What AWS reports maps to the same weights, so a re-run does not write again.
    expect(dnsWeights(quantize(split))).toEqual([b, g])
    expect(quantize(quantize(split))).toEqual(quantize(split))
  })

  it('the backend reports the split Route 53 carries, not the one asked for (hole 5)', () => {
    const { backend } = setup([])
    const start = { split: Split.BLUE, native: { records: [] }, detail: '', fingerprint: '' }
    expect(backend.quantize(Split.ofPercent(10), start).percent).toBe(10.2)
  })
})

describe('shapeOf', () => {
  const cases: [string, ResourceRecordSet[], string, string][] = [
    [
      'nothing of the type',
      [{ Name: NAME, Type: 'CNAME', TTL: 60 }],
      'record-name',
      'no A record (it has CNAME; check record-type)'
    ],
    [
      'another routing policy',
      [{ ...simple(), SetIdentifier: 'primary', Failover: 'PRIMARY' }],
      'record-name',
      'A records with failover routing (set "primary")'
    ],
    [
      'latency records',
      [{ ...simple(), SetIdentifier: 'eu', Region: 'eu-west-1' }],
      'record-name',
      'latency routing'
    ],
    [
      'three weighted records',
      [blue(1), green(1), weighted('canary', 1, '203.0.113.1')],
      'record-name',
      '3 weighted A records ("blue", "green", "canary")'
    ],
    [
      'a stranger beside blue',
      [blue(1), weighted('canary', 1, '203.0.113.1')],
      'green-set-identifier',
      'weighted A records "blue", "canary"'
    ],
    [
      'strangers only',
      [weighted('v1', 1, '192.0.2.10'), weighted('v2', 1, '203.0.113.1')],
      'blue-set-identifier',
      'weighted A records "v1", "v2"'
    ],
    ['green alone', [green(5)], 'blue-set-identifier', 'only green’s weighted record ("green")'],
    [
      'both at weight 0',
      [blue(0), green(0)],
      'record-name',
      'which Route 53 answers as an equal split'
    ]
  ]
  it.each(cases)('refuses %s, naming %s', (_name, records, input, shows) => {
    const shaped = shapeOf(records, SETTINGS)
    expect(shaped.ok).toBe(false)
    if (shaped.ok) return
    expect(shaped.problem.input).toBe(input)
    expect(shaped.problem.shows).toContain(shows)
  })

  it.each([
    ['a simple record', [simple()], { simple: simple() }],
    ['blue alone', [blue(0)], { blue: blue(0) }],
    ['the pair', [green(26), blue(229)], { blue: blue(229), green: green(26) }],
    [
      'the pair among other types',
      [{ Name: NAME, Type: 'AAAA' as const, TTL: 60 }, blue(229), green(26)],
      { blue: blue(229), green: green(26) }
    ]
  ])('accepts %s', (_name, records, live) => {
    expect(shapeOf(records, SETTINGS)).toEqual({ ok: true, live })
  })
})

describe('fingerprintOf', () => {
  it('covers every field a DELETE must match, in any order and case of names', () => {
    const base = fingerprintOf([blue(229), green(26)])
    expect(fingerprintOf([green(26), blue(229)])).toBe(base)
    expect(
      fingerprintOf([blue(229), { ...green(26), ResourceRecords: [{ Value: '198.51.100.20.' }] }])
    ).toBe(base)
    for (const edited of [
      { ...green(26), TTL: 300 },
      weighted('green', 26, '198.51.100.21'),
      green(27),
      { ...green(26), HealthCheckId: 'c0ffee' }
    ]) {
      expect(fingerprintOf([blue(229), edited])).not.toBe(base)
    }
    expect(fingerprintOf([blue(229), green(26), weighted('canary', 0, '203.0.113.1')])).not.toBe(
      base
    )
  })
})
