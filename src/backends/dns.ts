import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { type ChangeResourceRecordSetsCommandInput, Route53Client } from '@aws-sdk/client-route-53'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { Split } from '../split.js'
import type {
  BackendDefinition,
  Capacity,
  Inspection,
  LiveState,
  Plan,
  RestorePlan,
  TrafficBackend,
  Verification
} from './backend.js'
import { DnsRoute53 } from './dns-aws.js'
import {
  aliasTargets,
  checkZone,
  INSYNC_ALLOWANCE_MS,
  inspectionOf,
  withLoadBalancers
} from './dns-inspection.js'
import { loadBalancersOfAliases } from './dns-load-balancers.js'
import {
  type DnsNative,
  type DnsPhase,
  type DnsState,
  planDns,
  restoreDns,
  stateOf,
  ttlWaitMs
} from './dns-plan.js'
import { quantize, shapeOf } from './dns-records.js'
import { DNS_INPUTS, DNS_MODE, type DnsSettings, readDnsSettings } from './dns-settings.js'

/**
 * Mode `dns`: two weighted Route 53 records (blue and green set identifiers) for one name. Every
 * change is one atomic batch that DELETEs exactly the records of the state it starts from and
 * CREATEs their replacements, so an edit made by anyone else in between fails the batch instead
 * of being overwritten.
 *
 * The backend keeps no state between calls. The one thing that must pass from apply() to
 * verify() (the change id, and when INSYNC was first seen) lives in the phase's
 * `expect.native.change`, which the runner holds and records: pass verify() the phase object
 * apply() was given.
 */
export class DnsBackend implements TrafficBackend<DnsNative> {
  readonly mode = DNS_MODE
  readonly target: string
  private readonly route53: DnsRoute53

  constructor(
    private readonly settings: DnsSettings,
    client: Route53Client,
    /** Only to find the load balancers the records alias (their metrics are the gates'). */
    private readonly elbv2: ElasticLoadBalancingV2Client,
    private readonly clock: Clock,
    private readonly logger: Logger
  ) {
    this.route53 = new DnsRoute53(client, settings)
    this.target = this.route53.target
  }

  /**
   * The zone first (a record outside it, or a private zone with no resolvers, lists nothing);
   * the load balancers the records alias last, once the records are known good.
   */
  async inspect(signal?: AbortSignal): Promise<Inspection<DnsNative>> {
    const zone = await this.route53.zone(signal)
    checkZone(zone, this.settings)
    const inspection = inspectionOf(zone, await this.route53.recordsAtName(signal), this.settings)
    const aliased = await loadBalancersOfAliases(this.elbv2, aliasTargets(inspection.sides), signal)
    return withLoadBalancers(inspection, aliased)
  }

  async read(signal?: AbortSignal): Promise<DnsState> {
    return stateOf(await this.route53.recordsAtName(signal), this.settings)
  }

  quantize(split: Split, _state: LiveState<DnsNative>): Split {
    return quantize(split)
  }

  plan(from: DnsState, to: Split): Plan<DnsNative> {
    return planDns(from, to, this.settings)
  }

  restore(start: DnsState, live: DnsState): RestorePlan<DnsNative> {
    return restoreDns(start, live, this.settings)
  }

  /**
   * Submits the phase's batch and notes it in `phase.expect.native.change`. A batch refused as a
   * failed compare-and-swap is not thrown: a retry of a batch that landed (lost response) and
   * someone else's edit look the same here, and verify() tells them apart by reading.
   */
  async apply(phase: DnsPhase, signal?: AbortSignal): Promise<void> {
    for (const call of phase.calls) {
      const submittedAt = this.clock.now()
      const input = call.parameters as ChangeResourceRecordSetsCommandInput
      const id = await this.route53.submit(input, signal)
      if (id === undefined) {
        this.logger.warning(
          `Route 53 refused the batch to ${phase.summary}: the records are no longer the ones it ` +
            'deletes (a retry of a batch that landed, or someone else’s edit); verify tells which'
        )
      }
      phase.expect.native.change = id
        ? { id, submittedAt }
        : (phase.expect.native.change ?? { submittedAt })
    }
  }

  /**
   * Converged once the records are phase.expect and, for a phase that moves traffic, Route 53
   * reports the change INSYNC and one TTL has passed since (resolvers drop the old answers);
   * pending on the way, so the runner keeps polling its gates through those waits.
   */
  async verify(
    phase: DnsPhase,
    from: DnsState,
    signal?: AbortSignal
  ): Promise<Verification<DnsNative>> {
    const live = await this.read(signal)
    const { expect } = phase
    const change = expect.native.change
    const state: DnsState = { ...live, native: { ...live.native, ...(change && { change }) } }
    if (live.fingerprint === from.fingerprint && from.fingerprint !== expect.fingerprint) {
      return { status: 'pending', state, detail: `Route 53 still shows ${live.detail}` }
    }
    if (live.fingerprint !== expect.fingerprint) {
      return {
        status: 'diverged',
        state,
        detail: `expected ${expect.detail} (or ${from.detail} before the change), found ${live.detail}`
      }
    }
    if (!phase.movesTraffic || !change) {
      return { status: 'converged', state, detail: `Route 53 shows ${live.detail}` }
    }
    const now = this.clock.now()
    if (change.insyncAt === undefined && change.id) {
      const status = await this.route53.changeStatus(change.id, signal)
      if (status !== 'INSYNC') {
        return { status: 'pending', state, detail: `Route 53 change ${change.id} is ${status}` }
      }
      change.insyncAt = now
    }
    // Without its id (a retried batch) the change is taken to be INSYNC a minute after sending.
    const insyncAt = change.insyncAt ?? change.submittedAt + INSYNC_ALLOWANCE_MS
    const waitMs = ttlWaitMs(from, expect)
    const left = insyncAt + waitMs - now
    if (left > 0) {
      return {
        status: 'pending',
        state,
        detail:
          `${live.detail}, ${change.insyncAt === undefined ? 'change id lost (retried batch)' : 'INSYNC'}; ` +
          `waiting ${left / 1000}s more of the ${waitMs / 1000}s TTL so resolvers drop cached answers`
      }
    }
    return { status: 'converged', state, detail: `${live.detail}, INSYNC and one TTL passed` }
  }

  /** Route 53 cannot tell whether blue has healthy capacity; a health check on it is Route 53's. */
  async blueCapacity(state: DnsState): Promise<Capacity> {
    const shaped = shapeOf(state.native.records, this.settings)
    const blue = shaped.ok ? (shaped.live.simple ?? shaped.live.blue) : undefined
    const check = blue?.HealthCheckId
    return {
      ok: true,
      detail:
        'Route 53 records cannot tell whether blue has healthy capacity' +
        (check
          ? `; blue’s record has health check ${check}, by which Route 53 stops answering an unhealthy blue`
          : '; gates (alarms, probes) watch blue')
    }
  }
}

export const dns: BackendDefinition<DnsSettings> = {
  mode: DNS_MODE,
  readInputs: readDnsSettings,
  inputs: DNS_INPUTS,
  create: (settings, deps) =>
    new DnsBackend(
      settings,
      deps.clients.get(Route53Client),
      deps.clients.get(ElasticLoadBalancingV2Client),
      deps.clock,
      deps.logger
    )
}
