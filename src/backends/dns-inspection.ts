import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { TopologyError } from '../errors.js'
import type { Inspection } from './backend.js'
import { liveRecords, normalName, quantize, shapeOf, ttlOf } from './dns-records.js'
import type { AliasedLoadBalancers } from './dns-load-balancers.js'
import { elbName } from './dns-load-balancers.js'
import { type DnsNative, type DnsState, planDns, stateOf } from './dns-plan.js'
import type { DnsSettings } from './dns-settings.js'
import { emptySide, type LoadBalancerRef, type RecordRef, type Side, type Sides } from './sides.js'

/** Route 53 usually reports a change INSYNC within 60 s. */
export const INSYNC_ALLOWANCE_MS = 60_000

/** The hosted zone, as GetHostedZone describes it. */
export interface HostedZoneFacts {
  id: string
  /** Lower case, without the trailing dot. */
  name: string
  privateZone: boolean
  /** The delegation set's name servers (none for a private zone). */
  nameServers: string[]
}

/**
 * Checked before the records are even listed: the record is inside the zone, and the dns-answer
 * gate, when it asks the zone's own name servers, has some (a private zone has none).
 */
export function checkZone(zone: HostedZoneFacts, settings: DnsSettings): void {
  const { recordName, hostedZoneId } = settings
  if (recordName !== zone.name && !recordName.endsWith(`.${zone.name}`)) {
    throw new TopologyError(
      'record-name',
      recordName,
      `hosted zone ${hostedZoneId} (hosted-zone-id) is ${zone.name}`,
      `a name inside ${zone.name}, or the id of the zone that holds ${recordName}`
    )
  }
  if (settings.answersFromZoneNameServers && (zone.privateZone || zone.nameServers.length === 0)) {
    throw new TopologyError(
      'dns-resolvers',
      '',
      `hosted zone ${hostedZoneId} (hosted-zone-id, ${zone.name}) is ` +
        (zone.privateZone ? 'a private zone' : 'a zone') +
        ' with no public name servers for the dns-answer gate to ask',
      'resolvers that answer for the zone (for a private zone, inside its VPC, such as 10.0.0.2), or off'
    )
  }
}

/**
 * The whole inspection from what Route 53 showed (pure): the records are in a shape this mode
 * manages, green's value is given where this run must create green's record, the TTL fits in
 * verify-timeout, and blue and green as data for the gates.
 */
export function inspectionOf(
  zone: HostedZoneFacts,
  atName: ResourceRecordSet[],
  settings: DnsSettings
): Inspection<DnsNative> {
  const where = `${settings.recordName} in hosted zone ${settings.hostedZoneId}`
  const shaped = shapeOf(atName, settings)
  if (!shaped.ok) {
    const { input, value, shows, accepted } = shaped.problem
    throw new TopologyError(input, value, `at ${where}, ${shows}`, accepted)
  }
  const state = stateOf(atName, settings)
  // Throws TopologyError when green's record must be created or repointed and cannot be.
  const plan = planDns(state, quantize(settings.traffic), settings)
  const warnings: string[] = []
  if (plan.phases.some((phase) => phase.movesTraffic)) {
    const states = [state, ...plan.phases.map((phase) => phase.expect)]
    const ttlMs = Math.max(...states.map((each) => ttlOf(each.native.records))) * 1000
    warnings.push(...ttlWarnings(ttlMs, settings, where))
  }
  const adopted = plan.phases[0] && !plan.phases[0].movesTraffic ? plan.phases[0].expect : state
  return { state, sides: sidesOf(adopted, zone, settings), warnings }
}

/** Each step waits for INSYNC, then one TTL: a TTL the verify timeout cannot cover is refused. */
function ttlWarnings(ttlMs: number, settings: DnsSettings, where: string): string[] {
  const { verifyTimeoutMs, bakeMs } = settings
  const seconds = (ms: number) => `${ms / 1000}s`
  if (ttlMs >= verifyTimeoutMs) {
    throw new TopologyError(
      'verify-timeout',
      seconds(verifyTimeoutMs),
      `a TTL of ${seconds(ttlMs)} at ${where} (each step waits for INSYNC, then one TTL)`,
      'a verify-timeout longer than the TTL (or a lower TTL' +
        (settings.recordTtl === undefined ? ')' : ', e.g. in record-ttl)')
    )
  }
  const warnings: string[] = []
  if (ttlMs + INSYNC_ALLOWANCE_MS > verifyTimeoutMs) {
    warnings.push(
      `verify-timeout (${seconds(verifyTimeoutMs)}) leaves less than a minute beyond the TTL of ` +
        `${settings.recordName} (${seconds(ttlMs)}) for Route 53 to report INSYNC`
    )
  }
  if (ttlMs > bakeMs) {
    warnings.push(
      `The TTL of ${settings.recordName} (${seconds(ttlMs)}) is longer than bake-time ` +
        `(${seconds(bakeMs)}): resolvers may hold an answer longer than a step bakes`
    )
  }
  return warnings
}

/**
 * Blue and green as their records will be once adopted (green's record as this run creates or
 * repoints it), so the dns-answer gate knows every answer of each side from the first check.
 */
function sidesOf(adopted: DnsState, zone: HostedZoneFacts, settings: DnsSettings) {
  const live = liveRecords(adopted.native.records, settings)
  const side = (record: ResourceRecordSet | undefined): Side => ({
    ...emptySide(),
    records: record ? [recordRef(record, settings)] : []
  })
  return {
    blue: side(live.simple ?? live.blue),
    green: side(live.green),
    nameServers: zone.privateZone ? [] : zone.nameServers.map(normalName),
    // Filled by withLoadBalancers once the aliased load balancers are read.
    loadBalancers: []
  }
}

/**
 * Each side with the Application Load Balancers its records alias (their RequestCount is the
 * side's traffic), and all of them as the load balancers whose own 5XX concern the run.
 */
export function withLoadBalancers(
  inspection: Inspection<DnsNative>,
  aliased: AliasedLoadBalancers
): Inspection<DnsNative> {
  const { sides } = inspection
  const lbsOf = (side: Side): LoadBalancerRef[] =>
    side.records.flatMap((record) => {
      const lb = record.aliasTarget && aliased.byAlias.get(elbName(record.aliasTarget.dnsName))
      return lb ? [lb] : []
    })
  const blue = { ...sides.blue, loadBalancers: lbsOf(sides.blue) }
  const green = { ...sides.green, loadBalancers: lbsOf(sides.green) }
  const all = new Map([...blue.loadBalancers, ...green.loadBalancers].map((lb) => [lb.arn, lb]))
  const withLbs: Sides = { ...sides, blue, green, loadBalancers: [...all.values()] }
  return { ...inspection, sides: withLbs, warnings: [...inspection.warnings, ...aliased.warnings] }
}

/** The alias targets of the sides' records, for loadBalancersOfAliases. */
export function aliasTargets(sides: Sides) {
  return [...sides.blue.records, ...sides.green.records].map((record) => record.aliasTarget)
}

/** A record for the gates: lower-case values without the trailing dot; '' for a simple record. */
function recordRef(record: ResourceRecordSet, settings: DnsSettings): RecordRef {
  const alias = record.AliasTarget
  return {
    hostedZoneId: settings.hostedZoneId,
    name: settings.recordName,
    type: settings.recordType,
    setIdentifier: record.SetIdentifier ?? '',
    values: (record.ResourceRecords ?? []).map((value) => normalName(value.Value)),
    ttlSeconds: ttlOf([record]),
    ...(alias && {
      aliasTarget: { dnsName: normalName(alias.DNSName), hostedZoneId: alias.HostedZoneId ?? '' }
    })
  }
}
