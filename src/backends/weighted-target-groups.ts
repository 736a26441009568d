import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { classifyTarget } from '../aws/target-states.js'
import { UnsupportedStateError } from '../errors.js'
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
import { canonicalActions, plainActions } from './weighted-actions.js'
import { WeightedAws } from './weighted-aws.js'
import { inspectWeighted } from './weighted-inspect.js'
import {
  classify,
  plan,
  quantize,
  restore,
  stateOf,
  type WeightedNative,
  type WeightedState,
  type WeightedTarget
} from './weighted-plan.js'
import {
  readWeightedSettings,
  WEIGHTED_INPUTS,
  type WeightedSettings
} from './weighted-settings.js'

/**
 * Mode `weighted-target-groups`: an ALB listener (or rule) forwards to blue and green target
 * groups by weight. Every write is the whole action list, read-modify-write, keeping everything
 * this run does not own; the pure half (weighted-plan.ts) decides what to write.
 */
export class WeightedTargetGroupsBackend implements TrafficBackend<WeightedNative> {
  readonly mode = 'weighted-target-groups'
  readonly target: string
  private readonly where: WeightedTarget
  private readonly aws: WeightedAws

  constructor(
    private readonly settings: WeightedSettings,
    elbv2: ElasticLoadBalancingV2Client
  ) {
    this.target = settings.listenerArn ?? settings.ruleArn!
    this.where = {
      arn: this.target,
      kind: settings.listenerArn ? 'listener' : 'rule',
      pair: { blue: settings.blueTargetGroup, green: settings.greenTargetGroup },
      stickinessSeconds: settings.stickinessSeconds
    }
    this.aws = new WeightedAws(elbv2)
  }

  inspect(signal?: AbortSignal): Promise<Inspection<WeightedNative>> {
    return inspectWeighted(this.aws, this.settings, this.where, signal)
  }

  async read(signal?: AbortSignal): Promise<WeightedState> {
    return stateOf(this.where, await this.aws.readNative(this.where, signal))
  }

  quantize(split: Split, state: WeightedState): Split {
    return quantize(this.where, split, state)
  }

  plan(from: WeightedState, to: Split): Plan<WeightedNative> {
    return plan(this.where, from, to)
  }

  restore(start: WeightedState, live: WeightedState): RestorePlan<WeightedNative> {
    return restore(this.where, start, live)
  }

  async apply(phase: Phase<WeightedNative>, signal?: AbortSignal): Promise<void> {
    for (const call of phase.calls) await this.aws.send(call, signal)
  }

  async verify(
    phase: Phase<WeightedNative>,
    from: WeightedState,
    signal?: AbortSignal
  ): Promise<Verification<WeightedNative>> {
    const native = await this.aws.readNative(this.where, signal)
    let live: WeightedState
    try {
      live = stateOf(this.where, native)
    } catch (error) {
      if (!(error instanceof UnsupportedStateError)) throw error
      // Someone left no split of ours to read (no forward action, blue and green both out):
      // the state carries `from`'s split, as nothing of ours takes traffic to report instead.
      live = {
        ...from,
        native: { ...native, actions: plainActions(native.actions) },
        detail: error.message,
        fingerprint: `unreadable:${canonicalActions(native.actions)}`
      }
    }
    return classify(phase, from, live)
  }

  /** Blue can take traffic moved toward it when at least one of its targets is healthy. */
  async blueCapacity(_state: WeightedState, signal?: AbortSignal): Promise<Capacity> {
    const arn = this.settings.blueTargetGroup
    const targets = await this.aws.targetHealth(arn, signal)
    const healthy = targets.filter(
      (target) =>
        classifyTarget(target.TargetHealth?.State ?? '', target.TargetHealth?.Reason ?? '') ===
        'healthy'
    ).length
    const states = targets
      .map((target) => `${target.Target?.Id}: ${target.TargetHealth?.State ?? 'unknown'}`)
      .join(', ')
    return {
      ok: healthy > 0,
      detail: `${arn} has ${healthy} healthy of ${targets.length} registered targets${states ? ` (${states})` : ''}`
    }
  }
}

export const weightedTargetGroups: BackendDefinition<WeightedSettings> = {
  mode: 'weighted-target-groups',
  inputs: WEIGHTED_INPUTS,
  readInputs: readWeightedSettings,
  create: (settings, deps) =>
    new WeightedTargetGroupsBackend(settings, deps.clients.get(ElasticLoadBalancingV2Client))
}
