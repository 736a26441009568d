import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
  ThrottlingException
} from '@aws-sdk/client-route-53'
import { mockClient } from 'aws-sdk-client-mock'
import { createClients } from '../../src/aws/clients.js'
import { DnsBackend } from '../../src/backends/dns.js'
import { classify, dnsWeights } from '../../src/backends/dns-records.js'
import { type DnsSettings, readDnsSettings } from '../../src/backends/dns-settings.js'
import { InputError, OutOfBandChangeError, UnsupportedStateError } from '../../src/errors.js'
import { MemoryLogger } from '../../src/logger.js'
import { runShift } from '../../src/runner.js'
import { readCommonSettings } from '../../src/settings.js'
import { parseSchedule } from '../../src/schedule.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'

/** Reads this mode's settings the way run.ts does: common inputs first, then the mode's. */
function readDns(read: (name: string) => string): DnsSettings {
  return readDnsSettings(read, readCommonSettings(read, ['dns']))
}

const ZONE = 'Z0123456789ABCDEFGHIJ'
const NAME = 'www.example.com.'
const route53 = mockClient(Route53Client)

/** A hosted zone in memory, with Route 53's batch rules: all or nothing, exact DELETEs. */
class Zone {
  records: ResourceRecordSet[] = []
  /** GetChange answers PENDING this many times per change before INSYNC. */
  pendingPolls = 0
  private changes = new Map<string, number>()
  /** Runs before each batch is applied, e.g. to make someone else's edit land first. */
  beforeBatch?: () => void

  constructor() {
    route53.on(GetHostedZoneCommand).resolves({
      HostedZone: { Id: `/hostedzone/${ZONE}`, Name: 'example.com.', CallerReference: 'x' },
      DelegationSet: { NameServers: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.com'] }
    })
    route53.on(ListResourceRecordSetsCommand).callsFake((input) => {
      const from = this.records.findIndex((record) => record.Name === input.StartRecordName)
      return {
        ResourceRecordSets: from < 0 ? [] : structuredClone(this.records.slice(from)),
        IsTruncated: false,
        MaxItems: 100
      }
    })
    route53.on(ChangeResourceRecordSetsCommand).callsFake((input) => {
      this.beforeBatch?.()
      this.records = applyBatch(this.records, input.ChangeBatch.Changes)
      const id = `/change/C${this.changes.size + 1}`
      this.changes.set(id, this.pendingPolls)
      return { ChangeInfo: { Id: id, Status: 'PENDING', SubmittedAt: new Date() } }
    })
    route53.on(GetChangeCommand).callsFake((input) => {
      const left = this.changes.get(input.Id) ?? 0
      this.changes.set(input.Id, left - 1)
      return { ChangeInfo: { Id: input.Id, Status: left > 0 ? 'PENDING' : 'INSYNC' } }
    })
  }
}

const sameRecord = (a: ResourceRecordSet, b: ResourceRecordSet) =>
  JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort())

function applyBatch(records: ResourceRecordSet[], changes: Change[] = []): ResourceRecordSet[] {
  let next = structuredClone(records)
  for (const { Action, ResourceRecordSet: record } of changes) {
    const at = next.findIndex(
      (other) =>
        other.Name === record!.Name &&
        other.Type === record!.Type &&
        other.SetIdentifier === record!.SetIdentifier
    )
    if (Action === 'DELETE') {
      if (at < 0 || !sameRecord(next[at], record!)) {
        throw new InvalidChangeBatch({
          message: `Tried to delete resource record set [name='${record!.Name}', type='${record!.Type}', set-identifier='${record!.SetIdentifier}'] but the values provided do not match the current values`,
          $metadata: {}
        })
      }
      next = next.filter((_, index) => index !== at)
    } else {
      if (at >= 0) throw new InvalidChangeBatch({ message: 'already exists', $metadata: {} })
      next.push(structuredClone(record!))
    }
  }
  return next
}

const simple = (value = '192.0.2.10', ttl = 60): ResourceRecordSet => ({
  Name: NAME,
  Type: 'A',
  TTL: ttl,
  ResourceRecords: [{ Value: value }]
})
const weighted = (id: string, weight: number, value: string, ttl = 60): ResourceRecordSet => ({
  Name: NAME,
  Type: 'A',
  SetIdentifier: id,
  Weight: weight,
  TTL: ttl,
  ResourceRecords: [{ Value: value }]
})
const blue = (weight: number) => weighted('blue', weight, '192.0.2.10')
const green = (weight: number) => weighted('green', weight, '198.51.100.20')

const SETTINGS: DnsSettings = {
  hostedZoneId: ZONE,
  recordName: 'www.example.com',
  recordType: 'A',
  blueSetIdentifier: 'blue',
  greenSetIdentifier: 'green',
  green: { kind: 'values', values: ['198.51.100.20'] },
  collapseOnRollback: false,
  traffic: Split.GREEN,
  bakeMs: 120_000,
  verifyTimeoutMs: 300_000
}

function setup(records: ResourceRecordSet[], settings: Partial<DnsSettings> = {}) {
  const zone = new Zone()
  zone.records = records
  const clock = new FakeClock()
  const logger = new MemoryLogger()
  const backend = new DnsBackend(
    { ...SETTINGS, ...settings },
    createClients('us-east-1').route53,
    clock,
    logger
  )
  return { zone, clock, logger, backend }
}

const batches = () =>
  route53
    .commandCalls(ChangeResourceRecordSetsCommand)
    .map((call) =>
      call.args[0].input.ChangeBatch!.Changes!.map(({ Action, ResourceRecordSet: r }) =>
        [
          Action,
          r!.SetIdentifier ?? 'simple',
          r!.Weight ?? '-',
          r!.ResourceRecords?.[0].Value
        ].join(' ')
      )
    )

beforeEach(() => {
  route53.reset()
})

describe('dnsWeights', () => {
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
  ])('%d %% green is blue %d / green %d, read back as %d %%', (percent, b, g, readBack) => {
    const split = Split.ofPercent(percent)
    expect(dnsWeights(split)).toEqual([b, g])
    const back = Split.ofWeights(b, g)
    expect(back.percent).toBe(readBack)
    // What AWS reports maps to the same weights, so a re-run does not write again.
    expect(dnsWeights(back)).toEqual([b, g])
  })
})

describe('readDnsSettings', () => {
  const base: Record<string, string> = {
    mode: 'dns',
    'hosted-zone-id': ZONE,
    'record-name': 'WWW.Example.com.'
  }
  const read = (overrides: Record<string, string>) => (name: string) =>
    ({ ...base, ...overrides })[name] ?? ''

  it('reads a zone and a name with the defaults', () => {
    expect(readDns(read({ traffic: '25', 'bake-time': '90s' }))).toEqual({
      hostedZoneId: ZONE,
      recordName: 'www.example.com',
      recordType: 'A',
      blueSetIdentifier: 'blue',
      greenSetIdentifier: 'green',
      green: undefined,
      recordTtl: undefined,
      collapseOnRollback: false,
      traffic: Split.ofPercent(25),
      bakeMs: 90_000,
      verifyTimeoutMs: 300_000
    })
  })

  it.each([
    [{ 'hosted-zone-id': `/hostedzone/${ZONE}` }, { hostedZoneId: ZONE }],
    [
      { 'green-value': '198.51.100.20, 198.51.100.21' },
      { green: { kind: 'values', values: ['198.51.100.20', '198.51.100.21'] } }
    ],
    [
      { 'record-type': 'aaaa', 'green-value': '2001:DB8:0:0::10' },
      { recordType: 'AAAA', green: { kind: 'values', values: ['2001:db8::10'] } }
    ],
    [
      { 'record-type': 'CNAME', 'green-value': 'Green.Example.net.' },
      { green: { kind: 'values', values: ['green.example.net'] } }
    ],
    [
      { 'green-alias-target': 'dualstack.shop-1.eu-west-1.elb.amazonaws.com, Z32O12XQLNTSW2' },
      {
        green: {
          kind: 'alias',
          dnsName: 'dualstack.shop-1.eu-west-1.elb.amazonaws.com',
          hostedZoneId: 'Z32O12XQLNTSW2'
        }
      }
    ],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '5m' }, { recordTtl: 300 }],
    [
      { 'blue-set-identifier': 'v1', 'green-set-identifier': 'v2' },
      { blueSetIdentifier: 'v1', greenSetIdentifier: 'v2' }
    ],
    [{ 'collapse-on-rollback': 'true' }, { collapseOnRollback: true }]
  ])('accepts %j', (overrides, expected) => {
    expect(readDns(read(overrides))).toEqual(expect.objectContaining(expected))
  })

  it.each([
    [{ 'hosted-zone-id': '' }, 'hosted-zone-id', 'hosted zone id'],
    [{ 'hosted-zone-id': 'example.com' }, 'hosted-zone-id', 'hosted zone id'],
    [{ 'hosted-zone-id': 'z0123' }, 'hosted-zone-id', 'Z0123456789ABCDEFGHIJ'],
    [{ 'record-name': '' }, 'record-name', 'fully qualified DNS name'],
    [{ 'record-name': 'www' }, 'record-name', 'fully qualified'],
    [{ 'record-name': '*.example.com' }, 'record-name', 'no wildcard'],
    [{ 'record-name': 'a..example.com' }, 'record-name', 'fully qualified'],
    [{ 'record-type': 'MX' }, 'record-type', 'one of A, AAAA, CNAME'],
    [{ 'record-type': 'NS' }, 'record-type', 'one of A, AAAA, CNAME'],
    [{ 'green-set-identifier': 'blue' }, 'green-set-identifier', 'other than blue-set-identifier'],
    [{ 'blue-set-identifier': 'x'.repeat(129) }, 'blue-set-identifier', '1 to 128'],
    [
      {
        'green-value': '198.51.100.20',
        'green-alias-target': 'x.elb.amazonaws.com,Z35SXDOTRQ7X7K'
      },
      'green-alias-target',
      'not both'
    ],
    [{ 'green-value': 'green.example.com' }, 'green-value', 'IPv4 addresses'],
    [{ 'green-value': '198.51.100.300' }, 'green-value', 'IPv4 addresses'],
    [{ 'record-type': 'AAAA', 'green-value': '198.51.100.20' }, 'green-value', 'IPv6'],
    [
      { 'record-type': 'CNAME', 'green-value': 'a.example.com,b.example.com' },
      'green-value',
      'one host name'
    ],
    [{ 'green-alias-target': 'x.elb.amazonaws.com' }, 'green-alias-target', 'its hosted zone id'],
    [
      { 'green-alias-target': 'x.elb.amazonaws.com,elb' },
      'green-alias-target',
      'its hosted zone id'
    ],
    [
      { 'record-type': 'CNAME', 'green-alias-target': 'x.elb.amazonaws.com,Z35SXDOTRQ7X7K' },
      'green-alias-target',
      'record-type A or AAAA'
    ],
    [
      { 'green-alias-target': 'x.elb.amazonaws.com,Z35SXDOTRQ7X7K', 'record-ttl': '60s' },
      'record-ttl',
      'an alias has no TTL'
    ],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '60' }, 'record-ttl', 'whole seconds'],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '1.5s' }, 'record-ttl', 'whole seconds'],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '25h' }, 'record-ttl', '24h'],
    [{ 'collapse-on-rollback': 'yes' }, 'collapse-on-rollback', 'true or false']
  ])('rejects %j naming %s', (overrides, input, accepted) => {
    let error: unknown
    try {
      readDns(read(overrides))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as InputError).message).toContain(accepted)
  })
})

describe('classify', () => {
  const cases: [string, ResourceRecordSet[], string][] = [
    [
      'nothing of the type',
      [{ Name: NAME, Type: 'CNAME', TTL: 60 }],
      'No A record at www.example.com in hosted zone Z0123456789ABCDEFGHIJ (it has CNAME; check record-type)'
    ],
    [
      'another routing policy',
      [{ ...simple(), SetIdentifier: 'primary', Failover: 'PRIMARY' }],
      'uses failover routing (set "primary"), not weighted'
    ],
    [
      'latency records',
      [{ ...simple(), SetIdentifier: 'eu', Region: 'eu-west-1' }],
      'uses latency routing'
    ],
    [
      'three weighted records',
      [blue(1), green(1), weighted('canary', 1, '203.0.113.1')],
      '3 weighted A records share'
    ],
    [
      'records that are not ours',
      [blue(1), weighted('canary', 1, '203.0.113.1')],
      'are "blue", "canary", not blue-set-identifier "blue"'
    ],
    ['green alone', [green(5)], 'Only green’s weighted record ("green") exists'],
    ['both at weight 0', [blue(0), green(0)], 'Route 53 answers as an equal split']
  ]
  it.each(cases)('refuses %s', (_name, records, message) => {
    expect(() => classify(records, SETTINGS)).toThrow(UnsupportedStateError)
    expect(() => classify(records, SETTINGS)).toThrow(message)
  })
})

describe('DnsBackend', () => {
  it('reads the split from the two weights; the fingerprint covers both records', async () => {
    const { backend, zone } = setup([blue(229), green(26)])
    const seen = await backend.read()
    expect(seen.split.percent).toBe(10.2)
    expect(seen.detail).toBe('blue 229 / green 26 (Route 53 weights of 255)')
    // Any edit to either record, not only to a weight, is someone else's change.
    zone.records[1] = { ...green(26), TTL: 300 }
    expect((await backend.read()).fingerprint).not.toBe(seen.fingerprint)
    zone.records[1] = weighted('green', 26, '198.51.100.21')
    expect((await backend.read()).fingerprint).not.toBe(seen.fingerprint)
    zone.records[1] = green(26)
    expect((await backend.read()).fingerprint).toBe(seen.fingerprint)
  })

  it('adopts a simple record in one batch: blue keeps its value at 255, green joins at 0', async () => {
    const { backend, zone } = setup([simple()])
    const prepared = await backend.prepare(false)
    expect(prepared.changes).toEqual([
      'Adopt the simple record www.example.com (192.0.2.10) as weighted blue 255 / green 0 (198.51.100.20)'
    ])
    const [call] = route53.commandCalls(ChangeResourceRecordSetsCommand)
    expect(call.args[0].input).toEqual({
      HostedZoneId: ZONE,
      ChangeBatch: {
        Comment: expect.stringContaining('aws-traffic-shift: adopt'),
        Changes: [
          { Action: 'DELETE', ResourceRecordSet: simple() },
          { Action: 'CREATE', ResourceRecordSet: blue(255) },
          { Action: 'CREATE', ResourceRecordSet: green(0) }
        ]
      }
    })
    expect(zone.records).toEqual([blue(255), green(0)])
    expect((await backend.read()).split).toEqual(Split.BLUE)
  })

  it('adopts towards an alias target with Route 53 evaluating its health', async () => {
    const { backend, zone } = setup([simple()], {
      green: {
        kind: 'alias',
        dnsName: 'dualstack.green-1.eu-west-1.elb.amazonaws.com',
        hostedZoneId: 'Z32O12XQLNTSW2'
      }
    })
    await backend.prepare(false)
    expect(zone.records[1]).toEqual({
      Name: NAME,
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

  it('only describes the adoption in dry-run, and plans steps from the adopted records', async () => {
    const { backend, zone } = setup([simple()])
    const prepared = await backend.prepare(true)
    expect(prepared.changes[0]).toMatch(/^Would adopt the simple record/)
    expect(prepared.calls[0].operation).toBe('ChangeResourceRecordSets')
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
    expect(zone.records).toEqual([simple()])
    const [call] = await backend.plan(Split.ofPercent(10))
    expect(call.parameters).toEqual(
      expect.objectContaining({
        ChangeBatch: expect.objectContaining({
          Changes: [
            { Action: 'DELETE', ResourceRecordSet: blue(255) },
            { Action: 'DELETE', ResourceRecordSet: green(0) },
            { Action: 'CREATE', ResourceRecordSet: blue(229) },
            { Action: 'CREATE', ResourceRecordSet: green(26) }
          ]
        })
      })
    )
  })

  it('does not adopt when the run asks for 0 %: a simple record already sends all to blue', async () => {
    const { backend } = setup([simple()], { traffic: Split.BLUE })
    expect(await backend.prepare(false)).toEqual({ changes: [], calls: [] })
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('needs green-value or green-alias-target to adopt, and says so before any write', async () => {
    const { backend } = setup([simple()], { green: undefined })
    await expect(backend.prepare(false)).rejects.toThrow(
      'To adopt the simple record at www.example.com, give green-value (with record-ttl) or green-alias-target'
    )
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('refuses a record name outside the hosted zone before reading or writing records', async () => {
    const { backend } = setup([simple()], { recordName: 'www.example.org' })
    await expect(backend.prepare(false)).rejects.toThrow(
      `record-name www.example.org is not inside hosted zone ${ZONE} (example.com)`
    )
    expect(route53.commandCalls(ListResourceRecordSetsCommand)).toHaveLength(0)
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('refuses more than two weighted records before any write', async () => {
    const { backend } = setup([blue(1), green(1), weighted('canary', 1, '203.0.113.1')])
    await expect(backend.prepare(false)).rejects.toThrow('3 weighted A records share')
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('creates green’s record at weight 0 beside a lone weighted blue, in one checked batch', async () => {
    const { backend, zone } = setup([blue(0)])
    await backend.prepare(false)
    // Blue alone at 0 would become an equal split beside green at 0: it gets 255.
    expect(batches()).toEqual([
      ['DELETE blue 0 192.0.2.10', 'CREATE blue 255 192.0.2.10', 'CREATE green 0 198.51.100.20']
    ])
    expect(zone.records).toEqual([blue(255), green(0)])
  })

  it('repoints green while it takes no traffic, and refuses while it does', async () => {
    const old = weighted('green', 0, '198.51.100.99')
    const { backend, zone } = setup([blue(255), old])
    await backend.prepare(false)
    expect(batches()).toEqual([
      [
        'DELETE blue 255 192.0.2.10',
        'DELETE green 0 198.51.100.99',
        'CREATE blue 255 192.0.2.10',
        'CREATE green 0 198.51.100.20'
      ]
    ])
    expect(zone.records[1]).toEqual(green(0))

    const busy = setup([blue(229), weighted('green', 26, '198.51.100.99')])
    await expect(busy.backend.prepare(false)).rejects.toThrow(
      'points at 198.51.100.99 and carries traffic (weight 26), but the inputs say 198.51.100.20'
    )
  })

  it('shifts in one batch that deletes exactly both live records and creates both new ones', async () => {
    const { backend, zone } = setup([blue(255), green(0)])
    await backend.prepare(false)
    const calls = await backend.apply(Split.ofPercent(10))
    expect(calls).toHaveLength(1)
    expect(
      route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes
    ).toEqual([
      { Action: 'DELETE', ResourceRecordSet: blue(255) },
      { Action: 'DELETE', ResourceRecordSet: green(0) },
      { Action: 'CREATE', ResourceRecordSet: blue(229) },
      { Action: 'CREATE', ResourceRecordSet: green(26) }
    ])
    expect(zone.records).toEqual([blue(229), green(26)])
    await backend.apply(Split.ofPercent(50))
    expect(batches()[1]).toEqual([
      'DELETE blue 229 192.0.2.10',
      'DELETE green 26 198.51.100.20',
      'CREATE blue 127 192.0.2.10',
      'CREATE green 128 198.51.100.20'
    ])
  })

  it('keeps fields it does not own (health checks) in what it deletes and creates', async () => {
    const checked = { ...blue(255), HealthCheckId: '7d0b4f5c-8a1e-4b8e-9d3a-0c6f2e1a9b77' }
    const { backend, zone } = setup([checked, green(0)])
    await backend.prepare(false)
    await backend.apply(Split.ofPercent(25))
    expect(zone.records[0]).toEqual({ ...checked, Weight: 191 })
  })

  it('writes nothing when the weights are already there (resume)', async () => {
    const { backend } = setup([blue(229), green(26)])
    await backend.prepare(false)
    expect(await backend.apply(Split.ofPercent(10))).toEqual([])
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('stops with OutOfBandChangeError when someone edited a record before the batch landed', async () => {
    const { backend, zone } = setup([blue(255), green(0)])
    await backend.prepare(false)
    zone.beforeBatch = () => {
      zone.beforeBatch = undefined
      zone.records[1] = green(40)
    }
    const error = await backend.apply(Split.ofPercent(10)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OutOfBandChangeError)
    expect((error as Error).message).toBe(
      'The traffic split was changed outside this run: expected blue 255 / green 0 (Route 53 weights of 255), ' +
        'about to set weights blue 229 / green 26 (10% green), found blue 255 / green 40 (Route 53 weights of 255); ' +
        "Route 53 refused the change: InvalidChangeBatch: Tried to delete resource record set [name='www.example.com.', " +
        "type='A', set-identifier='green'] but the values provided do not match the current values. Stopping without overwriting it."
    )
    // Their edit stands.
    expect(zone.records).toEqual([blue(255), green(40)])
  })

  it('reports a refused batch as an AWS error when our records are untouched', async () => {
    const { backend } = setup([blue(255), green(0)])
    await backend.prepare(false)
    route53.on(ChangeResourceRecordSetsCommand).rejects(
      new InvalidChangeBatch({
        message: 'RRSet with DNS name www.example.com. is not permitted',
        $metadata: {}
      })
    )
    await expect(backend.apply(Split.ofPercent(10))).rejects.toThrow(
      'ChangeResourceRecordSets on www.example.com A in hosted zone Z0123456789ABCDEFGHIJ failed: InvalidChangeBatch: RRSet'
    )
  })

  it('does not read conflicts into other failures (throttling stays an AWS error)', async () => {
    const { backend } = setup([blue(255), green(0)])
    await backend.prepare(false)
    route53
      .on(ChangeResourceRecordSetsCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
    await expect(backend.apply(Split.ofPercent(10))).rejects.toThrow('Throttling')
  })

  it('accepts a batch the SDK retried after its first attempt landed, and waits its TTL', async () => {
    const { backend, zone, clock, logger } = setup([blue(255), green(0)])
    await backend.prepare(false)
    zone.beforeBatch = () => {
      // The first attempt lands, its response is lost; the retry's DELETEs no longer match.
      zone.beforeBatch = undefined
      zone.records = [blue(229), green(26)]
    }
    await backend.apply(Split.ofPercent(10))
    expect(logger.lines).toContain(
      'warning: Route 53 refused a retried change batch whose first attempt had landed (blue 229 / green 26 (Route 53 weights of 255))'
    )
    expect(await backend.converged(Split.ofPercent(10))).toBe(false)
    clock.advance(60_000)
    expect(await backend.converged(Split.ofPercent(10))).toBe(true)
    expect(route53.commandCalls(GetChangeCommand)).toHaveLength(0)
  })

  it('converges after INSYNC and one TTL, on the injected clock', async () => {
    const { backend, zone, clock } = setup([blue(255), weighted('green', 0, '198.51.100.20', 30)])
    zone.pendingPolls = 2
    await backend.prepare(false)
    await backend.apply(Split.ofPercent(10))
    const split = Split.ofPercent(10)
    expect(await backend.converged(split)).toBe(false) // PENDING
    expect(await backend.converged(split)).toBe(false) // PENDING
    expect(await backend.converged(split)).toBe(false) // INSYNC now: the 60 s TTL starts
    clock.advance(59_999)
    expect(await backend.converged(split)).toBe(false)
    clock.advance(1)
    expect(await backend.converged(split)).toBe(true)
    expect(route53.commandCalls(GetChangeCommand)).toHaveLength(3)
    expect(route53.commandCalls(GetChangeCommand)[0].args[0].input).toEqual({ Id: '/change/C1' })
  })

  it('does not converge on another split, and stops if someone edits while it waits', async () => {
    const { backend, zone } = setup([blue(255), green(0)])
    await backend.prepare(false)
    await backend.apply(Split.ofPercent(10))
    expect(await backend.converged(Split.ofPercent(25))).toBe(false)
    zone.records[0] = blue(200)
    await expect(backend.converged(Split.ofPercent(10))).rejects.toThrow(OutOfBandChangeError)
  })

  it('collapses back to the simple record at 0 % when asked, in one batch', async () => {
    const { backend, zone } = setup([blue(229), green(26)], { collapseOnRollback: true })
    await backend.prepare(false)
    expect(backend.describe(Split.BLUE)).toBe('blue as a simple record (weighted pair collapsed)')
    await backend.apply(Split.BLUE)
    expect(
      route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes
    ).toEqual([
      { Action: 'DELETE', ResourceRecordSet: blue(229) },
      { Action: 'DELETE', ResourceRecordSet: green(26) },
      { Action: 'CREATE', ResourceRecordSet: simple() }
    ])
    expect(zone.records).toEqual([simple()])
    expect(await backend.converged(Split.BLUE)).toBe(false) // INSYNC seen; TTL starts
    const seen = await backend.read()
    expect(seen.split).toEqual(Split.BLUE)
    expect(seen.detail).toBe('simple record (not weighted): 192.0.2.10')
  })

  it('collapses a pair already at 0 % when the run asks for 0 % (undo adoption)', async () => {
    const { backend, zone } = setup([blue(255), green(0)], {
      collapseOnRollback: true,
      traffic: Split.BLUE
    })
    const prepared = await backend.prepare(false)
    expect(prepared.changes).toEqual([
      'Collapse the weighted pair into a simple record www.example.com (192.0.2.10)'
    ])
    expect(zone.records).toEqual([simple()])
  })

  it('refuses a TTL the verify timeout cannot cover, before any write; warns above the bake', async () => {
    const long = setup([simple('192.0.2.10', 300)])
    await expect(long.backend.prepare(false)).rejects.toThrow(
      'The TTL of www.example.com (300s) is not shorter than verify-timeout (300s)'
    )
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)

    const { backend, logger } = setup([simple('192.0.2.10', 180)], { verifyTimeoutMs: 600_000 })
    await backend.prepare(false)
    expect(logger.lines).toContain(
      'warning: The TTL of www.example.com (180s) is longer than bake-time (120s): resolvers may hold an answer longer than a step bakes'
    )
  })

  it('reads every page of records at the name, and stops at the next name', async () => {
    const { backend } = setup([])
    route53.on(ListResourceRecordSetsCommand).callsFake((input) =>
      input.StartRecordIdentifier === undefined
        ? {
            ResourceRecordSets: [{ Name: NAME, Type: 'AAAA', TTL: 60 }, blue(229)],
            IsTruncated: true,
            NextRecordName: NAME,
            NextRecordType: 'A',
            NextRecordIdentifier: 'green',
            MaxItems: 2
          }
        : {
            ResourceRecordSets: [green(26), { Name: 'x.example.com.', Type: 'A', TTL: 60 }],
            IsTruncated: true,
            NextRecordName: 'y.example.com.',
            MaxItems: 2
          }
    )
    expect((await backend.read()).split.percent).toBe(10.2)
    expect(route53.commandCalls(ListResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual(
      [
        { HostedZoneId: ZONE, MaxItems: 100, StartRecordName: NAME },
        {
          HostedZoneId: ZONE,
          MaxItems: 100,
          StartRecordName: NAME,
          StartRecordType: 'A',
          StartRecordIdentifier: 'green'
        }
      ]
    )
  })

  it('has no target group for the target-health gate', () => {
    expect(setup([]).backend.healthScope()).toEqual([])
  })
})

describe('DnsBackend under the runner', () => {
  it('adopts, shifts, waits INSYNC + TTL before each bake, and rolls back in one batch', async () => {
    const { backend, zone, clock, logger } = setup([simple()])
    zone.pendingPolls = 1
    let checks = 0
    const record = await runShift({
      backend,
      gates: [
        {
          name: 'alarm',
          intervalMs: 10_000,
          check: async (context) =>
            context.phase === 'bake' && context.split.percent === 50 && ++checks === 2
              ? { status: 'fail', detail: 'p99 high' }
              : { status: 'pass', detail: 'ok' }
        }
      ],
      clock,
      logger,
      settings: {
        traffic: Split.GREEN,
        schedule: parseSchedule('steps', '10,50,100'),
        bakeMs: 60_000,
        rollbackTo: 'start',
        dryRun: false,
        checkIntervalMs: 10_000,
        verifyTimeoutMs: 300_000,
        healthTimeoutMs: 300_000
      }
    })
    expect(record.status).toBe('rolled-back')
    expect(batches()).toEqual([
      ['DELETE simple - 192.0.2.10', 'CREATE blue 255 192.0.2.10', 'CREATE green 0 198.51.100.20'],
      [
        'DELETE blue 255 192.0.2.10',
        'DELETE green 0 198.51.100.20',
        'CREATE blue 229 192.0.2.10',
        'CREATE green 26 198.51.100.20'
      ],
      [
        'DELETE blue 229 192.0.2.10',
        'DELETE green 26 198.51.100.20',
        'CREATE blue 127 192.0.2.10',
        'CREATE green 128 198.51.100.20'
      ],
      [
        'DELETE blue 127 192.0.2.10',
        'DELETE green 128 198.51.100.20',
        'CREATE blue 255 192.0.2.10',
        'CREATE green 0 198.51.100.20'
      ]
    ])
    expect(record.steps.map((step) => step.native)).toEqual([
      'blue 229 / green 26 (Route 53 weights of 255)',
      'blue 127 / green 128 (Route 53 weights of 255)'
    ])
    // Each bake starts only once the change is INSYNC and the 60 s TTL has passed.
    for (const step of record.steps) {
      expect(step.convergedAt! - step.startedAt).toBeGreaterThanOrEqual(60_000)
    }
    expect(record.finalNative).toBe('blue 255 / green 0 (Route 53 weights of 255)')
    expect(zone.records).toEqual([blue(255), green(0)])
  })

  it('stops without rolling back when someone edits the records between steps', async () => {
    const { backend, zone, clock, logger } = setup([blue(255), green(0)])
    const record = await runShift({
      backend,
      gates: [
        {
          name: 'alarm',
          intervalMs: 10_000,
          check: async (context) => {
            if (context.phase === 'bake') zone.records[0] = blue(100)
            return { status: 'pass', detail: 'ok' }
          }
        }
      ],
      clock,
      logger,
      settings: {
        traffic: Split.GREEN,
        schedule: parseSchedule('steps', '10,100'),
        bakeMs: 10_000,
        rollbackTo: 'start',
        dryRun: false,
        checkIntervalMs: 10_000,
        verifyTimeoutMs: 300_000,
        healthTimeoutMs: 300_000
      }
    })
    expect(record.status).toBe('failed')
    expect(record.failure).toContain('changed outside this run')
    expect(batches()).toHaveLength(1)
    expect(zone.records[0]).toEqual(blue(100))
  })
})

describe('DnsBackend: dry-run', () => {
  const shift = (setUp: ReturnType<typeof setup>, dryRun: boolean) =>
    runShift({
      backend: setUp.backend,
      gates: [],
      clock: setUp.clock,
      logger: setUp.logger,
      settings: {
        traffic: Split.GREEN,
        schedule: parseSchedule('steps', '10,50,100'),
        bakeMs: 60_000,
        rollbackTo: 'start',
        dryRun,
        checkIntervalMs: 10_000,
        verifyTimeoutMs: 300_000,
        healthTimeoutMs: 300_000
      }
    })
  const changesOf = (parameters: unknown) =>
    (parameters as { ChangeBatch: { Changes: Change[] } }).ChangeBatch.Changes.map(
      ({ Action, ResourceRecordSet: r }) =>
        [Action, r!.SetIdentifier ?? 'simple', r!.Weight ?? '-'].join(' ')
    )

  it('chains its steps: each planned batch DELETEs exactly what the one before CREATEd', async () => {
    const dry = setup([simple()])
    const record = await shift(dry, true)
    expect(record.status).toBe('planned')
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
    expect(dry.zone.records).toEqual([simple()])
    expect(record.plannedCalls.map((call) => changesOf(call.parameters))).toEqual([
      ['DELETE simple -', 'CREATE blue 255', 'CREATE green 0'],
      ['DELETE blue 255', 'DELETE green 0', 'CREATE blue 229', 'CREATE green 26'],
      ['DELETE blue 229', 'DELETE green 26', 'CREATE blue 127', 'CREATE green 128'],
      ['DELETE blue 127', 'DELETE green 128', 'CREATE blue 0', 'CREATE green 255']
    ])
  })

  it('plans exactly the batches a real run then sends', async () => {
    const planned = (await shift(setup([blue(255), green(0)]), true)).plannedCalls
    expect(planned).toHaveLength(3)
    route53.reset()
    const real = await shift(setup([blue(255), green(0)]), false)
    expect(real.status).toBe('succeeded')
    expect(
      route53.commandCalls(ChangeResourceRecordSetsCommand).map((call) => call.args[0].input)
    ).toEqual(planned.map((call) => call.parameters))
  })

  it('plans again from the live records after read()', async () => {
    const { backend } = setup([blue(229), green(26)])
    await backend.prepare(true)
    await backend.plan(Split.ofPercent(50))
    await backend.read()
    const [call] = await backend.plan(Split.ofPercent(50))
    expect(changesOf(call.parameters).slice(0, 2)).toEqual(['DELETE blue 229', 'DELETE green 26'])
  })
})
