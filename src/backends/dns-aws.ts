import {
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client
} from '@aws-sdk/client-route-53'
import { awsCall } from '../aws/call.js'
import { AwsCallError, TopologyError } from '../errors.js'
import type { HostedZoneFacts } from './dns-inspection.js'
import { normalName } from './dns-records.js'
import type { DnsSettings } from './dns-settings.js'

/** A Route 53 page holds at most 300 record sets; a name rarely has more than a few. */
const PAGE_SIZE = 100

/**
 * The DELETE of a batch did not match (or its CREATE found the record there): the zone is not
 * what the batch assumed. Either a retried batch whose first attempt landed, or someone's edit.
 */
export const COMPARE_AND_SWAP_REFUSED =
  /Tried to (delete resource record set .* but (it was not found|the values provided do not match)|create resource record set .* but it already exists)/

/** Route 53 I/O for mode `dns`: what it reads and the one call it writes with. */
export class DnsRoute53 {
  readonly target: string

  constructor(
    private readonly route53: Route53Client,
    private readonly settings: Pick<DnsSettings, 'hostedZoneId' | 'recordName' | 'recordType'>
  ) {
    this.target = `${settings.recordName} ${settings.recordType} in hosted zone ${settings.hostedZoneId}`
  }

  async zone(signal?: AbortSignal): Promise<HostedZoneFacts> {
    const id = this.settings.hostedZoneId
    try {
      const out = await awsCall(
        'GetHostedZone',
        id,
        () => this.route53.send(new GetHostedZoneCommand({ Id: id }), { abortSignal: signal }),
        signal
      )
      return {
        id,
        name: normalName(out.HostedZone?.Name),
        privateZone: out.HostedZone?.Config?.PrivateZone ?? false,
        nameServers: out.DelegationSet?.NameServers ?? []
      }
    } catch (error) {
      if (errorName(error) !== 'NoSuchHostedZone') throw error
      throw new TopologyError(
        'hosted-zone-id',
        id,
        'no hosted zone with that id (NoSuchHostedZone)',
        'the id of an existing hosted zone in this account'
      )
    }
  }

  /** Every record set at the name (all types), read page by page until the next name. */
  async recordsAtName(signal?: AbortSignal): Promise<ResourceRecordSet[]> {
    const { hostedZoneId, recordName } = this.settings
    const found: ResourceRecordSet[] = []
    let start: Pick<
      ListResourceRecordSetsCommand['input'],
      'StartRecordName' | 'StartRecordType' | 'StartRecordIdentifier'
    > = { StartRecordName: `${recordName}.` }
    for (;;) {
      const input = { HostedZoneId: hostedZoneId, MaxItems: PAGE_SIZE, ...start }
      const out = await awsCall(
        'ListResourceRecordSets',
        this.target,
        () => this.route53.send(new ListResourceRecordSetsCommand(input), { abortSignal: signal }),
        signal
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
    return found
  }

  /**
   * Sends one change batch; its change id, or undefined when Route 53 refused it as a failed
   * compare-and-swap (verify() then reads whether it had landed or someone else edited).
   */
  async submit(
    input: ChangeResourceRecordSetsCommandInput,
    signal?: AbortSignal
  ): Promise<string | undefined> {
    try {
      const out = await awsCall(
        'ChangeResourceRecordSets',
        this.target,
        () =>
          this.route53.send(new ChangeResourceRecordSetsCommand(input), { abortSignal: signal }),
        signal
      )
      return out.ChangeInfo?.Id
    } catch (error) {
      const refused = errorName(error) === 'InvalidChangeBatch'
      if (refused && COMPARE_AND_SWAP_REFUSED.test(causeOf(error)?.message ?? '')) return undefined
      throw error
    }
  }

  async changeStatus(id: string, signal?: AbortSignal): Promise<string | undefined> {
    const out = await awsCall(
      'GetChange',
      id,
      () => this.route53.send(new GetChangeCommand({ Id: id }), { abortSignal: signal }),
      signal
    )
    return out.ChangeInfo?.Status
  }
}

/** The AWS error behind an AwsCallError. */
function causeOf(error: unknown): { name?: string; message?: string } | undefined {
  return error instanceof AwsCallError
    ? (error.cause as { name?: string; message?: string })
    : undefined
}

function errorName(error: unknown): string | undefined {
  return causeOf(error)?.name
}
