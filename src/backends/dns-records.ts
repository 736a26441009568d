import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53'
import { UnsupportedStateError } from '../errors.js'
import { Split } from '../split.js'
import type { DnsSettings, GreenTarget } from './dns-settings.js'

/** Route 53's weight scale: 0-255 per record. */
export const MAX_WEIGHT = 255
/** Route 53 answers an alias with its target's TTL; ELB, CloudFront and S3 targets use 60 s. */
export const ALIAS_TTL_SECONDS = 60

/**
 * Blue and green weights for a split on the 0-255 scale: green = round(255 × p), blue the rest.
 * A split strictly between 0 and 100 % keeps both sides above 0, so a small step still sends
 * green some traffic and a large one still leaves blue some; never all-zero.
 */
export function dnsWeights(split: Split): [number, number] {
  if (split.permille === 0) return [MAX_WEIGHT, 0]
  if (split.permille === 1000) return [0, MAX_WEIGHT]
  const green = Math.min(
    MAX_WEIGHT - 1,
    Math.max(1, Math.round((MAX_WEIGHT * split.permille) / 1000))
  )
  return [MAX_WEIGHT - green, green]
}

/** Our records at the name, as Route 53 lists them: a simple record, or the weighted pair. */
export interface LiveRecords {
  simple?: ResourceRecordSet
  blue?: ResourceRecordSet
  green?: ResourceRecordSet
}

export type DnsRecordSettings = Pick<
  DnsSettings,
  'hostedZoneId' | 'recordName' | 'recordType' | 'blueSetIdentifier' | 'greenSetIdentifier'
>

/** Lower case without the trailing dot, the way names compare. */
export function normalName(name: string | undefined): string {
  return (name ?? '').toLowerCase().replace(/\.$/, '')
}

/**
 * Sorts the records listed at the name into what this mode can manage, or says exactly why it
 * cannot: another type there, another routing policy, or weighted records that are not ours.
 */
export function classify(atName: ResourceRecordSet[], settings: DnsRecordSettings): LiveRecords {
  const where = `${settings.recordName} in hosted zone ${settings.hostedZoneId}`
  const ofType = atName.filter((record) => record.Type === settings.recordType)
  if (ofType.length === 0) {
    const types = [...new Set(atName.map((record) => record.Type))].join(', ')
    throw new UnsupportedStateError(
      `No ${settings.recordType} record at ${where}` +
        (types ? ` (it has ${types}; check record-type)` : '') +
        ': create blue’s record first, then run this action'
    )
  }
  const simple = ofType.filter((record) => record.SetIdentifier === undefined)
  if (simple.length > 0) return { simple: simple[0] }

  const other = ofType.find((record) => record.Weight === undefined)
  if (other) {
    throw new UnsupportedStateError(
      `${settings.recordType} ${where} uses ${routingPolicy(other)} routing (set ${JSON.stringify(other.SetIdentifier)}), ` +
        'not weighted: this mode shifts weighted records only'
    )
  }
  const ids = ofType.map((record) => JSON.stringify(record.SetIdentifier)).join(', ')
  if (ofType.length > 2) {
    throw new UnsupportedStateError(
      `${ofType.length} weighted ${settings.recordType} records share ${where} (${ids}); ` +
        'this mode shifts exactly two, blue and green'
    )
  }
  const blue = ofType.find((record) => record.SetIdentifier === settings.blueSetIdentifier)
  const green = ofType.find((record) => record.SetIdentifier === settings.greenSetIdentifier)
  const strangers = ofType.filter((record) => record !== blue && record !== green)
  if (strangers.length > 0) {
    throw new UnsupportedStateError(
      `Weighted ${settings.recordType} records at ${where} are ${ids}, not ` +
        `blue-set-identifier ${JSON.stringify(settings.blueSetIdentifier)} and ` +
        `green-set-identifier ${JSON.stringify(settings.greenSetIdentifier)}`
    )
  }
  if (!blue) {
    throw new UnsupportedStateError(
      `Only green’s weighted record (${ids}) exists at ${where}: blue’s record ` +
        `${JSON.stringify(settings.blueSetIdentifier)} is missing, so there is nothing to shift from`
    )
  }
  if (green && !blue.Weight && !green.Weight) {
    throw new UnsupportedStateError(
      `Both weighted records at ${where} have weight 0, which Route 53 answers as an equal split; ` +
        'set blue’s weight (e.g. 255) by hand first'
    )
  }
  return { blue, green }
}

function routingPolicy(record: ResourceRecordSet): string {
  if (record.Failover) return 'failover'
  if (record.Region) return 'latency'
  if (record.GeoLocation) return 'geolocation'
  if (record.GeoProximityLocation) return 'geoproximity'
  if (record.CidrRoutingConfig) return 'IP-based'
  if (record.MultiValueAnswer) return 'multivalue answer'
  return 'non-weighted'
}

/** The split the live records carry. A simple record, or blue on its own, is all blue. */
export function splitOf(live: LiveRecords): Split {
  if (!live.blue || !live.green) return Split.BLUE
  return Split.ofWeights(live.blue.Weight ?? 0, live.green.Weight ?? 0)
}

/** True when the live records are the ones a split asks for. */
export function shows(live: LiveRecords, split: Split): boolean {
  if (live.simple || !live.green) return split.equals(Split.BLUE)
  const [blue, green] = dnsWeights(split)
  return live.blue?.Weight === blue && live.green.Weight === green
}

/** Where a record points, for people: "203.0.113.10" or "alias dualstack.x.elb.amazonaws.com". */
export function valueOf(record: ResourceRecordSet): string {
  if (record.AliasTarget) return `alias ${normalName(record.AliasTarget.DNSName)}`
  return (record.ResourceRecords ?? []).map((value) => value.Value).join(',')
}

export function describeLive(live: LiveRecords): string {
  if (live.simple) return `simple record (not weighted): ${valueOf(live.simple)}`
  const blue = `blue ${live.blue?.Weight ?? 0}`
  const green = live.green ? `green ${live.green.Weight ?? 0}` : 'green (no record)'
  return `${blue} / ${green} (Route 53 weights of ${MAX_WEIGHT})`
}

/** Everything about a record that a DELETE must match, in a fixed order and case. */
function canonical(record: ResourceRecordSet | undefined): string {
  if (!record) return '-'
  const alias = record.AliasTarget
  return JSON.stringify([
    record.SetIdentifier ?? null,
    record.Weight ?? null,
    record.TTL ?? null,
    (record.ResourceRecords ?? []).map((value) => normalValue(value.Value)).sort(),
    alias
      ? [alias.HostedZoneId, normalName(alias.DNSName), alias.EvaluateTargetHealth ?? false]
      : null,
    record.HealthCheckId ?? null
  ])
}

/** Host names compare without case or trailing dot; addresses as they are (lower case). */
function normalValue(value: string | undefined): string {
  return normalName(value)
}

/** Covers our records exactly: any edit to either of them changes it. */
export function fingerprintOf(live: LiveRecords): string {
  if (live.simple) return `simple=${canonical(live.simple)}`
  return `blue=${canonical(live.blue)};green=${canonical(live.green)}`
}

/** The longest TTL a resolver may have cached one of these records for, in seconds. */
export function ttlOf(live: LiveRecords): number {
  const records = [live.simple, live.blue, live.green].filter(
    (record): record is ResourceRecordSet => record !== undefined
  )
  return Math.max(0, ...records.map((record) => record.TTL ?? ALIAS_TTL_SECONDS))
}

/** Green's record as the inputs describe it (green-value / green-alias-target), beside blue. */
export function greenRecord(
  settings: Pick<DnsSettings, 'recordType' | 'greenSetIdentifier' | 'recordTtl'>,
  target: GreenTarget,
  weight: number,
  blue: ResourceRecordSet
): ResourceRecordSet {
  const base: ResourceRecordSet = {
    Name: blue.Name,
    Type: settings.recordType,
    SetIdentifier: settings.greenSetIdentifier,
    Weight: weight
  }
  if (target.kind === 'alias') {
    // Route 53 then answers green only while its target is healthy: a broken green keeps blue.
    return {
      ...base,
      AliasTarget: {
        HostedZoneId: target.hostedZoneId,
        DNSName: target.dnsName,
        EvaluateTargetHealth: true
      }
    }
  }
  return {
    ...base,
    TTL: settings.recordTtl ?? blue.TTL ?? ALIAS_TTL_SECONDS,
    ResourceRecords: target.values.map((value) => ({ Value: value }))
  }
}

/** Whether green's live record already points where green-value / green-alias-target say. */
export function pointsAtTarget(
  green: ResourceRecordSet,
  target: GreenTarget,
  ttl: number | undefined
): boolean {
  if (target.kind === 'alias') {
    return (
      green.AliasTarget?.HostedZoneId === target.hostedZoneId &&
      normalName(green.AliasTarget.DNSName) === target.dnsName
    )
  }
  if (green.AliasTarget) return false
  const live = (green.ResourceRecords ?? []).map((value) => normalValue(value.Value)).sort()
  const wanted = target.values.map(normalValue).sort()
  return (ttl === undefined || ttl === green.TTL) && JSON.stringify(live) === JSON.stringify(wanted)
}

export function withWeight(record: ResourceRecordSet, weight: number): ResourceRecordSet {
  return { ...record, Weight: weight }
}

/** Blue's weighted record from a simple one: same values, TTL and health check. */
export function weightedFrom(
  simple: ResourceRecordSet,
  setIdentifier: string,
  weight: number
): ResourceRecordSet {
  return { ...simple, SetIdentifier: setIdentifier, Weight: weight }
}

/** The simple record blue's weighted record came from (undoing adoption). */
export function simpleFrom(blue: ResourceRecordSet): ResourceRecordSet {
  const simple = { ...blue }
  delete simple.SetIdentifier
  delete simple.Weight
  return simple
}

/**
 * One compare-and-swap batch: DELETE exactly what we believe is live, CREATE what replaces it.
 * If anyone changed one of the deleted records, Route 53 rejects the whole batch.
 */
export function swap(from: ResourceRecordSet[], to: ResourceRecordSet[]): Change[] {
  const weights = to.filter((record) => record.SetIdentifier !== undefined)
  if (weights.length > 1 && weights.every((record) => !record.Weight)) {
    throw new UnsupportedStateError(
      'Refusing to write all-zero weights (Route 53 would split equally)'
    )
  }
  return [
    ...from.map((record) => ({ Action: 'DELETE' as const, ResourceRecordSet: record })),
    ...to.map((record) => ({ Action: 'CREATE' as const, ResourceRecordSet: record }))
  ]
}
