import {
  invalidInput,
  noSuchChange,
  noSuchHealthCheck,
  noSuchHostedZone,
  Route53Error
} from './errors.js'
import { applyChangeBatch, type BatchContext } from './change-batch.js'
import {
  completeConfig,
  defaultStatusReport,
  type HealthCheck,
  type HealthCheckInput
} from './health-checks.js'
import {
  isWellFormedHealthCheckId,
  isWellFormedId,
  newChangeId,
  newHealthCheckId,
  newZoneId
} from './ids.js'
import { isValidName, normaliseName } from './names.js'
import { compareRecords, copyRecord, type Change, type RecordSet } from './records.js'

export interface HostedZone {
  /** Bare id, e.g. `Z0ABC…`; the API shows it as `/hostedzone/Z0ABC…`. */
  readonly id: string
  /** Normalised: lower case with a trailing dot. */
  readonly name: string
  readonly callerReference: string
  readonly comment?: string
  readonly privateZone: boolean
  readonly nameServers: readonly string[]
  /** The control plane: what ListResourceRecordSets returns, PENDING changes included. */
  readonly records: readonly RecordSet[]
  /**
   * The data plane: what the DNS server answers. It catches up with `records` when a change
   * turns INSYNC, as Route 53's name servers do; empty until the zone's creation is INSYNC.
   */
  readonly served: readonly RecordSet[]
}

export type ChangeStatus = 'PENDING' | 'INSYNC'

export interface ChangeInfo {
  /** Bare id, e.g. `C0ABC…`; the API shows it as `/change/C0ABC…`. */
  readonly id: string
  readonly zoneId: string
  readonly status: ChangeStatus
  readonly submittedAt: Date
  readonly comment?: string
  /** The batch as applied (normalised); empty for a zone's creation or deletion. */
  readonly changes: readonly Change[]
}

interface ZoneState extends HostedZone {
  records: RecordSet[]
  served: RecordSet[]
  /** Sequence number of the change `served` reflects. */
  servedSeq: number
}

interface ChangeState extends ChangeInfo {
  status: ChangeStatus
  seq: number
  snapshot: RecordSet[]
  timer?: NodeJS.Timeout
  waiters: { resolve: () => void; reject: (error: Error) => void }[]
}

const NS_TTL = 172800
const SOA_TTL = 900

/**
 * The sandbox's Route 53 state: hosted zones, their records, changes and health checks. The
 * HTTP API and the admin API both go through it, so they validate identically.
 */
export class Route53Model {
  private readonly zoneStates = new Map<string, ZoneState>()
  private readonly changeStates: ChangeState[] = []
  private readonly checks = new Map<string, HealthCheck>()
  private seq = 0
  private closed = false

  constructor(public pendingMs: number) {}

  get zones(): ReadonlyMap<string, HostedZone> {
    return this.zoneStates
  }

  get healthChecks(): ReadonlyMap<string, HealthCheck> {
    return this.checks
  }

  get changes(): readonly ChangeInfo[] {
    return this.changeStates
  }

  createHostedZone(input: {
    name: string
    callerReference: string
    comment?: string
    privateZone?: boolean
    pendingMs?: number
  }): { zone: HostedZone; change: ChangeInfo } {
    if (!isValidName(input.name)) {
      throw new Route53Error('InvalidDomainName', `${input.name} is not a valid domain name.`)
    }
    if (!input.callerReference || input.callerReference.length > 128) {
      throw invalidInput('CallerReference must be 1 to 128 characters')
    }
    if ([...this.zoneStates.values()].some((z) => z.callerReference === input.callerReference)) {
      throw new Route53Error(
        'HostedZoneAlreadyExists',
        `A hosted zone has already been created with the specified caller reference: ${input.callerReference}`,
        409
      )
    }
    const name = normaliseName(input.name)
    const id = newZoneId()
    const serial = this.zoneStates.size
    const nameServers = ['com', 'net', 'org', 'co.uk'].map(
      (tld, index) =>
        `ns-${(serial * 4 + index) % 2048}.awsdns-${String(serial % 64).padStart(2, '0')}.${tld}.`
    )
    const records: RecordSet[] = [
      { name, type: 'NS', ttl: NS_TTL, values: nameServers },
      {
        name,
        type: 'SOA',
        ttl: SOA_TTL,
        values: [`${nameServers[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`]
      }
    ]
    const zone: ZoneState = {
      id,
      name,
      callerReference: input.callerReference,
      ...(input.comment !== undefined && { comment: input.comment }),
      privateZone: input.privateZone ?? false,
      nameServers,
      records: records.sort(compareRecords),
      served: [],
      servedSeq: 0
    }
    this.zoneStates.set(id, zone)
    const change = this.submit(zone, [], undefined, input.pendingMs)
    return { zone, change }
  }

  /** Route 53 deletes only a zone that holds nothing but its apex SOA and NS. */
  deleteHostedZone(id: string): ChangeInfo {
    const zone = this.zone(id)
    const extra = zone.records.some(
      (r) => r.name !== zone.name || (r.type !== 'SOA' && r.type !== 'NS')
    )
    if (extra) {
      throw new Route53Error(
        'HostedZoneNotEmpty',
        'The specified hosted zone contains non-required resource record sets and so cannot be deleted.'
      )
    }
    this.zoneStates.delete(id)
    return this.submit(zone, [], undefined, 0)
  }

  /** A hosted zone by bare id, or NoSuchHostedZone (InvalidInput for a malformed id). */
  zone(id: string): ZoneState {
    if (!isWellFormedId(id)) throw invalidInput(`Invalid hosted zone id: '${id}'`)
    const zone = this.zoneStates.get(id)
    if (!zone) throw noSuchHostedZone(id)
    return zone
  }

  /** Validates and applies a change batch atomically; its DNS effect waits for INSYNC. */
  changeRecords(
    zoneId: string,
    changes: readonly Change[],
    comment?: string,
    pendingMs?: number
  ): ChangeInfo {
    const zone = this.zone(zoneId)
    const normalised = changes.map(normaliseChange)
    const context: BatchContext = {
      zoneId: zone.id,
      zoneName: zone.name,
      healthCheckExists: (id) => this.checks.has(id),
      zoneRecords: (id) => this.zoneStates.get(id)
    }
    zone.records = applyChangeBatch(zone.records, normalised, context)
    return this.submit(zone, normalised, comment, pendingMs)
  }

  change(id: string): ChangeInfo {
    if (!isWellFormedId(id)) throw invalidInput(`Invalid change id: '${id}'`)
    const change = this.changeStates.find((candidate) => candidate.id === id)
    if (!change) throw noSuchChange(id)
    return change
  }

  /** Resolves when the change is INSYNC, so tests wait for the event instead of sleeping. */
  whenInSync(id: string): Promise<void> {
    const change = this.change(id) as ChangeState
    if (change.status === 'INSYNC') return Promise.resolve()
    return new Promise((resolve, reject) => change.waiters.push({ resolve, reject }))
  }

  createHealthCheck(
    callerReference: string,
    input: HealthCheckInput
  ): { check: HealthCheck; created: boolean } {
    if (!callerReference || callerReference.length > 64) {
      throw invalidInput('CallerReference must be 1 to 64 characters')
    }
    const config = completeConfig(input)
    const existing = [...this.checks.values()].find((c) => c.callerReference === callerReference)
    if (existing) {
      // Route 53 makes a retried create idempotent, but refuses to reuse a reference.
      if (stableJson(existing.config) === stableJson(config))
        return { check: existing, created: false }
      throw new Route53Error(
        'HealthCheckAlreadyExists',
        `A health check with caller reference ${callerReference} already exists with different settings.`,
        409
      )
    }
    const check: HealthCheck = {
      id: newHealthCheckId(),
      callerReference,
      config,
      version: 1,
      healthy: true,
      statusReport: defaultStatusReport(config.type, true),
      checkedAt: new Date()
    }
    this.checks.set(check.id, check)
    return { check, created: true }
  }

  healthCheck(id: string): HealthCheck {
    if (!isWellFormedHealthCheckId(id)) throw invalidInput(`Invalid health check id: '${id}'`)
    const check = this.checks.get(id)
    if (!check) throw noSuchHealthCheck(id)
    return check
  }

  deleteHealthCheck(id: string): void {
    this.healthCheck(id)
    for (const zone of this.zoneStates.values()) {
      const user = zone.records.find((record) => record.healthCheckId === id)
      if (user) {
        throw new Route53Error(
          'HealthCheckInUse',
          `The health check with id ${id} is still referenced from parameter HealthCheckId of the resource record set with name ${user.name}, type ${user.type}.`
        )
      }
    }
    this.checks.delete(id)
  }

  setHealthCheckStatus(id: string, healthy: boolean, statusReport?: string): void {
    const check = this.healthCheck(id)
    check.healthy = healthy
    check.statusReport = statusReport ?? defaultStatusReport(check.config.type, healthy)
    check.checkedAt = new Date()
  }

  /** Stops every timer and fails whoever still waits for a change. */
  close(): void {
    this.closed = true
    for (const change of this.changeStates) {
      clearTimeout(change.timer)
      for (const waiter of change.waiters.splice(0))
        waiter.reject(new Error('Route 53 sandbox closed'))
    }
  }

  private submit(
    zone: ZoneState,
    changes: Change[],
    comment: string | undefined,
    pendingMs = this.pendingMs
  ): ChangeInfo {
    const change: ChangeState = {
      id: newChangeId(),
      zoneId: zone.id,
      status: 'PENDING',
      submittedAt: new Date(),
      ...(comment !== undefined && { comment }),
      changes,
      seq: ++this.seq,
      snapshot: zone.records.map(copyRecord),
      waiters: []
    }
    this.changeStates.push(change)
    if (pendingMs <= 0 || this.closed) this.settle(change)
    else change.timer = setTimeout(() => this.settle(change), pendingMs)
    return change
  }

  /** A change turning INSYNC also settles the zone's earlier changes: its snapshot holds them. */
  private settle(change: ChangeState): void {
    const zone = this.zoneStates.get(change.zoneId)
    if (zone && change.seq > zone.servedSeq) {
      zone.served = change.snapshot
      zone.servedSeq = change.seq
    }
    for (const earlier of this.changeStates) {
      if (
        earlier.zoneId !== change.zoneId ||
        earlier.seq > change.seq ||
        earlier.status === 'INSYNC'
      )
        continue
      clearTimeout(earlier.timer)
      earlier.status = 'INSYNC'
      for (const waiter of earlier.waiters.splice(0)) waiter.resolve()
    }
  }
}

function normaliseChange(change: Change): Change {
  const record = copyRecord(change.record)
  record.name = normaliseName(record.name)
  if (record.aliasTarget) {
    record.aliasTarget.dnsName = normaliseName(record.aliasTarget.dnsName)
    record.aliasTarget.hostedZoneId = record.aliasTarget.hostedZoneId.replace(/^\/hostedzone\//, '')
  }
  return { action: change.action, record }
}

/** JSON with sorted keys, to compare two configs regardless of how they were assembled. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner
  )
}
