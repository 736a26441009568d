import {
  type Change,
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  NoSuchHostedZone,
  type ResourceRecordSet,
  Route53Client
} from '@aws-sdk/client-route-53'
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import { createClients } from '../../src/aws/clients.js'
import type { Phase } from '../../src/backends/backend.js'
import { DnsBackend } from '../../src/backends/dns.js'
import type { DnsNative, DnsState } from '../../src/backends/dns-plan.js'
import type { DnsSettings } from '../../src/backends/dns-settings.js'
import { MemoryLogger } from '../../src/logger.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'

/** Shared by the dns*.test.ts files: a hosted zone behind a mocked Route 53 client. */

export const ZONE = 'Z0123456789ABCDEFGHIJ'
export const NAME = 'www.example.com.'
export const route53 = mockClient(Route53Client)
/** Only aliases to ELB names make it called; by default the region has no load balancer. */
export const elbv2 = mockClient(ElasticLoadBalancingV2Client)

/** Key order does not matter to Route 53's comparison of a DELETE with the live record. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, each]) => each !== undefined)
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, each]) => `${key}:${stable(each)}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

function refused(message: string): InvalidChangeBatch {
  return new InvalidChangeBatch({ message: `[${message}]`, $metadata: {} })
}

/** Route 53's batch rules: all or nothing, a DELETE must match exactly, a CREATE must be new. */
function applyBatch(records: ResourceRecordSet[], changes: Change[] = []): ResourceRecordSet[] {
  let next = structuredClone(records)
  for (const { Action, ResourceRecordSet: record } of changes) {
    const where = `[name='${record!.Name}', type='${record!.Type}', set-identifier='${record!.SetIdentifier}']`
    const at = next.findIndex(
      (other) =>
        other.Name === record!.Name &&
        other.Type === record!.Type &&
        other.SetIdentifier === record!.SetIdentifier
    )
    if (Action === 'DELETE') {
      if (at < 0) throw refused(`Tried to delete resource record set ${where} but it was not found`)
      if (stable(next[at]) !== stable(record)) {
        throw refused(
          `Tried to delete resource record set ${where} but the values provided do not match the current values`
        )
      }
      next = next.filter((_, index) => index !== at)
    } else {
      if (at >= 0) {
        throw refused(`Tried to create resource record set ${where} but it already exists`)
      }
      next.push(structuredClone(record!))
    }
  }
  return next
}

/** A hosted zone in memory. */
export class FakeZone {
  records: ResourceRecordSet[] = []
  /** GetChange answers PENDING this many times per change before INSYNC. */
  pendingPolls = 0
  privateZone = false
  missing = false
  private changes = new Map<string, number>()
  /** Runs before each batch is applied, e.g. to make someone else's edit land first. */
  beforeBatch?: () => void

  constructor() {
    route53.on(GetHostedZoneCommand).callsFake(() => {
      if (this.missing) {
        throw new NoSuchHostedZone({
          message: `No hosted zone found with ID: ${ZONE}`,
          $metadata: {}
        })
      }
      return {
        HostedZone: {
          Id: `/hostedzone/${ZONE}`,
          Name: 'example.com.',
          CallerReference: 'x',
          Config: { PrivateZone: this.privateZone }
        },
        ...(!this.privateZone && {
          DelegationSet: { NameServers: ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.com'] }
        })
      }
    })
    route53.on(ListResourceRecordSetsCommand).callsFake((input) => {
      const from = this.records.findIndex((record) => record.Name === input.StartRecordName)
      return {
        ResourceRecordSets: from < 0 ? [] : structuredClone(this.records.slice(from)),
        IsTruncated: false,
        MaxItems: 100
      }
    })
    route53.on(ChangeResourceRecordSetsCommand).callsFake((input) => {
      this.beforeBatch?.()
      this.records = applyBatch(this.records, input.ChangeBatch.Changes)
      const id = `/change/C${this.changes.size + 1}`
      this.changes.set(id, this.pendingPolls)
      return { ChangeInfo: { Id: id, Status: 'PENDING', SubmittedAt: new Date() } }
    })
    route53.on(GetChangeCommand).callsFake((input) => {
      const left = this.changes.get(input.Id) ?? 0
      this.changes.set(input.Id, left - 1)
      return { ChangeInfo: { Id: input.Id, Status: left > 0 ? 'PENDING' : 'INSYNC' } }
    })
  }
}

export const simple = (value = '192.0.2.10', ttl = 60): ResourceRecordSet => ({
  Name: NAME,
  Type: 'A',
  TTL: ttl,
  ResourceRecords: [{ Value: value }]
})
export const weighted = (
  id: string,
  weight: number,
  value: string,
  ttl = 60
): ResourceRecordSet => ({
  Name: NAME,
  Type: 'A',
  SetIdentifier: id,
  Weight: weight,
  TTL: ttl,
  ResourceRecords: [{ Value: value }]
})
export const blue = (weight: number, ttl = 60) => weighted('blue', weight, '192.0.2.10', ttl)
export const green = (weight: number, ttl = 60) => weighted('green', weight, '198.51.100.20', ttl)

export const SETTINGS: DnsSettings = {
  hostedZoneId: ZONE,
  recordName: 'www.example.com',
  recordType: 'A',
  blueSetIdentifier: 'blue',
  greenSetIdentifier: 'green',
  green: { kind: 'values', values: ['198.51.100.20'] },
  collapseOnRollback: false,
  answersFromZoneNameServers: true,
  traffic: Split.GREEN,
  bakeMs: 120_000,
  verifyTimeoutMs: 300_000
}

export function setup(records: ResourceRecordSet[], settings: Partial<DnsSettings> = {}) {
  route53.reset()
  elbv2.reset()
  elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] })
  const zone = new FakeZone()
  zone.records = records
  const clock = new FakeClock()
  const logger = new MemoryLogger()
  const clients = createClients('us-east-1')
  const backend = new DnsBackend(
    { ...SETTINGS, ...settings },
    clients.get(Route53Client),
    clients.get(ElasticLoadBalancingV2Client),
    clock,
    logger
  )
  return { zone, clock, logger, backend }
}

/** Each batch sent, one line per change: "DELETE blue 255 192.0.2.10". */
export const batches = () =>
  route53
    .commandCalls(ChangeResourceRecordSetsCommand)
    .map((call) =>
      call.args[0].input.ChangeBatch!.Changes!.map(({ Action, ResourceRecordSet: r }) =>
        [
          Action,
          r!.SetIdentifier ?? 'simple',
          r!.Weight ?? '-',
          r!.ResourceRecords?.[0].Value
        ].join(' ')
      )
    )

/**
 * What the runner does with a phase (apply, then verify every 10 s until converged), without
 * the runner: returns each verification's status and detail.
 */
export async function drive(
  setUp: ReturnType<typeof setup>,
  phase: Phase<DnsNative>,
  from: DnsState,
  maxPolls = 50
): Promise<{ status: string; detail: string }[]> {
  await setUp.backend.apply(phase)
  const seen: { status: string; detail: string }[] = []
  for (let poll = 0; poll < maxPolls; poll++) {
    const { status, detail } = await setUp.backend.verify(phase, from)
    seen.push({ status, detail })
    if (status !== 'pending') return seen
    setUp.clock.advance(10_000)
  }
  return seen
}
