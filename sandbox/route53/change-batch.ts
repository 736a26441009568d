import { invalidChangeBatch, invalidInput, noSuchHealthCheck } from './errors.js'
import { isInZone, isValidName } from './names.js'
import {
  compareRecords,
  copyRecord,
  describeRecord,
  sameIdentity,
  sameRecord,
  type Change,
  type RecordSet
} from './records.js'
import { checkValue } from './values.js'

/** What validating a batch needs to know beyond the zone's own records. */
export interface BatchContext {
  zoneId: string
  zoneName: string
  healthCheckExists(id: string): boolean
  /** Records of another sandbox zone, for alias targets; undefined when not a sandbox zone. */
  zoneRecords(zoneId: string): { name: string; records: readonly RecordSet[] } | undefined
}

const MAX_TTL = 2147483647
const MAX_RECORDS_PER_BATCH = 1000

/**
 * Applies a change batch the way Route 53 does: every change in order against a working copy,
 * every problem collected, and nothing kept unless the whole batch is valid. Returns the zone's
 * new records, sorted as ListResourceRecordSets lists them.
 */
export function applyChangeBatch(
  current: readonly RecordSet[],
  changes: readonly Change[],
  context: BatchContext
): RecordSet[] {
  if (changes.length === 0) {
    throw invalidInput('Invalid request: the ChangeBatch must contain at least one Change')
  }
  // Shape errors are InvalidInput (Route 53 rejects them as malformed before looking at the zone).
  for (const change of changes) checkShape(change)
  for (const change of changes) {
    const id = change.record.healthCheckId
    if (id !== undefined && !context.healthCheckExists(id)) throw noSuchHealthCheck(id)
  }
  const size = changes.reduce(
    (sum, { action, record }) => sum + (record.values?.length ?? 1) * (action === 'UPSERT' ? 2 : 1),
    0
  )
  if (size > MAX_RECORDS_PER_BATCH) {
    throw invalidChangeBatch([`Number of records limit of ${MAX_RECORDS_PER_BATCH} exceeded.`])
  }

  const problems = repeatedChanges(changes)
  let records = current.map(copyRecord)
  for (const change of changes) {
    const result = applyOne(records, change, context)
    if (typeof result === 'string') problems.push(result)
    else records = result
  }
  problems.push(...checkApex(records, context), ...checkAliasTargets(records, changes, context))
  if (problems.length > 0) throw invalidChangeBatch(problems)
  return records.sort(compareRecords)
}

/**
 * A batch may touch one record set once, or DELETE then CREATE it (the compare-and-swap);
 * any other repetition Route 53 refuses as an invalid set of changes.
 */
function repeatedChanges(changes: readonly Change[]): string[] {
  const actions = new Map<string, { record: RecordSet; actions: string[] }>()
  for (const { action, record } of changes) {
    const key = `${record.name}\n${record.type}\n${record.setIdentifier ?? ''}`
    const entry = actions.get(key) ?? { record, actions: [] }
    entry.actions.push(action)
    actions.set(key, entry)
  }
  return [...actions.values()]
    .filter(({ actions: list }) => list.length > 1 && list.join(',') !== 'DELETE,CREATE')
    .map(
      ({ record }) =>
        `The request contains an invalid set of changes for a resource record set '${record.type} ${record.name}'`
    )
}

function changeLabel({ action, record }: Change): string {
  const id = record.setIdentifier ?? 'null'
  return `Change with [Action=${action}, Name=${record.name}, Type=${record.type}, SetIdentifier=${id}]`
}

function checkShape(change: Change): void {
  const { record } = change
  const where = changeLabel(change)
  if (!isValidName(record.name)) {
    throw invalidInput(`Invalid request: '${record.name}' is not a valid DNS name in ${where}`)
  }
  const hasValues = record.ttl !== undefined || record.values !== undefined
  if (record.aliasTarget && hasValues) {
    throw invalidInput(
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in ${where}`
    )
  }
  if (!record.aliasTarget) {
    if (!hasValues) {
      throw invalidInput(
        `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in ${where}`
      )
    }
    if (record.ttl === undefined)
      throw invalidInput(`Invalid request: Missing field 'TTL' in ${where}`)
    if (!record.values?.length) {
      throw invalidInput(`Invalid request: Missing field 'ResourceRecords' in ${where}`)
    }
  }
  if (record.ttl !== undefined && !inRange(record.ttl, 0, MAX_TTL)) {
    throw invalidInput(
      `Invalid XML ; cvc-maxInclusive-valid: Value '${record.ttl}' is not facet-valid with respect to range [0, ${MAX_TTL}] for type 'TTL'.`
    )
  }
  if (record.weight !== undefined && !inRange(record.weight, 0, 255)) {
    throw invalidInput(
      `Invalid XML ; cvc-maxInclusive-valid: Value '${record.weight}' is not facet-valid with respect to range [0, 255] for type 'ResourceRecordSetWeight'.`
    )
  }
  if (record.weight !== undefined && record.setIdentifier === undefined) {
    throw invalidInput(`Invalid request: Missing field 'SetIdentifier' in ${where}`)
  }
  if (record.setIdentifier !== undefined) {
    if (record.weight === undefined) {
      // Route 53 would accept other routing policies here; the sandbox simulates weighted only.
      throw invalidInput(`Invalid request: Missing field 'Weight' in ${where}`)
    }
    if (record.setIdentifier.length < 1 || record.setIdentifier.length > 128) {
      throw invalidInput(`Invalid request: SetIdentifier must be 1 to 128 characters in ${where}`)
    }
  }
  const alias = record.aliasTarget
  if (alias && (!alias.hostedZoneId || !isValidName(alias.dnsName))) {
    throw invalidInput(`Invalid request: AliasTarget needs HostedZoneId and DNSName in ${where}`)
  }
}

const inRange = (value: number, min: number, max: number) =>
  Number.isInteger(value) && value >= min && value <= max

/** One change against the working copy: the new records, or Route 53's complaint. */
function applyOne(
  records: RecordSet[],
  change: Change,
  context: BatchContext
): RecordSet[] | string {
  const { action, record } = change
  if (!isInZone(record.name, context.zoneName)) {
    return `RRSet with DNS name ${record.name} is not permitted in zone ${context.zoneName}`
  }
  const existing = records.find((candidate) => sameIdentity(candidate, record))
  const others = records.filter((candidate) => candidate !== existing)
  if (action === 'DELETE') {
    if (!existing)
      return `Tried to delete resource record set ${describeRecord(record)} but it was not found`
    if (!sameRecord(existing, record)) {
      return `Tried to delete resource record set ${describeRecord(record)} but the values provided do not match the current values`
    }
    return others
  }
  if (action === 'CREATE' && existing) {
    return `Tried to create resource record set ${describeRecord(record)} but it already exists`
  }
  const problem = checkValues(record) ?? checkNeighbours(others, record, context.zoneName)
  return problem ?? [...others, copyRecord(record)]
}

function checkValues(record: RecordSet): string | undefined {
  const values = record.values ?? []
  if (record.type === 'CNAME' && values.length > 1) {
    return `RRSet of type CNAME with DNS name ${record.name} has more than one resource record`
  }
  for (const [index, value] of values.entries()) {
    if (values.indexOf(value) !== index) return `Duplicate Resource Record: '${value}'`
    const problem = checkValue(record.type, value)
    if (problem) return problem
  }
  return undefined
}

/** Rules between record sets sharing a name: CNAME exclusivity and simple-vs-weighted. */
function checkNeighbours(
  others: RecordSet[],
  record: RecordSet,
  zoneName: string
): string | undefined {
  const sameName = others.filter((other) => other.name === record.name)
  if (record.type === 'CNAME' && record.name === zoneName) {
    return `RRSet of type CNAME with DNS name ${record.name} is not permitted at apex in zone ${zoneName}`
  }
  if (record.type === 'CNAME' && sameName.some((other) => other.type !== 'CNAME')) {
    return `RRSet of type CNAME with DNS name ${record.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zoneName}`
  }
  if (record.type !== 'CNAME' && sameName.some((other) => other.type === 'CNAME')) {
    return `RRSet of type ${record.type} with DNS name ${record.name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zoneName}`
  }
  if (record.type === 'SOA' && record.name !== zoneName) {
    return `RRSet of type SOA with DNS name ${record.name} is not permitted because SOA records are only allowed at the apex of zone ${zoneName}`
  }
  const sameType = sameName.filter((other) => other.type === record.type)
  const weighted = record.setIdentifier !== undefined
  if (sameType.some((other) => (other.setIdentifier !== undefined) !== weighted)) {
    return weighted
      ? `RRSet with DNS name ${record.name}, type ${record.type}, SetIdentifier ${record.setIdentifier} cannot be created as a non-weighted set exists with the same name and type.`
      : `RRSet with DNS name ${record.name}, type ${record.type} cannot be created as a weighted set exists with the same name and type.`
  }
  return undefined
}

/** A zone keeps its apex SOA and NS: Route 53 refuses a batch that would remove them. */
function checkApex(records: RecordSet[], context: BatchContext): string[] {
  const apex = records.filter((record) => record.name === context.zoneName)
  const problems: string[] = []
  if (apex.filter((record) => record.type === 'SOA').length !== 1) {
    problems.push('A HostedZone must contain exactly one SOA record.')
  }
  if (!apex.some((record) => record.type === 'NS')) {
    problems.push('A HostedZone must contain at least one NS record for the zone itself.')
  }
  return problems
}

/** An alias into a sandbox zone must name a record that exists there (after this batch). */
function checkAliasTargets(
  records: RecordSet[],
  changes: readonly Change[],
  context: BatchContext
): string[] {
  const problems: string[] = []
  for (const { action, record } of changes) {
    const alias = record.aliasTarget
    if (action === 'DELETE' || !alias) continue
    const target =
      alias.hostedZoneId === context.zoneId
        ? { name: context.zoneName, records }
        : context.zoneRecords(alias.hostedZoneId)
    if (!target) continue // an ELB, CloudFront or S3 zone: outside the sandbox's knowledge
    const prefix = `Tried to create an alias that targets ${alias.dnsName}, type ${record.type} in zone ${alias.hostedZoneId}`
    if (!isInZone(alias.dnsName, target.name)) {
      problems.push(`${prefix}, but the alias target name does not lie within the target zone`)
    } else if (
      !target.records.some(
        (candidate) => candidate.name === alias.dnsName && candidate.type === record.type
      )
    ) {
      problems.push(`${prefix}, but that target was not found`)
    }
  }
  return problems
}
