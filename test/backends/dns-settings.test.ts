import { describe, expect, it } from '@jest/globals'
import { dns } from '../../src/backends/dns.js'
import { type DnsSettings, readDnsSettings } from '../../src/backends/dns-settings.js'
import { InputError } from '../../src/errors.js'
import { readCommonSettings } from '../../src/settings.js'
import { Split } from '../../src/split.js'
import { ZONE } from './dns-zone.js'

/** Reads this mode's settings the way run.ts does: common inputs first, then the mode's. */
function readDns(read: (name: string) => string): DnsSettings {
  return readDnsSettings(read, readCommonSettings(read, ['dns']))
}

const base: Record<string, string> = {
  mode: 'dns',
  'hosted-zone-id': ZONE,
  'record-name': 'WWW.Example.com.'
}
const read = (overrides: Record<string, string>) => (name: string) =>
  ({ ...base, ...overrides })[name] ?? ''

describe('readDnsSettings', () => {
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
      answersFromZoneNameServers: true,
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
    // Route 53 writes a TTL as a bare number of seconds (issue 13).
    [{ 'green-value': '198.51.100.20', 'record-ttl': '30' }, { recordTtl: 30 }],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '0' }, { recordTtl: 0 }],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '86400' }, { recordTtl: 86_400 }],
    [
      { 'blue-set-identifier': 'v1', 'green-set-identifier': 'v2' },
      { blueSetIdentifier: 'v1', greenSetIdentifier: 'v2' }
    ],
    [{ 'collapse-on-rollback': 'true' }, { collapseOnRollback: true }],
    [{ 'dns-resolvers': '10.0.0.2' }, { answersFromZoneNameServers: false }],
    [{ 'dns-resolvers': 'off' }, { answersFromZoneNameServers: false }]
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
    [{ 'green-value': '198.51.100.20', 'record-ttl': '1.5s' }, 'record-ttl', 'whole seconds'],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '25h' }, 'record-ttl', '86400'],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '86401' }, 'record-ttl', '86400'],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '-5' }, 'record-ttl', 'such as 60'],
    [{ 'green-value': '198.51.100.20', 'record-ttl': '30 s' }, 'record-ttl', 'such as 60'],
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

  it('lists every input it reads, and reads no other', () => {
    const asked = new Set<string>()
    readDnsSettings(
      (name) => {
        asked.add(name)
        return read({ 'green-value': '198.51.100.20', 'record-ttl': '30' })(name)
      },
      readCommonSettings(read({}), ['dns'])
    )
    expect(new Set(dns.inputs)).toEqual(asked)
  })
})
