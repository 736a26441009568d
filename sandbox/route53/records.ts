import { compareAscii, reversedName } from './names.js'

/** The record types Route 53 accepts in a change batch. */
export const RECORD_TYPES = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT'
] as const
export type RecordType = (typeof RECORD_TYPES)[number]

export const isRecordType = (type: string): type is RecordType =>
  (RECORD_TYPES as readonly string[]).includes(type)

export interface AliasTarget {
  /** Bare zone id (the SDK strips `/hostedzone/`); a sandbox zone or e.g. an ELB's zone. */
  hostedZoneId: string
  /** Normalised: lower case with a trailing dot. */
  dnsName: string
  evaluateTargetHealth: boolean
}

/**
 * One resource record set, the unit Route 53 creates, deletes and lists. Names are normalised
 * (see names.ts); routing policies other than simple and weighted are not simulated.
 */
export interface RecordSet {
  name: string
  type: RecordType
  setIdentifier?: string
  weight?: number
  ttl?: number
  /** ResourceRecords values, in the order given; absent for an alias. */
  values?: string[]
  aliasTarget?: AliasTarget
  healthCheckId?: string
}

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT'

export interface Change {
  action: ChangeAction
  record: RecordSet
}

/** What makes two record sets "the same record": name, type and set identifier. */
export function sameIdentity(a: RecordSet, b: RecordSet): boolean {
  return a.name === b.name && a.type === b.type && a.setIdentifier === b.setIdentifier
}

/** The exact comparison a DELETE is held to: every field, values as a set. */
export function sameRecord(a: RecordSet, b: RecordSet): boolean {
  return (
    sameIdentity(a, b) &&
    a.weight === b.weight &&
    a.ttl === b.ttl &&
    a.healthCheckId === b.healthCheckId &&
    sameValues(a.values, b.values) &&
    a.aliasTarget?.hostedZoneId === b.aliasTarget?.hostedZoneId &&
    a.aliasTarget?.dnsName === b.aliasTarget?.dnsName &&
    a.aliasTarget?.evaluateTargetHealth === b.aliasTarget?.evaluateTargetHealth
  )
}

function sameValues(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  const sorted = (values: string[]) => [...values].sort(compareAscii).join('\n')
  return a.length === b.length && sorted(a) === sorted(b)
}

/** ListResourceRecordSets order: reversed name, then type, then set identifier (ASCII). */
export function compareRecords(a: RecordSet, b: RecordSet): number {
  return (
    compareAscii(reversedName(a.name), reversedName(b.name)) ||
    compareAscii(a.type, b.type) ||
    compareAscii(a.setIdentifier ?? '', b.setIdentifier ?? '')
  )
}

/** How Route 53 names a record set in its error messages. */
export function describeRecord(record: RecordSet): string {
  const identifier =
    record.setIdentifier === undefined ? '' : `, set-identifier='${record.setIdentifier}'`
  return `[name='${record.name}', type='${record.type}'${identifier}]`
}

/** A deep copy, so the model never shares arrays with callers. */
export function copyRecord(record: RecordSet): RecordSet {
  return {
    ...record,
    ...(record.values && { values: [...record.values] }),
    ...(record.aliasTarget && { aliasTarget: { ...record.aliasTarget } })
  }
}
