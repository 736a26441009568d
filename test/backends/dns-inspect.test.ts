import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { describe, expect, it } from '@jest/globals'
import {
  ChangeResourceRecordSetsCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand
} from '@aws-sdk/client-route-53'
import { TopologyError } from '../../src/errors.js'
import { Split } from '../../src/split.js'
import { blue, green, NAME, route53, setup, simple, weighted, ZONE } from './dns-zone.js'

/** inspect()'s refusal, checking that nothing was written (or, when said, even listed). */
async function refusal(setUp: ReturnType<typeof setup>): Promise<TopologyError> {
  const error = await setUp.backend.inspect().catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(TopologyError)
  expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  return error as TopologyError
}

describe('inspect: the zone, before any record is listed', () => {
  it('refuses a private zone when the dns-answer gate would ask its name servers (hole 10)', async () => {
    const setUp = setup([simple()])
    setUp.zone.privateZone = true
    const error = await refusal(setUp)
    expect(error.input).toBe('dns-resolvers')
    expect(error.message).toContain(
      `hosted zone ${ZONE} (hosted-zone-id, example.com) is a private zone`
    )
    expect(error.message).toContain('inside its VPC')
    expect(route53.commandCalls(ListResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('accepts a private zone when dns-resolvers names resolvers (or turns the gate off)', async () => {
    const setUp = setup([simple()], { answersFromZoneNameServers: false })
    setUp.zone.privateZone = true
    const inspection = await setUp.backend.inspect()
    expect(inspection.sides.nameServers).toEqual([])
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('refuses a zone that does not exist, naming hosted-zone-id', async () => {
    const setUp = setup([simple()])
    setUp.zone.missing = true
    const error = await refusal(setUp)
    expect(error.input).toBe('hosted-zone-id')
    expect(error.message).toContain('no hosted zone with that id (NoSuchHostedZone)')
  })

  it('refuses a record name outside the zone', async () => {
    const setUp = setup([simple()], { recordName: 'www.example.org' })
    const error = await refusal(setUp)
    expect(error.input).toBe('record-name')
    expect(error.message).toContain(`hosted zone ${ZONE} (hosted-zone-id) is example.com`)
    expect(route53.commandCalls(ListResourceRecordSetsCommand)).toHaveLength(0)
    // "notexample.com" is not inside "example.com" either.
    expect((await refusal(setup([], { recordName: 'www.notexample.com' }))).input).toBe(
      'record-name'
    )
  })
})

describe('inspect: the records', () => {
  it.each([
    [
      'no record of the type',
      [{ Name: NAME, Type: 'AAAA' as const, TTL: 60 }],
      'record-name',
      'no A record (it has AAAA'
    ],
    [
      'three weighted records',
      [blue(1), green(1), weighted('canary', 1, '203.0.113.1')],
      'record-name',
      '3 weighted A records'
    ],
    [
      'a record that is not ours',
      [blue(1), weighted('canary', 1, '203.0.113.1')],
      'green-set-identifier',
      '"canary"'
    ],
    ['both weights at 0', [blue(0), green(0)], 'record-name', 'equal split']
  ])('refuses %s, naming %s', async (_name, records, input, shows) => {
    const error = await refusal(setup(records))
    expect(error.input).toBe(input)
    expect(error.message).toContain(`AWS shows at www.example.com in hosted zone ${ZONE}, `)
    expect(error.message).toContain(shows)
  })

  it('needs green-value or green-alias-target where it must create green’s record', async () => {
    for (const records of [[simple()], [blue(255)]]) {
      const error = await refusal(setup(records, { green: undefined }))
      expect(error.input).toBe('green-value')
      expect(error.message).toContain('no weighted record "green" at www.example.com')
      expect(error.message).toContain('green-value (with record-ttl) or green-alias-target')
    }
    // Not needed for a run to 0 %, nor where green's record exists.
    await setup([simple()], { green: undefined, traffic: Split.BLUE }).backend.inspect()
    await setup([blue(255), green(0)], { green: undefined }).backend.inspect()
  })

  it('refuses to repoint a green that carries traffic', async () => {
    const error = await refusal(setup([blue(229), weighted('green', 26, '198.51.100.99')]))
    expect(error.input).toBe('green-value')
    expect(error.message).toContain('carrying traffic (weight 26)')
  })

  it('refuses a TTL the verify timeout cannot cover; warns above the bake', async () => {
    const error = await refusal(setup([simple('192.0.2.10', 300)]))
    expect(error.input).toBe('verify-timeout')
    expect(error.message).toContain('a TTL of 300s at www.example.com')
    // green-value's record-ttl counts too.
    const fromInput = await refusal(setup([simple()], { recordTtl: 300 }))
    expect(fromInput.message).toContain('e.g. in record-ttl')

    const { backend } = setup([simple('192.0.2.10', 180)], { verifyTimeoutMs: 600_000 })
    expect((await backend.inspect()).warnings).toEqual([
      'The TTL of www.example.com (180s) is longer than bake-time (120s): resolvers may hold an answer longer than a step bakes'
    ])
    const tight = setup([simple('192.0.2.10', 100)], { verifyTimeoutMs: 120_000 })
    expect((await tight.backend.inspect()).warnings[0]).toContain(
      'leaves less than a minute beyond the TTL'
    )
    // Nothing to do, nothing to wait for.
    const done = setup([blue(0, 300), green(255, 300)])
    expect((await done.backend.inspect()).warnings).toEqual([])
  })
})

describe('inspect: what it hands the runner and the gates', () => {
  it('gives the live state, and blue and green as their records will be once adopted', async () => {
    const { backend } = setup([simple()])
    const inspection = await backend.inspect()
    expect(inspection.state.native).toEqual({ records: [simple()] })
    expect(inspection.state.split).toEqual(Split.BLUE)
    expect(inspection.sides).toEqual({
      blue: {
        targetGroups: [],
        autoScalingGroups: [],
        loadBalancers: [],
        records: [
          {
            hostedZoneId: ZONE,
            name: 'www.example.com',
            type: 'A',
            setIdentifier: 'blue',
            values: ['192.0.2.10'],
            ttlSeconds: 60
          }
        ]
      },
      green: {
        targetGroups: [],
        autoScalingGroups: [],
        loadBalancers: [],
        records: [
          {
            hostedZoneId: ZONE,
            name: 'www.example.com',
            type: 'A',
            setIdentifier: 'green',
            values: ['198.51.100.20'],
            ttlSeconds: 60
          }
        ]
      },
      nameServers: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.com'],
      loadBalancers: []
    })
    expect(route53.commandCalls(GetHostedZoneCommand)).toHaveLength(1)
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('describes an alias side by its target', async () => {
    const alias: ResourceRecordSet = {
      Name: NAME,
      Type: 'A',
      SetIdentifier: 'green',
      Weight: 26,
      AliasTarget: {
        HostedZoneId: 'Z32O12XQLNTSW2',
        DNSName: 'Dualstack.Green-1.eu-west-1.elb.amazonaws.com.',
        EvaluateTargetHealth: true
      }
    }
    const { backend } = setup([blue(229), alias], { green: undefined })
    const { sides } = await backend.inspect()
    expect(sides.green.records).toEqual([
      {
        hostedZoneId: ZONE,
        name: 'www.example.com',
        type: 'A',
        setIdentifier: 'green',
        values: [],
        aliasTarget: {
          dnsName: 'dualstack.green-1.eu-west-1.elb.amazonaws.com',
          hostedZoneId: 'Z32O12XQLNTSW2'
        },
        // Route 53 answers an alias with its target's TTL: 60 s for a load balancer.
        ttlSeconds: 60
      }
    ])
  })

  it('a simple record that a run to 0 % leaves alone is blue’s, and green has none', async () => {
    const { backend } = setup([simple()], { traffic: Split.BLUE })
    const { sides } = await backend.inspect()
    expect(sides.blue.records.map((record) => record.setIdentifier)).toEqual([''])
    expect(sides.green.records).toEqual([])
  })
})
