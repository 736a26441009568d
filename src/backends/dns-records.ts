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

/** The split Route 53 carries for a requested one: 10 % is 26 of 255, which reads 10.2 %. */
export function quantize(split: Split): Split {
  const [blue, green] = dnsWeights(split)
  return Split.ofWeights(blue, green)
}

/** Our records at the name, sorted out: a simple record, or blue's weighted one (and green's). */
export interface LiveRecords {
  simple?: ResourceRecordSet
  blue?: ResourceRecordSet
  green?: ResourceRecordSet
}

export type DnsRecordSettings = Pick<
  DnsSettings,
  'hostedZoneId' | 'recordName' | 'recordType' | 'blueSetIdentifier' | 'greenSetIdentifier'
>

/** Why the records at the name are not a shape this mode manages, as a TopologyError says it. */
export interface ShapeProblem {
  input: string
  value: string
  shows: string
  accepted: string
}

export type Shaped = { ok: true; live: LiveRecords } | { ok: false; problem: ShapeProblem }

/** Lower case without the trailing dot, the way names compare. */
export function normalName(name: string | undefined): string {
  return (name ?? '').toLowerCase().replace(/\.$/, '')
}

/**
 * Sorts the records at the name (any type) into what this mode can manage, or says exactly why
 * it cannot: no record of the type, another routing policy, weighted records that are not ours.
 */
export function shapeOf(atName: ResourceRecordSet[], settings: DnsRecordSettings): Shaped {
  const { recordName, recordType, blueSetIdentifier, greenSetIdentifier } = settings
  const problem = (input: string, value: string, shows: string, accepted: string): Shaped => ({
    ok: false,
    problem: { input, value, shows, accepted }
  })
  const ofType = atName.filter((record) => record.Type === recordType)
  if (ofType.length === 0) {
    const types = [...new Set(atName.map((record) => record.Type))].join(', ')
    return problem(
      'record-name',
      recordName,
      `no ${recordType} record` + (types ? ` (it has ${types}; check record-type)` : ''),
      `the name of an existing ${recordType} record (create blue’s record first)`
    )
  }
  const simple = ofType.find((record) => record.SetIdentifier === undefined)
  if (simple) return { ok: true, live: { simple } }

  const other = ofType.find((record) => record.Weight === undefined)
  if (other) {
    return problem(
      'record-name',
      recordName,
      `${recordType} records with ${routingPolicy(other)} routing (set ${JSON.stringify(other.SetIdentifier)})`,
      'a simple record or weighted records: this mode shifts weighted records only'
    )
  }
  const ids = ofType.map((record) => JSON.stringify(record.SetIdentifier)).join(', ')
  const ours = `blue-set-identifier ${JSON.stringify(blueSetIdentifier)} and green-set-identifier ${JSON.stringify(greenSetIdentifier)}`
  if (ofType.length > 2) {
    return problem(
      'record-name',
      recordName,
      `${ofType.length} weighted ${recordType} records (${ids})`,
      `exactly two weighted records, ${ours}, or one simple record`
    )
  }
  const blue = ofType.find((record) => record.SetIdentifier === blueSetIdentifier)
  const green = ofType.find((record) => record.SetIdentifier === greenSetIdentifier)
  if (ofType.some((record) => record !== blue && record !== green)) {
    const input = blue ? 'green-set-identifier' : 'blue-set-identifier'
    return problem(
      input,
      blue ? greenSetIdentifier : blueSetIdentifier,
      `weighted ${recordType} records ${ids}`,
      `the set identifiers of those records (${ours})`
    )
  }
  if (!blue) {
    return problem(
      'blue-set-identifier',
      blueSetIdentifier,
      `only green’s weighted record (${ids}), nothing to shift from`,
      'the set identifier of blue’s weighted record, which must exist'
    )
  }
  if (green && !blue.Weight && !green.Weight) {
    return problem(
      'record-name',
      recordName,
      'both weighted records at weight 0, which Route 53 answers as an equal split',
      'blue’s weight above 0 (e.g. 255), set by hand first'
    )
  }
  return { ok: true, live: { blue, green } }
}

/** shapeOf() for records already inspected (pure planning): an unmanageable shape is a bug. */
export function liveRecords(
  records: ResourceRecordSet[],
  settings: DnsRecordSettings
): LiveRecords {
  const shaped = shapeOf(records, settings)
  if (!shaped.ok) {
    throw new UnsupportedStateError(
      `${settings.recordName} ${settings.recordType} in hosted zone ${settings.hostedZoneId} shows ${shaped.problem.shows}`
    )
  }
  return shaped.live
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
function canonical(record: ResourceRecordSet): string {
  const alias = record.AliasTarget
  return JSON.stringify([
    record.Type ?? null,
    record.SetIdentifier ?? null,
    record.Weight ?? null,
    record.TTL ?? null,
    (record.ResourceRecords ?? []).map((value) => normalName(value.Value)).sort(),
    alias
      ? [alias.HostedZoneId, normalName(alias.DNSName), alias.EvaluateTargetHealth ?? false]
      : null,
    record.HealthCheckId ?? null
  ])
}

/** Covers our records exactly: any edit to any of them, or one more record, changes it. */
export function fingerprintOf(records: ResourceRecordSet[]): string {
  return records.map(canonical).sort().join(';')
}

/** The longest TTL a resolver may have cached one of these records for, in seconds. */
export function ttlOf(records: ResourceRecordSet[]): number {
  return Math.max(0, ...records.map((record) => record.TTL ?? ALIAS_TTL_SECONDS))
}

/**
 * A record as plain JSON (no undefined members), in a stable order of records; an alias keeps
 * no empty value list, which Route 53 would refuse on the way back.
 */
export function plainRecords(records: ResourceRecordSet[]): ResourceRecordSet[] {
  return records
    .map((record) => {
      const plain = JSON.parse(JSON.stringify(record)) as ResourceRecordSet
      if (plain.AliasTarget && plain.ResourceRecords?.length === 0) delete plain.ResourceRecords
      return plain
    })
    .sort((a, b) => compare(a.SetIdentifier ?? '', b.SetIdentifier ?? ''))
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
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
  const live = (green.ResourceRecords ?? []).map((value) => normalName(value.Value)).sort()
  const wanted = target.values.map(normalName).sort()
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

/** The simple record blue's weighted record stands for (collapsing the pair at 0 %). */
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
