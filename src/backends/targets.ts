import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { requireSameRegionAndAccount } from '../aws/arn.js'
import type { Clock } from '../clock.js'
import { TopologyError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { Split } from '../split.js'
import type {
  BackendDefinition,
  Capacity,
  Inspection,
  Phase,
  Plan,
  RestorePlan,
  TrafficBackend,
  Verification
} from './backend.js'
import { type GroupFacts, isRefusedRetry, TargetsAws } from './targets-aws.js'
import { targetsOf } from './targets-calls.js'
import { quantizeSplit } from './targets-counts.js'
import { checkGroup, resolveSides, sidesOf, warningsOf } from './targets-inspect.js'
import {
  isRegistered,
  keyOf,
  listed,
  liveState,
  nothingRegistered,
  ownership,
  registrationsOf,
  show,
  type SideName,
  SIDES,
  standingOf,
  tally,
  type TargetsNative,
  type TargetsState
} from './targets-native.js'
import { planTargets } from './targets-plan.js'
import { restoreTargets } from './targets-restore.js'
import { waitForDrain } from './targets-settle.js'
import {
  readTargetsSettings,
  TARGETS_INPUTS,
  TARGETS_MODE,
  type TargetsSettings
} from './targets-settings.js'
import { judgePhase } from './targets-verify.js'

/**
 * Mode `targets`: one target group behind a permanent load balancer; a step registers green
 * targets, waits until they are healthy, and only then deregisters blue ones. The split is read
 * from which targets are registered and healthy, so a re-run resumes where another stopped.
 *
 * Auto Scaling during a run: the set a side owns is its group's InService instances, read again
 * at every read, and Auto Scaling's own scale-in, replacement and scale-out are neither someone
 * else's edit nor undone. This was chosen over suspending Launch/Terminate/ReplaceUnhealthy/
 * AZRebalance for the run (as CodeDeploy does) because suspending is itself a write that a killed
 * run leaves behind (no replacement of unhealthy instances, no scale-out under load, until
 * someone resumes them), and because a shift that keeps the fleet able to heal and scale is the
 * safer default; the price is that a step's split is whole-target exact only until Auto Scaling
 * changes a side, which the next read reports as it is.
 */
export class TargetsBackend implements TrafficBackend<TargetsNative> {
  readonly mode = TARGETS_MODE
  readonly target: string
  private facts?: GroupFacts
  /** When this run last deregistered each target (by key): what settle() waits for. */
  private readonly deregisteredAt = new Map<string, number>()

  constructor(
    private readonly settings: TargetsSettings,
    private readonly aws: TargetsAws,
    private readonly clock: Clock,
    private readonly logger: Logger
  ) {
    this.target = settings.targetGroupArn
  }

  async inspect(signal?: AbortSignal): Promise<Inspection<TargetsNative>> {
    const arn = this.settings.targetGroupArn
    requireSameRegionAndAccount([{ input: 'target-group-arn', arn }], await this.aws.region())
    const facts = await this.aws.group(arn, signal)
    if (!facts) {
      throw new TopologyError(
        'target-group-arn',
        arn,
        'no target group of that ARN',
        'the ARN of an existing target group'
      )
    }
    checkGroup(this.settings, facts)
    this.facts = facts
    const native = await this.readNative(signal, true)
    if (nothingRegistered(native)) {
      throw new TopologyError(
        'target-group-arn',
        arn,
        `none of blue's or green's targets registered in ${facts.name}: nothing takes traffic ` +
          'and nothing says where a shift stands',
        "a target group where blue's (or green's) targets are registered; register blue by hand"
      )
    }
    const state = liveState(native)
    this.logger.info(
      `Target group ${facts.name}: ${facts.targetType} targets on port ${facts.port}, ` +
        `deregistration delay ${facts.deregistrationDelaySeconds}s; ` +
        SIDES.map((side) => describeSide(side, native)).join('; ')
    )
    return { state, sides: sidesOf(native, facts), warnings: warningsOf(this.settings, native) }
  }

  async read(signal?: AbortSignal): Promise<TargetsState> {
    return liveState(await this.readNative(signal))
  }

  quantize(split: Split, state: TargetsState): Split {
    const { total, registered } = tally(state.native)
    return quantizeSplit(split, state.split, total, registered)
  }

  plan(from: TargetsState, to: Split): Plan<TargetsNative> {
    return planTargets(from, to)
  }

  restore(start: TargetsState, live: TargetsState): RestorePlan<TargetsNative> {
    return restoreTargets(start, live)
  }

  async apply(phase: Phase<TargetsNative>, signal?: AbortSignal): Promise<void> {
    const native = phase.expect.native
    for (const call of phase.calls) {
      try {
        await this.aws.send(call, signal)
      } catch (error) {
        if (!isRefusedRetry(error)) throw error
        this.logger.warning(
          `${call.operation} was retried and AWS refused the repeat; verifying whether the ` +
            'first attempt landed'
        )
      }
      const targets = targetsOf(call)
      const now = this.clock.now()
      for (const target of targets) {
        // Registered again, it no longer drains on this run's account.
        if (call.operation === 'RegisterTargets') this.deregisteredAt.delete(keyOf(target))
        if (call.operation === 'DeregisterTargets') this.deregisteredAt.set(keyOf(target), now)
      }
      const group = (call.parameters as { AutoScalingGroupName?: string }).AutoScalingGroupName
      this.logger.info(
        group !== undefined
          ? `${call.operation}: Auto Scaling group ${group}`
          : `${call.operation.replace(/Targets$/, 'ed')} ${listed(targets.map((t) => show(native, t)))}`
      )
    }
  }

  async verify(
    phase: Phase<TargetsNative>,
    from: TargetsState,
    signal?: AbortSignal
  ): Promise<Verification<TargetsNative>> {
    const live = await this.readNative(signal)
    const { status, detail } = judgePhase(from.native, phase.expect.native, live)
    return { status, detail, state: liveState(live) }
  }

  /**
   * Blue can take traffic moved toward it when it has a healthy target, or targets a move toward
   * blue registers (it waits until they are healthy before green loses any).
   */
  async blueCapacity(state: TargetsState): Promise<Capacity> {
    const native = state.native
    const registrations = registrationsOf(native)
    const blue = native.sides.blue.targets
    const healthy = blue.filter((t) => standingOf(registrations.get(keyOf(t))) === 'healthy')
    if (healthy.length > 0) {
      return { ok: true, detail: `blue has ${healthy.length} of ${blue.length} targets healthy` }
    }
    const free = blue.filter((t) => !isRegistered(registrations.get(keyOf(t))))
    if (free.length > 0) {
      return {
        ok: true,
        detail:
          `blue has no healthy target now; a move toward blue registers ${free.length} of its ` +
          `${blue.length} targets and waits until they are healthy before green loses any`
      }
    }
    const states = blue.map(
      (t) => `${show(native, t)} ${registrations.get(keyOf(t))?.state ?? 'not registered'}`
    )
    return {
      ok: false,
      detail:
        blue.length === 0
          ? 'blue has no targets (its Auto Scaling group has no InService instance)'
          : `none of blue's targets is healthy: ${listed(states)}`
    }
  }

  /**
   * After the last bake, with wait-for-draining: waits until none of the targets this run
   * deregistered is draining, bounded (see waitForDrain). Reads only; the signal ends it.
   */
  async settle(state: TargetsState, signal?: AbortSignal): Promise<void> {
    if (this.deregisteredAt.size === 0) return
    if (!this.settings.waitForDraining) {
      this.logger.info('Not waiting for deregistered targets to drain (wait-for-draining: false)')
      return
    }
    await waitForDrain({
      deregisteredAt: this.deregisteredAt,
      delaySeconds: state.native.deregistrationDelaySeconds,
      read: () => this.readNative(signal),
      clock: this.clock,
      logger: this.logger,
      signal
    })
  }

  /** One read of the group and the sides' Auto Scaling groups, as native state. */
  private async readNative(signal?: AbortSignal, inspecting = false): Promise<TargetsNative> {
    const arn = this.settings.targetGroupArn
    this.facts ??= await this.aws.group(arn, signal)
    if (!this.facts) throw new Error(`Target group ${arn} was not found`)
    const facts = this.facts
    const names = SIDES.flatMap((side) => {
      const fleet = this.settings[side]
      return 'autoScalingGroup' in fleet ? [fleet.autoScalingGroup] : []
    })
    // Attachments are asked of the groups that exist, so a missing one is refused by name.
    const autoScaling = async () => {
      const groups = await this.aws.autoScalingGroups(names, signal)
      const found = names.filter((name) => groups.has(name))
      const attached = await Promise.all(
        found.map((name) => this.aws.attachment(name, arn, signal))
      )
      return { groups, attachments: new Map(found.map((name, i) => [name, attached[i]])) }
    }
    const [health, { groups, attachments }] = await Promise.all([
      this.aws.health(arn, signal),
      autoScaling()
    ])
    const resolved = resolveSides(this.settings, facts, groups, inspecting)
    const sides = {} as TargetsNative['sides']
    for (const side of SIDES) {
      const { targets, group } = resolved[side]
      sides[side] = group
        ? {
            targets,
            autoScaling: {
              name: group.name,
              inService: group.inService,
              notInService: group.notInService,
              attachment: attachments.get(group.name) ?? null
            }
          }
        : { targets }
    }
    const native: TargetsNative = {
      targetGroupArn: arn,
      targetType: facts.targetType,
      port: facts.port,
      deregistrationDelaySeconds: facts.deregistrationDelaySeconds,
      registrations: [],
      sides
    }
    const owner = ownership(native)
    native.registrations = health.map((target) => ({
      ...target,
      side: owner.get(keyOf(target)) ?? 'other'
    }))
    return native
  }
}

function describeSide(side: SideName, native: TargetsNative): string {
  const state = native.sides[side]
  const from = state.autoScaling
    ? ` (InService instances of Auto Scaling group ${state.autoScaling.name})`
    : ''
  return `${side} ${state.targets.length} targets${from}`
}

export const targets: BackendDefinition<TargetsSettings> = {
  mode: TARGETS_MODE,
  readInputs: readTargetsSettings,
  inputs: TARGETS_INPUTS,
  create: (settings, deps) =>
    new TargetsBackend(
      settings,
      new TargetsAws(deps.clients.get(ElasticLoadBalancingV2Client), () =>
        deps.clients.get(AutoScalingClient)
      ),
      deps.clock,
      deps.logger
    )
}
