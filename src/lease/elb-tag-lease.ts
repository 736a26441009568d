import {
  AddTagsCommand,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
  RemoveTagsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Phase } from '../backends/backend.js'
import { awsCall } from '../aws/call.js'
import { AwsCallError } from '../errors.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import {
  decodeFields,
  encodeFields,
  HOLDER_FIELDS,
  type Lease,
  LeaseHeldError,
  type LeaseFields,
  peekNote,
  type Release,
  requireOurs,
  type RunIdentity,
  takeable
} from './lease.js'

/** Our tag keys; `aws:` is AWS's own prefix, and IAM scopes AddTags/RemoveTags to this one. */
export const TAG_PREFIX = 'traffic-shift:'

/**
 * ELB tags are last-writer-wins, not a compare-and-swap: after writing its lease a run waits this
 * long and reads the tags back, so a run that wrote at nearly the same moment shows, and the one
 * whose lease was overwritten backs off before any traffic write (docs/lease.md).
 */
export const READBACK_DELAY_MS = 1000

export interface LeaseOptions {
  me: RunIdentity
  durationMs: number
  breakLease: boolean
  clock: Clock
  logger: Logger
}

/** The lease as tags on the listener or rule (weighted mode) or the target group (targets). */
export class ElbTagLease implements Lease {
  private taken = false

  constructor(
    private readonly elb: ElasticLoadBalancingV2Client,
    readonly resource: string,
    private readonly options: LeaseOptions
  ) {}

  get identity(): RunIdentity {
    return this.options.me
  }

  async peek(signal?: AbortSignal): Promise<string | undefined> {
    const { clock, breakLease } = this.options
    return peekNote(
      this.resource,
      await this.read(signal),
      clock.now(),
      breakLease,
      this.options.me
    )
  }

  async acquire(signal?: AbortSignal): Promise<string[]> {
    const { me, clock, durationMs, breakLease } = this.options
    const found = await this.read(signal)
    const now = clock.now()
    const { warning } = takeable(this.resource, found, now, breakLease, me)
    const holder = { ...me, startedAt: now, expiresAt: now + durationMs }
    await this.write({ holder }, signal)
    // From here release() removes it, should the run end (cancelled) before the read-back.
    this.taken = true
    await clock.sleep(READBACK_DELAY_MS, signal)
    const back = await this.read(signal)
    if (back.holder && back.holder.leaseId !== me.leaseId) {
      this.taken = false
      throw new LeaseHeldError(this.resource, back.holder)
    }
    requireOurs(this.resource, back, me)
    return warning ? [warning] : []
  }

  async guard<N>(phase: Phase<N>, signal?: AbortSignal): Promise<Phase<N>> {
    const { me, clock, durationMs } = this.options
    const found = await this.read(signal)
    requireOurs(this.resource, found, me)
    const holder = { ...found.holder!, expiresAt: clock.now() + durationMs }
    await this.write({ holder }, signal)
    return phase
  }

  async resume(signal?: AbortSignal): Promise<void> {
    requireOurs(this.resource, await this.read(signal), this.options.me)
    this.taken = true
  }

  async release(outcome: Release): Promise<void> {
    if (!this.taken) return
    const { me, clock, logger } = this.options
    const found = await this.read()
    if (found.holder?.leaseId !== me.leaseId) {
      logger.warning(`The lease on ${this.resource} is no longer this run's: left as it is`)
      return
    }
    // Who moved it first, then the lease off: the resource never shows neither.
    if (outcome.movedTraffic) {
      await this.write({ last: { by: me.runUrl, outcome: outcome.status, at: clock.now() } })
    }
    const keys = HOLDER_FIELDS.map((field) => TAG_PREFIX + field)
    await awsCall('RemoveTags', this.resource, () =>
      this.elb.send(new RemoveTagsCommand({ ResourceArns: [this.resource], TagKeys: keys }))
    )
    this.taken = false
  }

  private async read(signal?: AbortSignal): Promise<LeaseFields> {
    const out = await awsCall(
      'DescribeTags',
      this.resource,
      () =>
        this.elb.send(new DescribeTagsCommand({ ResourceArns: [this.resource] }), {
          abortSignal: signal
        }),
      signal
    )
    const tags = out.TagDescriptions?.find((d) => d.ResourceArn === this.resource)?.Tags ?? []
    const ours = new Map<string, string>()
    for (const { Key, Value } of tags) {
      if (Key?.startsWith(TAG_PREFIX)) ours.set(Key.slice(TAG_PREFIX.length), Value ?? '')
    }
    return decodeFields(ours)
  }

  private async write(fields: LeaseFields, signal?: AbortSignal): Promise<void> {
    const Tags = [...encodeFields(fields)].map(([key, value]) => ({
      Key: TAG_PREFIX + key,
      Value: tagValue(value)
    }))
    try {
      await awsCall(
        'AddTags',
        this.resource,
        () =>
          this.elb.send(new AddTagsCommand({ ResourceArns: [this.resource], Tags }), {
            abortSignal: signal
          }),
        signal
      )
    } catch (error) {
      throw tagLimitExplained(error)
    }
  }
}

/** ELB's quota of tags a resource (TooManyTagsException beyond it). */
const ELB_TAG_LIMIT = 50
/** Tags the lease may hold at once: holder, id, start, expiry, and the last run's three. */
const LEASE_TAGS = 7

/** A full tag quota says only "limit on the number of tags": say what the lease needs. */
function tagLimitExplained(error: unknown): unknown {
  if (!(error instanceof AwsCallError)) return error
  if ((error.cause as { name?: string } | undefined)?.name !== 'TooManyTagsException') return error
  error.message +=
    `. Taking the run's lease needs up to ${LEASE_TAGS} tags named ${TAG_PREFIX}* on this ` +
    `resource and ELB allows ${ELB_TAG_LIMIT} a resource: remove some of its other tags`
  return error
}

/**
 * ELB accepts tag values of at most 256 letters, digits, spaces and `_.:/=+-@`; a run URL
 * (a GitHub Enterprise path, a local host name) with anything else is spelled with `_` there.
 */
export function tagValue(text: string): string {
  // AWS counts a tag value's 256 in characters: cut by code point, never through a surrogate pair.
  return Array.from(text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_'))
    .slice(0, 256)
    .join('')
}
