import {
  type Change,
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client
} from '@aws-sdk/client-route-53'
import type { Phase, PlannedCall } from '../backends/backend.js'
import { awsCall } from '../aws/call.js'
import { COMPARE_AND_SWAP_REFUSED } from '../backends/dns-aws.js'
import { AwsCallError } from '../errors.js'
import type { LeaseOptions } from './elb-tag-lease.js'
import {
  decodeFields,
  encodeFields,
  type Lease,
  LeaseHeldError,
  type LeaseFields,
  peekNote,
  type Release,
  requireOurs,
  type RunIdentity,
  takeable
} from './lease.js'

/** The lease's TXT record sits beside the weighted pair: `_traffic-shift.<record name>`. */
export const LEASE_LABEL = '_traffic-shift'
const LEASE_TTL_SECONDS = 60
/** A takeover that loses a compare-and-swap to a concurrent change reads and decides again. */
const ACQUIRE_ATTEMPTS = 3

/**
 * The lease as a TXT record whose strings are `field=value`. Every change DELETEs the exact TXT
 * it read and CREATEs the next one in one atomic batch, so taking, renewing and releasing it are
 * compare-and-swaps; renewals ride in the same batch as each step's weights (guard()), so a step
 * lands only while the lease is this run's.
 */
export class Route53TxtLease implements Lease {
  readonly resource: string
  private readonly name: string
  private taken = false

  constructor(
    private readonly route53: Route53Client,
    private readonly hostedZoneId: string,
    recordName: string,
    private readonly options: LeaseOptions
  ) {
    this.name = `${LEASE_LABEL}.${recordName.toLowerCase().replace(/\.$/, '')}`
    this.resource = `${this.name} TXT in hosted zone ${hostedZoneId}`
  }

  get identity(): RunIdentity {
    return this.options.me
  }

  async peek(signal?: AbortSignal): Promise<string | undefined> {
    const { clock, breakLease } = this.options
    return peekNote(
      this.resource,
      fieldsOf(await this.read(signal)),
      clock.now(),
      breakLease,
      this.options.me
    )
  }

  async acquire(signal?: AbortSignal): Promise<string[]> {
    const { me, clock, durationMs, breakLease } = this.options
    let warning: string | undefined
    for (let attempt = 1; ; attempt++) {
      const live = await this.read(signal)
      const found = fieldsOf(live)
      if (attempt > 1 && found.holder?.leaseId === me.leaseId) {
        // Our batch landed and its answer was lost: the SDK's retry was refused (the CREATE
        // existed), and what is there is the lease this run wrote.
        this.taken = true
        return warning ? [warning] : []
      }
      const now = clock.now()
      ;({ warning } = takeable(this.resource, found, now, breakLease, me))
      const holder = { ...me, startedAt: now, expiresAt: now + durationMs }
      const next = this.txtOf({ holder, last: found.last })
      if (await this.submit(swap(live, next), 'take the lease', signal)) {
        this.taken = true
        return warning ? [warning] : []
      }
      // Someone changed the TXT between our read and our batch: decide again on what is there.
      if (attempt === ACQUIRE_ATTEMPTS) {
        const now = fieldsOf(await this.read(signal))
        if (now.holder) throw new LeaseHeldError(this.resource, now.holder)
        throw new Error(`The lease ${this.resource} kept changing while this run tried to take it`)
      }
    }
  }

  async guard<N>(phase: Phase<N>, signal?: AbortSignal): Promise<Phase<N>> {
    const { me, clock, durationMs } = this.options
    const live = await this.read(signal)
    const found = fieldsOf(live)
    requireOurs(this.resource, found, me)
    const holder = { ...found.holder!, expiresAt: clock.now() + durationMs }
    const renewal = swap(live, this.txtOf({ holder, last: found.last }))
    const calls = phase.calls.map((call) => this.stamped(call, renewal))
    if (calls.every((call, i) => call === phase.calls[i])) {
      // A phase with no batch in this zone (none in mode dns today): renew on its own.
      await this.submit(renewal, 'renew the lease', signal)
      return phase
    }
    return { ...phase, calls }
  }

  async resume(signal?: AbortSignal): Promise<void> {
    requireOurs(this.resource, fieldsOf(await this.read(signal)), this.options.me)
    this.taken = true
  }

  async release(outcome: Release): Promise<void> {
    if (!this.taken) return
    const { me, clock, logger } = this.options
    const live = await this.read()
    const found = fieldsOf(live)
    if (found.holder?.leaseId !== me.leaseId) {
      logger.warning(`The lease ${this.resource} is no longer this run's: left as it is`)
      return
    }
    const last = outcome.movedTraffic
      ? { by: me.runUrl, outcome: outcome.status, at: clock.now() }
      : found.last
    const next = last ? this.txtOf({ last }) : undefined
    if (!(await this.submit(swap(live, next), 'release the lease'))) {
      // Refused: someone changed it, or our batch landed and the SDK's retry of it was refused.
      const now = await this.read()
      if (JSON.stringify(fieldsOf(now)) !== JSON.stringify(fieldsOf(next))) {
        logger.warning(
          `The lease ${this.resource} changed while this run released it: left as it is`
        )
      }
    }
    this.taken = false
  }

  /** The batch's changes with the lease's renewal added: both land, or neither. */
  private stamped(call: PlannedCall, renewal: Change[]): PlannedCall {
    const input = call.parameters as ChangeResourceRecordSetsCommandInput
    if (call.operation !== 'ChangeResourceRecordSets' || input.HostedZoneId !== this.hostedZoneId)
      return call
    const batch = input.ChangeBatch!
    const parameters = {
      ...input,
      ChangeBatch: { ...batch, Changes: [...(batch.Changes ?? []), ...structuredClone(renewal)] }
    }
    return { ...call, parameters }
  }

  private async read(signal?: AbortSignal): Promise<ResourceRecordSet | undefined> {
    const input = {
      HostedZoneId: this.hostedZoneId,
      StartRecordName: `${this.name}.`,
      StartRecordType: 'TXT' as const,
      MaxItems: 1
    }
    const out = await awsCall(
      'ListResourceRecordSets',
      this.resource,
      () => this.route53.send(new ListResourceRecordSetsCommand(input), { abortSignal: signal }),
      signal
    )
    const first = out.ResourceRecordSets?.[0]
    const here = first?.Name?.toLowerCase().replace(/\.$/, '') === this.name
    return here && first?.Type === 'TXT' && !first.SetIdentifier ? first : undefined
  }

  /** False when Route 53 refused the batch because the TXT is not the one read. */
  private async submit(changes: Change[], what: string, signal?: AbortSignal): Promise<boolean> {
    const input: ChangeResourceRecordSetsCommandInput = {
      HostedZoneId: this.hostedZoneId,
      ChangeBatch: { Comment: `aws-traffic-shift: ${what}`, Changes: changes }
    }
    try {
      await awsCall(
        'ChangeResourceRecordSets',
        this.resource,
        () =>
          this.route53.send(new ChangeResourceRecordSetsCommand(input), { abortSignal: signal }),
        signal
      )
      return true
    } catch (error) {
      const cause =
        error instanceof AwsCallError
          ? (error.cause as { name?: string; message?: string })
          : undefined
      // Only a failed compare-and-swap is a refusal; any other invalid batch is a real error.
      const refused = cause?.name === 'InvalidChangeBatch'
      if (refused && COMPARE_AND_SWAP_REFUSED.test(cause.message ?? '')) return false
      throw error
    }
  }

  private txtOf(fields: LeaseFields): ResourceRecordSet {
    const strings = [...encodeFields(fields)].map(([key, value]) => quote(`${key}=${value}`))
    return {
      Name: `${this.name}.`,
      Type: 'TXT',
      TTL: LEASE_TTL_SECONDS,
      ResourceRecords: [{ Value: strings.join(' ') }]
    }
  }
}

/** DELETE exactly what was read (if anything), CREATE what comes next (if anything). */
function swap(live: ResourceRecordSet | undefined, next: ResourceRecordSet | undefined): Change[] {
  return [
    ...(live ? [{ Action: 'DELETE' as const, ResourceRecordSet: live }] : []),
    ...(next ? [{ Action: 'CREATE' as const, ResourceRecordSet: next }] : [])
  ]
}

/** The lease's fields from a TXT's `"field=value"` strings; anything else in it is ignored. */
export function fieldsOf(record: ResourceRecordSet | undefined): LeaseFields {
  const stored = new Map<string, string>()
  for (const { Value } of record?.ResourceRecords ?? []) {
    for (const [, text] of (Value ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      const plain = text.replace(/\\(.)/g, '$1')
      const at = plain.indexOf('=')
      if (at > 0) stored.set(plain.slice(0, at), plain.slice(at + 1))
    }
  }
  return decodeFields(stored)
}

/** Route 53's presentation format for one TXT character-string, at most 255 characters. */
function quote(text: string): string {
  return `"${text.slice(0, 255).replace(/[\\"]/g, (c) => `\\${c}`)}"`
}
