import { isIPv4, isIPv6 } from 'node:net'
import { InputError } from '../errors.js'
import {
  booleanInput,
  type InputReader,
  optional,
  parseList,
  parseWholeSeconds
} from '../inputs.js'
import type { CommonSettings } from '../settings.js'
import type { Split } from '../split.js'

export const DNS_MODE = 'dns'
/** The inputs this mode reads (dns-resolvers only to know whether it is empty). */
export const DNS_INPUTS = [
  'hosted-zone-id',
  'record-name',
  'record-type',
  'blue-set-identifier',
  'green-set-identifier',
  'green-value',
  'green-alias-target',
  'record-ttl',
  'collapse-on-rollback',
  'dns-resolvers'
] as const
/** The record types this mode shifts: the ones that say where clients connect. */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME'] as const
export type RecordType = (typeof RECORD_TYPES)[number]
/** Route 53 allows TTLs up to 2^31-1 s; a shift waits one TTL per step, so a day is plenty. */
const MAX_TTL_SECONDS = 86_400

/** Where green's record points when this run has to create (or repoint) it. */
export type GreenTarget =
  { kind: 'values'; values: string[] } | { kind: 'alias'; dnsName: string; hostedZoneId: string }

export interface DnsSettings {
  /** Bare zone id, without /hostedzone/. */
  hostedZoneId: string
  /** Lower case, without the trailing dot. */
  recordName: string
  recordType: RecordType
  blueSetIdentifier: string
  greenSetIdentifier: string
  green?: GreenTarget
  /** Seconds, for green-value; undefined: blue's TTL. */
  recordTtl?: number
  /**
   * When a plan ends at 0 % green (traffic: 0, or rollback-to: 0), end with blue as a simple
   * record (green's record deleted). A rollback to the start needs no flag: restore() always
   * puts back the records the run found, undoing its own adoption.
   */
  collapseOnRollback: boolean
  /**
   * True when the dns-answer gate is on and asks the zone's own name servers (dns-resolvers
   * empty), which a private zone does not have: inspect() refuses that before any write.
   */
  answersFromZoneNameServers: boolean
  /** Common settings this mode needs: requested split, bake and verify time. */
  traffic: Split
  bakeMs: number
  verifyTimeoutMs: number
}

export function readDnsSettings(read: InputReader, common: CommonSettings): DnsSettings {
  const hostedZoneId = parseZoneId('hosted-zone-id', optional(read, 'hosted-zone-id'))
  const recordName = parseRecordName('record-name', optional(read, 'record-name'))
  const typeRaw = optional(read, 'record-type') || 'A'
  const recordType = RECORD_TYPES.find((type) => type === typeRaw.toUpperCase())
  if (!recordType) {
    throw new InputError(
      'record-type',
      typeRaw,
      `one of ${RECORD_TYPES.join(', ')} (weighted records that say where clients connect)`
    )
  }
  const blueSetIdentifier = parseSetIdentifier('blue-set-identifier', read, 'blue')
  const greenSetIdentifier = parseSetIdentifier('green-set-identifier', read, 'green')
  if (blueSetIdentifier.toLowerCase() === greenSetIdentifier.toLowerCase()) {
    throw new InputError(
      'green-set-identifier',
      greenSetIdentifier,
      'a set identifier other than blue-set-identifier'
    )
  }
  const valueRaw = optional(read, 'green-value')
  const aliasRaw = optional(read, 'green-alias-target')
  if (valueRaw && aliasRaw) {
    throw new InputError(
      'green-alias-target',
      aliasRaw,
      'either green-value or green-alias-target, not both'
    )
  }
  const ttlRaw = optional(read, 'record-ttl')
  if (ttlRaw && !valueRaw) {
    throw new InputError(
      'record-ttl',
      ttlRaw,
      'no value unless green-value is given (an alias has no TTL)'
    )
  }
  const green = valueRaw
    ? { kind: 'values' as const, values: parseValues(recordType, valueRaw) }
    : aliasRaw
      ? parseAliasTarget(recordType, aliasRaw)
      : undefined
  return {
    hostedZoneId,
    recordName,
    recordType,
    blueSetIdentifier,
    greenSetIdentifier,
    green,
    recordTtl: ttlRaw ? parseTtl(ttlRaw) : undefined,
    collapseOnRollback: booleanInput(read, 'collapse-on-rollback', false),
    // Only whether it is empty: the dns-answer gate parses and owns this input.
    answersFromZoneNameServers: optional(read, 'dns-resolvers') === '',
    traffic: common.traffic,
    bakeMs: common.bakeMs,
    verifyTimeoutMs: common.verifyTimeoutMs
  }
}

/** "Z0123456789ABC" or "/hostedzone/Z0123456789ABC", as the console and the API show it. */
export function parseZoneId(name: string, raw: string): string {
  const id = raw.replace(/^\/hostedzone\//, '')
  if (!/^Z[A-Z0-9]{1,32}$/.test(id)) {
    throw new InputError(name, raw, 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ')
  }
  return id
}

/** A host name of letters, digits, hyphens and underscores; case and a trailing dot ignored. */
export function parseRecordName(name: string, raw: string): string {
  const text = raw.toLowerCase().replace(/\.$/, '')
  const labels = text.split('.')
  const valid =
    text.length > 0 &&
    text.length <= 253 &&
    labels.length >= 2 &&
    labels.every((label) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label))
  if (!valid) {
    throw new InputError(
      name,
      raw,
      'a fully qualified DNS name such as www.example.com (no wildcard, no spaces)'
    )
  }
  return text
}

function parseSetIdentifier(name: string, read: InputReader, fallback: string): string {
  const value = optional(read, name) || fallback
  if (value.length > 128 || /\p{Cc}/u.test(value)) {
    throw new InputError(name, value, 'a set identifier of 1 to 128 printable characters')
  }
  return value
}

/** green-value: addresses for A/AAAA (several allowed), one host name for CNAME. */
function parseValues(type: RecordType, raw: string): string[] {
  const values = parseList(raw)
  const accepted =
    type === 'A'
      ? 'IPv4 addresses such as 203.0.113.10, comma separated'
      : type === 'AAAA'
        ? 'IPv6 addresses such as 2001:db8::10, comma separated'
        : 'one host name such as green.example.com'
  if (values.length === 0 || (type === 'CNAME' && values.length > 1)) {
    throw new InputError('green-value', raw, accepted)
  }
  return values.map((value) => {
    if (type === 'A' && isIPv4(value)) return value
    if (type === 'AAAA' && isIPv6(value)) return canonicalIPv6(value)
    if (type === 'CNAME') {
      try {
        return parseRecordName('green-value', value)
      } catch {
        throw new InputError('green-value', raw, accepted)
      }
    }
    throw new InputError('green-value', raw, accepted)
  })
}

/** The compressed lower-case form Route 53 gives back, so reads compare equal to writes. */
function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1)
}

/** "dualstack.x.elb.amazonaws.com,Z35SXDOTRQ7X7K": the target's DNS name and hosted zone. */
function parseAliasTarget(type: RecordType, raw: string): GreenTarget {
  const accepted =
    'the target DNS name and its hosted zone id, such as dualstack.shop-123.eu-west-1.elb.amazonaws.com,Z32O12XQLNTSW2'
  if (type === 'CNAME') {
    throw new InputError('green-alias-target', raw, 'record-type A or AAAA for an alias target')
  }
  const parts = raw.split(',').map((part) => part.trim())
  if (parts.length !== 2) throw new InputError('green-alias-target', raw, accepted)
  try {
    return {
      kind: 'alias',
      dnsName: parseRecordName('green-alias-target', parts[0]),
      hostedZoneId: parseZoneId('green-alias-target', parts[1])
    }
  } catch {
    throw new InputError('green-alias-target', raw, accepted)
  }
}

const TTL_ACCEPTED =
  'whole seconds from 0 to 86400 (24h), such as 60 (as Route 53 shows TTLs), 60s or 5m'

/** A duration ("60s", "5m"), or a bare number of seconds ("60") as Route 53 writes a TTL. */
function parseTtl(raw: string): number {
  if (/^\d+$/.test(raw)) {
    const seconds = Number(raw)
    if (seconds > MAX_TTL_SECONDS) throw new InputError('record-ttl', raw, TTL_ACCEPTED)
    return seconds
  }
  return parseWholeSeconds('record-ttl', raw, 0, MAX_TTL_SECONDS, TTL_ACCEPTED)
}
