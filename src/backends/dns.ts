import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client
} from '@aws-sdk/client-route-53'
import { awsCall } from '../aws/call.js'
import type { Clock } from '../clock.js'
import {
  AwsCallError,
  describeError,
  OutOfBandChangeError,
  UnsupportedStateError
} from '../errors.js'
import type { Logger } from '../logger.js'
import { Split } from '../split.js'
import type {
  BackendDefinition,
  HealthScope,
  Observation,
  PlannedCall,
  Preparation,
  TrafficBackend
} from './backend.js'
import {
  classify,
  describeLive,
  dnsWeights,
  fingerprintOf,
  greenRecord,
  type LiveRecords,
  MAX_WEIGHT,
  normalName,
  pointsAtTarget,
  shows,
  simpleFrom,
  splitOf,
  swap,
  ttlOf,
  valueOf,
  weightedFrom,
  withWeight
} from './dns-records.js'
import { DNS_MODE, type DnsSettings, type GreenTarget, readDnsSettings } from './dns-settings.js'

/** A Route 53 page holds at most 300 record sets; a name rarely has more than a few. */
const PAGE_SIZE = 100
/** Route 53 usually reports a change INSYNC within 60 s. */
const INSYNC_ALLOWANCE_MS = 60_000

/** One side as DNS answers it, for the dns-answer gate. */
export interface DnsSide {
  weight: number
  /** Addresses or host names (lower case, no trailing dot). */
  values: string[]
  /** For an alias: the target's DNS name, whose own addresses are the answers. */
  aliasDnsName?: string
}

/** A change batch this backend would send, and the records it leaves. */
interface Batch {
  description: string
  changes: Change[]
  next: LiveRecords
}

/** The hosted zone, as GetHostedZone describes it. */
interface Zone {
  name: string
  nameServers: string[]
  privateZone: boolean
}

/** The last change batch we sent, watched by converged(). */
interface PendingChange {
  /** Absent when the change is known to have landed but its id was lost (an SDK retry). */
  id?: string
  /** The longest TTL a resolver may hold the replaced answers for. */
  ttlMs: number
  /** When GetChange first said INSYNC (injected clock). */
  insyncAt?: number
}

/**
 * Mode `dns`: two weighted Route 53 records (blue and green set identifiers) for one name. Every
 * change is one atomic batch that DELETEs exactly the records we last wrote or read and CREATEs
 * their replacements, so an edit made by anyone else in between fails the batch instead of being
 * overwritten.
 */
export class DnsBackend implements TrafficBackend {
  readonly mode = DNS_MODE
  readonly target: string
  /** The records we last wrote (or found): the DELETE side of the next compare-and-swap. */
  private known?: LiveRecords
  /** What the plan() calls so far would have left: the next plan() starts there. */
  private planned?: LiveRecords
  private pending?: PendingChange
  private zone?: Zone

  constructor(
    private readonly settings: DnsSettings,
    private readonly route53: Route53Client,
    private readonly clock: Clock,
    private readonly logger: Logger
  ) {
    this.target = `${settings.recordName} ${settings.recordType} in hosted zone ${settings.hostedZoneId}`
  }

  get recordName(): string {
    return this.settings.recordName
  }

  get recordType(): string {
    return this.settings.recordType
  }

  async prepare(dryRun: boolean): Promise<Preparation> {
    this.planned = undefined
    await this.hostedZone()
    const live = await this.readRecords()
    const batch = this.preparation(live)
    this.checkTtl(batch?.next ?? live)
    if (!batch) {
      this.known = live
      return { changes: [], calls: [] }
    }
    const call = this.changeCall(batch)
    if (dryRun) {
      this.known = batch.next
      return { changes: [`Would ${batch.description}`], calls: [call] }
    }
    await this.submit(batch, live)
    return { changes: [capitalize(batch.description)], calls: [call] }
  }

  async read(): Promise<Observation> {
    this.planned = undefined
    const live = await this.readRecords()
    this.known ??= live
    return observe(live)
  }

  /**
   * Chains: each call plans from the records the previous plan() would have left (after read()
   * or prepare(), from the known ones), so every planned batch DELETEs exactly what the step
   * before it CREATEd, as a real run's batches do.
   */
  async plan(split: Split): Promise<PlannedCall[]> {
    const base = this.planned ?? this.known ?? (await this.readRecords())
    const batch = this.step(base, split)
    if (!batch) return []
    this.planned = batch.next
    return [this.changeCall(batch)]
  }

  async apply(split: Split): Promise<PlannedCall[]> {
    const base = this.known ?? (await this.readRecords())
    const batch = this.step(base, split)
    if (!batch) return []
    await this.submit(batch, base)
    return [this.changeCall(batch)]
  }

  /**
   * True once the records show the split, Route 53 reports our last change INSYNC, and then one
   * TTL has passed since (so resolvers have dropped the old answers before the bake counts).
   * False while PENDING or waiting out the TTL: the runner polls with backoff, bounded by
   * verify-timeout.
   */
  async converged(split: Split): Promise<boolean> {
    const live = await this.readRecords()
    if (this.known && fingerprintOf(live) !== fingerprintOf(this.known)) {
      throw new OutOfBandChangeError(describeLive(this.known), describeLive(live))
    }
    if (!shows(live, split)) return false
    const pending = this.pending
    if (!pending) return true
    if (pending.insyncAt === undefined && pending.id) {
      const id = pending.id
      const out = await awsCall('GetChange', id, () =>
        this.route53.send(new GetChangeCommand({ Id: id }))
      )
      if (out.ChangeInfo?.Status !== 'INSYNC') return false
      pending.insyncAt = this.clock.now()
      if (pending.ttlMs > 0) {
        this.logger.info(
          `Route 53 change ${id} is INSYNC; waiting the record TTL (${pending.ttlMs / 1000}s) ` +
            'so resolvers drop cached answers'
        )
      }
    }
    return this.clock.now() - (pending.insyncAt ?? 0) >= pending.ttlMs
  }

  describe(split: Split): string {
    if (split.equals(Split.BLUE) && this.settings.collapseOnRollback) {
      return 'blue as a simple record (weighted pair collapsed)'
    }
    const [blue, green] = dnsWeights(split)
    return `blue ${blue} / green ${green} (Route 53 weights of ${MAX_WEIGHT})`
  }

  /** DNS has no target group: the target-health gate does not apply. */
  healthScope(): HealthScope[] {
    return []
  }

  /** The zone's authoritative name servers (empty for a private zone). */
  async nameServers(): Promise<string[]> {
    return (await this.hostedZone()).nameServers
  }

  /** Where each side's record points and its weight, read live, for the dns-answer gate. */
  async sides(): Promise<{ blue: DnsSide; green?: DnsSide }> {
    const live = await this.readRecords()
    if (live.simple) return { blue: side(live.simple, MAX_WEIGHT) }
    return {
      blue: side(live.blue!, live.blue!.Weight ?? 0),
      ...(live.green && { green: side(live.green, live.green.Weight ?? 0) })
    }
  }

  /** What prepare() must change before traffic can move, if anything. */
  private preparation(live: LiveRecords): Batch | undefined {
    const { settings } = this
    const toBlue = settings.traffic.equals(Split.BLUE)
    if (live.simple) {
      // A simple record already sends everything to blue: nothing to adopt for traffic 0.
      if (toBlue) return undefined
      const simple = live.simple
      const blue = weightedFrom(simple, settings.blueSetIdentifier, MAX_WEIGHT)
      const green = greenRecord(settings, this.needGreen('adopt the simple record'), 0, simple)
      return {
        description: `adopt the simple record ${settings.recordName} (${valueOf(simple)}) as weighted blue ${MAX_WEIGHT} / green 0 (${valueOf(green)})`,
        changes: swap([simple], [blue, green]),
        next: { blue, green }
      }
    }
    const blue = live.blue!
    if (!live.green) {
      if (toBlue) return settings.collapseOnRollback ? this.collapse(live) : undefined
      // Blue alone at weight 0 still answers; beside green at 0 it would mean an equal split.
      const keptBlue = withWeight(blue, blue.Weight || MAX_WEIGHT)
      const green = greenRecord(settings, this.needGreen('create green’s record'), 0, blue)
      return {
        description: `create green’s weighted record at weight 0 (${valueOf(green)})`,
        changes: swap([blue], [keptBlue, green]),
        next: { blue: keptBlue, green }
      }
    }
    const green = live.green
    if (toBlue) {
      return settings.collapseOnRollback && !green.Weight ? this.collapse(live) : undefined
    }
    if (!settings.green || pointsAtTarget(green, settings.green, settings.recordTtl))
      return undefined
    const wanted = greenRecord(settings, settings.green, 0, blue)
    if (green.Weight) {
      throw new UnsupportedStateError(
        `Green’s record at ${settings.recordName} points at ${valueOf(green)} and carries traffic ` +
          `(weight ${green.Weight}), but the inputs say ${valueOf(wanted)}. Refusing to repoint a ` +
          'record that takes traffic: move green to 0 first (traffic: 0), or fix the input'
      )
    }
    return {
      description: `repoint green’s record (weight 0) from ${valueOf(green)} to ${valueOf(wanted)}`,
      changes: swap([blue, green], [blue, wanted]),
      next: { blue, green: wanted }
    }
  }

  /** The batch that moves the records from `base` to a split; undefined when already there. */
  private step(base: LiveRecords, split: Split): Batch | undefined {
    const toBlue = split.equals(Split.BLUE)
    if (base.simple || !base.green) {
      if (toBlue)
        return base.blue && this.settings.collapseOnRollback ? this.collapse(base) : undefined
      throw new UnsupportedStateError(
        `${this.target} is ${describeLive(base)}: there is no weighted pair to shift`
      )
    }
    if (toBlue && this.settings.collapseOnRollback) return this.collapse(base)
    const [blueWeight, greenWeight] = dnsWeights(split)
    if (base.blue!.Weight === blueWeight && base.green.Weight === greenWeight) return undefined
    const blue = withWeight(base.blue!, blueWeight)
    const green = withWeight(base.green, greenWeight)
    return {
      description: `set weights blue ${blueWeight} / green ${greenWeight} (${split})`,
      changes: swap([base.blue!, base.green], [blue, green]),
      next: { blue, green }
    }
  }

  /** Undoes adoption: blue's value back as a simple record, green's record gone. */
  private collapse(live: LiveRecords): Batch {
    const simple = simpleFrom(live.blue!)
    return {
      description: `collapse the weighted pair into a simple record ${this.settings.recordName} (${valueOf(simple)})`,
      changes: swap([live.blue!, ...(live.green ? [live.green] : [])], [simple]),
      next: { simple }
    }
  }

  private needGreen(toDo: string): GreenTarget {
    if (!this.settings.green) {
      throw new UnsupportedStateError(
        `To ${toDo} at ${this.settings.recordName}, give green-value (with record-ttl) or ` +
          'green-alias-target: green’s record does not exist yet'
      )
    }
    return this.settings.green
  }

  /** Each step waits one TTL after INSYNC; a TTL the verify timeout cannot cover would roll back. */
  private checkTtl(records: LiveRecords): void {
    if (splitOf(records).equals(this.settings.traffic)) return
    const ttlMs = ttlOf(records) * 1000
    const { verifyTimeoutMs, bakeMs } = this.settings
    if (ttlMs >= verifyTimeoutMs) {
      throw new UnsupportedStateError(
        `The TTL of ${this.settings.recordName} (${ttlMs / 1000}s) is not shorter than verify-timeout ` +
          `(${verifyTimeoutMs / 1000}s): each step waits for INSYNC and then one TTL, so it could never ` +
          'verify. Lower the TTL or raise verify-timeout'
      )
    }
    if (ttlMs + INSYNC_ALLOWANCE_MS > verifyTimeoutMs) {
      this.logger.warning(
        `verify-timeout (${verifyTimeoutMs / 1000}s) leaves less than a minute beyond the TTL of ` +
          `${this.settings.recordName} (${ttlMs / 1000}s) for Route 53 to report INSYNC`
      )
    }
    if (ttlMs > bakeMs) {
      this.logger.warning(
        `The TTL of ${this.settings.recordName} (${ttlMs / 1000}s) is longer than bake-time ` +
          `(${bakeMs / 1000}s): resolvers may hold an answer longer than a step bakes`
      )
    }
  }

  private async hostedZone(): Promise<Zone> {
    if (this.zone) return this.zone
    const id = this.settings.hostedZoneId
    const out = await awsCall('GetHostedZone', id, () =>
      this.route53.send(new GetHostedZoneCommand({ Id: id }))
    )
    const name = normalName(out.HostedZone?.Name)
    const record = this.settings.recordName
    if (record !== name && !record.endsWith(`.${name}`)) {
      throw new UnsupportedStateError(
        `record-name ${record} is not inside hosted zone ${id} (${name}): give a name that ends in ${name}`
      )
    }
    this.zone = {
      name,
      nameServers: out.DelegationSet?.NameServers ?? [],
      privateZone: out.HostedZone?.Config?.PrivateZone ?? false
    }
    return this.zone
  }

  /** Every record set at the name (all types), then ours sorted out of them. */
  private async readRecords(): Promise<LiveRecords> {
    const { hostedZoneId, recordName } = this.settings
    const found: ResourceRecordSet[] = []
    let start: Pick<
      ListResourceRecordSetsCommand['input'],
      'StartRecordName' | 'StartRecordType' | 'StartRecordIdentifier'
    > = { StartRecordName: `${recordName}.` }
    for (;;) {
      const input = { HostedZoneId: hostedZoneId, MaxItems: PAGE_SIZE, ...start }
      const out = await awsCall('ListResourceRecordSets', this.target, () =>
        this.route53.send(new ListResourceRecordSetsCommand(input))
      )
      const page = out.ResourceRecordSets ?? []
      const here = page.filter((record) => normalName(record.Name) === recordName)
      found.push(...here)
      // Listing is sorted by name: once past ours, the rest belong to other names.
      if (!out.IsTruncated || here.length < page.length) break
      if (normalName(out.NextRecordName) !== recordName) break
      start = {
        StartRecordName: out.NextRecordName,
        StartRecordType: out.NextRecordType,
        StartRecordIdentifier: out.NextRecordIdentifier
      }
    }
    return classify(found, this.settings)
  }

  private changeCall(batch: Batch): PlannedCall {
    return {
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      parameters: this.changeInput(batch)
    }
  }

  private changeInput(batch: Batch) {
    return {
      HostedZoneId: this.settings.hostedZoneId,
      ChangeBatch: {
        Comment: `aws-traffic-shift: ${batch.description}`.slice(0, 256),
        Changes: batch.changes
      }
    }
  }

  /**
   * Sends one batch. When Route 53 rejects it as invalid and our records are no longer what we
   * deleted, someone else edited them: stop without touching their change (no rollback).
   */
  private async submit(batch: Batch, base: LiveRecords): Promise<void> {
    const input = this.changeInput(batch)
    const ttlMs = Math.max(ttlOf(base), ttlOf(batch.next)) * 1000
    try {
      const out = await this.route53.send(new ChangeResourceRecordSetsCommand(input))
      const id = out.ChangeInfo?.Id
      this.pending = id ? { id, ttlMs } : { ttlMs, insyncAt: this.clock.now() }
    } catch (error) {
      const failure = new AwsCallError('ChangeResourceRecordSets', this.target, error)
      if ((error as { name?: string } | undefined)?.name !== 'InvalidChangeBatch') throw failure
      let now: LiveRecords | undefined
      let unreadable: unknown
      try {
        now = await this.readRecords()
      } catch (readError) {
        unreadable = readError
      }
      // Our records are as we left them: the batch was refused for another reason.
      if (now && fingerprintOf(now) === fingerprintOf(base)) throw failure
      if (now && fingerprintOf(now) === fingerprintOf(batch.next)) {
        // The SDK retried a batch whose first attempt landed: the records are what we wrote,
        // but without its change id only the TTL can be waited for.
        this.logger.warning(
          `Route 53 refused a retried change batch whose first attempt had landed (${describeLive(now)})`
        )
        this.pending = { ttlMs, insyncAt: this.clock.now() }
      } else {
        const found = now
          ? describeLive(now)
          : `records that cannot be shifted (${describeError(unreadable)})`
        throw new OutOfBandChangeError(
          `${describeLive(base)}, about to ${batch.description}`,
          `${found}; Route 53 refused the change: ${describeError(error)}`
        )
      }
    }
    this.known = batch.next
  }
}

function side(record: ResourceRecordSet, weight: number): DnsSide {
  const alias = record.AliasTarget
  return alias
    ? { weight, values: [], aliasDnsName: normalName(alias.DNSName) }
    : { weight, values: (record.ResourceRecords ?? []).map((value) => normalName(value.Value)) }
}

function observe(live: LiveRecords): Observation {
  return { split: splitOf(live), detail: describeLive(live), fingerprint: fingerprintOf(live) }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export const dns: BackendDefinition<DnsSettings> = {
  mode: DNS_MODE,
  readInputs: readDnsSettings,
  create: (settings, deps) =>
    new DnsBackend(settings, deps.clients.route53, deps.clock, deps.logger)
}
