import type {
  ChangeResourceRecordSetsCommandInput,
  ResourceRecordSet
} from '@aws-sdk/client-route-53'
import { TopologyError } from '../errors.js'
import { Split } from '../split.js'
import type { LiveState, Phase, Plan, PlannedCall, RestorePlan } from './backend.js'
import {
  describeLive,
  dnsWeights,
  fingerprintOf,
  greenRecord,
  liveRecords,
  type LiveRecords,
  MAX_WEIGHT,
  plainRecords,
  pointsAtTarget,
  quantize,
  shapeOf,
  simpleFrom,
  splitOf,
  swap,
  ttlOf,
  valueOf,
  weightedFrom,
  withWeight
} from './dns-records.js'
import type { DnsSettings, GreenTarget } from './dns-settings.js'

/**
 * Pure planning for mode `dns`: states are the records themselves, so a plan chains through its
 * phases' `expect` (dry-run included) and a restore names the exact records to put back.
 */

/** The change batch apply() submitted for a phase, kept in that phase's expect for verify(). */
export interface SubmittedChange {
  /** Absent when Route 53 refused a retried batch whose first attempt had landed (id lost). */
  id?: string
  /** When apply() sent it (ms on the injected clock). */
  submittedAt: number
  /** When verify() first saw GetChange answer INSYNC: the TTL wait counts from here. */
  insyncAt?: number
}

export interface DnsNative {
  /** Our records at the name and type, exactly as Route 53 lists them, by set identifier. */
  records: ResourceRecordSet[]
  /** In a phase's expect once apply() sent it (and in verify's state): that change batch. */
  change?: SubmittedChange
}

export type DnsState = LiveState<DnsNative>
export type DnsPhase = Phase<DnsNative>

export type DnsPlanSettings = Pick<
  DnsSettings,
  | 'hostedZoneId'
  | 'recordName'
  | 'recordType'
  | 'blueSetIdentifier'
  | 'greenSetIdentifier'
  | 'green'
  | 'recordTtl'
  | 'collapseOnRollback'
>

/** One change batch: DELETE exactly `deletes` (all our records), CREATE `creates`. */
interface Batch {
  summary: string
  deletes: ResourceRecordSet[]
  creates: ResourceRecordSet[]
}

/** The state of the records of our name and type (others at the name are not ours). */
export function stateOf(records: ResourceRecordSet[], settings: DnsPlanSettings): DnsState {
  const ours = plainRecords(records.filter((record) => record.Type === settings.recordType))
  const shaped = shapeOf(ours, settings)
  return {
    split: shaped.ok ? splitOf(shaped.live) : roughSplit(ours, settings),
    native: { records: ours },
    detail: shaped.ok ? describeLive(shaped.live) : shaped.problem.shows,
    fingerprint: fingerprintOf(ours)
  }
}

/** Only for records someone else left in a shape we do not manage: reported, never planned. */
function roughSplit(records: ResourceRecordSet[], settings: DnsPlanSettings): Split {
  const weight = (id: string) => records.find((r) => r.SetIdentifier === id)?.Weight ?? 0
  const blue = weight(settings.blueSetIdentifier)
  const green = weight(settings.greenSetIdentifier)
  return blue + green > 0 ? Split.ofWeights(blue, green) : Split.BLUE
}

/**
 * The phases from `from` to `to` (quantized here too): first any adoption (a simple record or a
 * lone blue becomes the weighted pair at green 0, or green at 0 is repointed where the inputs
 * say), which moves no traffic; then one batch that sets the weights.
 */
export function planDns(from: DnsState, to: Split, settings: DnsPlanSettings): Plan<DnsNative> {
  const target = quantize(to)
  const phases: DnsPhase[] = []
  let current = from
  for (const next of [adoption, shift]) {
    const batch = next(liveRecords(current.native.records, settings), target, settings)
    if (!batch) continue
    const phase = phaseOf(batch, current, settings)
    phases.push(phase)
    current = phase.expect
  }
  return { from, to: target, phases }
}

/**
 * Back to `start`'s exact records in one batch: DELETE every record live now, CREATE start's as
 * Route 53 listed them. An adoption is undone (the simple record comes back as it was); a pair
 * gets its exact starting weights, TTLs and values. Route 53 can always do that: exact.
 */
export function restoreDns(
  start: DnsState,
  live: DnsState,
  settings: DnsPlanSettings
): RestorePlan<DnsNative> {
  if (live.fingerprint === start.fingerprint) {
    return { from: live, to: start.split, phases: [], exact: true }
  }
  const batch: Batch = {
    summary: `put back the records the run started from (${start.detail})`,
    deletes: live.native.records,
    creates: start.native.records
  }
  return { from: live, to: start.split, phases: [phaseOf(batch, live, settings)], exact: true }
}

/** How long resolvers may still answer from before a batch: the longer TTL of the two, in ms. */
export function ttlWaitMs(from: DnsState, expect: DnsState): number {
  return Math.max(ttlOf(from.native.records), ttlOf(expect.native.records)) * 1000
}

function phaseOf(batch: Batch, from: DnsState, settings: DnsPlanSettings): DnsPhase {
  const expect = stateOf(batch.creates, settings)
  return {
    summary: batch.summary,
    calls: [changeCall(batch, settings)],
    expect,
    movesTraffic: !from.split.equals(expect.split)
  }
}

function changeCall(batch: Batch, settings: DnsPlanSettings): PlannedCall {
  const parameters: ChangeResourceRecordSetsCommandInput = {
    HostedZoneId: settings.hostedZoneId,
    ChangeBatch: {
      Comment: `aws-traffic-shift: ${batch.summary}`.slice(0, 256),
      Changes: swap(structuredClone(batch.deletes), structuredClone(batch.creates))
    }
  }
  return { service: 'route53', operation: 'ChangeResourceRecordSets', parameters }
}

/** What must change before traffic can move to green, if anything. Nothing when going to 0 %. */
function adoption(live: LiveRecords, to: Split, settings: DnsPlanSettings): Batch | undefined {
  if (to.permille === 0) return undefined
  const { recordName } = settings
  if (live.simple) {
    const simple = live.simple
    const blue = weightedFrom(simple, settings.blueSetIdentifier, MAX_WEIGHT)
    const green = greenRecord(settings, needGreen(settings, valueOf(simple)), 0, simple)
    return {
      summary: `adopt the simple record ${recordName} (${valueOf(simple)}) as weighted blue ${MAX_WEIGHT} / green 0 (${valueOf(green)})`,
      deletes: [simple],
      creates: [blue, green]
    }
  }
  const blue = live.blue!
  if (!live.green) {
    // Blue alone at weight 0 still answers; beside green at 0 it would mean an equal split.
    const keptBlue = withWeight(blue, blue.Weight || MAX_WEIGHT)
    const green = greenRecord(settings, needGreen(settings, valueOf(blue)), 0, blue)
    return {
      summary: `create green’s weighted record at weight 0 (${valueOf(green)})`,
      deletes: [blue],
      creates: [keptBlue, green]
    }
  }
  const green = live.green
  if (!settings.green || pointsAtTarget(green, settings.green, settings.recordTtl)) return undefined
  const wanted = greenRecord(settings, settings.green, 0, blue)
  if (green.Weight) {
    throw new TopologyError(
      settings.green.kind === 'alias' ? 'green-alias-target' : 'green-value',
      valueOf(wanted),
      `green’s record at ${recordName} pointing at ${valueOf(green)} and carrying traffic (weight ${green.Weight})`,
      'where green’s record points now: a record that takes traffic is not repointed (move green to 0 first with traffic: 0)'
    )
  }
  return {
    summary: `repoint green’s record (weight 0) from ${valueOf(green)} to ${valueOf(wanted)}`,
    deletes: [blue, green],
    creates: [blue, wanted]
  }
}

function needGreen(settings: DnsPlanSettings, blueValue: string): GreenTarget {
  if (settings.green) return settings.green
  throw new TopologyError(
    'green-value',
    '',
    `no weighted record ${JSON.stringify(settings.greenSetIdentifier)} at ${settings.recordName} (blue’s answers ${blueValue})`,
    'green-value (with record-ttl) or green-alias-target: where green’s record, which this run creates, points'
  )
}

/** The batch that sets the weights for `to`; at 0 % with collapse-on-rollback, the simple record. */
function shift(live: LiveRecords, to: Split, settings: DnsPlanSettings): Batch | undefined {
  if (to.permille === 0 && settings.collapseOnRollback && live.blue) return collapse(live, settings)
  if (splitOf(live).equals(to)) return undefined
  const [blueWeight, greenWeight] = dnsWeights(to)
  const blue = withWeight(live.blue!, blueWeight)
  const green = withWeight(live.green!, greenWeight)
  return {
    summary: `set weights blue ${blueWeight} / green ${greenWeight} (${to})`,
    deletes: [live.blue!, live.green!],
    creates: [blue, green]
  }
}

/** Blue's value back as a simple record, green's record gone. */
function collapse(live: LiveRecords, settings: DnsPlanSettings): Batch {
  const simple = simpleFrom(live.blue!)
  return {
    summary: `collapse the weighted pair into a simple record ${settings.recordName} (${valueOf(simple)})`,
    deletes: [live.blue!, ...(live.green ? [live.green] : [])],
    creates: [simple]
  }
}
