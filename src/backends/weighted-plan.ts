/**
 * Mode `weighted-target-groups`, the pure half: live state from an action list, plans, restore
 * and verification. No AWS call here, so dry-run chains these exactly as a run applies them.
 */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2'
import { UnsupportedStateError } from '../errors.js'
import { Split } from '../split.js'
import type { LiveState, Phase, PlannedCall, Plan, RestorePlan, Verification } from './backend.js'
import {
  canonicalActions,
  type Forward,
  forWriting,
  type Pair,
  plainActions,
  readForward,
  rewrite,
  type Stickiness,
  wantedStickiness,
  weightsOf
} from './weighted-actions.js'
import { quantizeWeights, type Weights, weightsFor } from './weighted-weights.js'

/**
 * What this mode reads and puts back: the whole action list of the listener (or rule), exactly
 * as AWS showed it, and the load balancer it belongs to (from inspection; never changes).
 */
export interface WeightedNative {
  actions: Action[]
  loadBalancerArn: string
}

export type WeightedState = LiveState<WeightedNative>

/** What the pure half needs to know about the run: where, which pair, which stickiness. */
export interface WeightedTarget {
  /** listener-arn or rule-arn. */
  arn: string
  kind: 'listener' | 'rule'
  pair: Pair
  stickinessSeconds?: number
}

/** The live state an action list amounts to; throws when no split of ours can be read. */
export function stateOf(target: WeightedTarget, native: WeightedNative): WeightedState {
  const actions = plainActions(native.actions)
  const forward = forwardOf(target, actions)
  const weights = weightsOf(forward, target.pair)
  if (weights.blue + weights.green === 0) {
    throw new UnsupportedStateError(
      `${target.arn} gives blue and green no weight: neither takes traffic`
    )
  }
  return {
    split: Split.ofWeights(weights.blue, weights.green),
    native: { actions, loadBalancerArn: native.loadBalancerArn },
    detail: describe(weights, forward.stickiness),
    fingerprint: canonicalActions(actions)
  }
}

export function forwardOf(target: WeightedTarget, actions: readonly Action[]): Forward {
  const forward = readForward(actions, target.pair)
  if (!forward) {
    const types = actions.map((action) => action.Type).join(', ')
    throw new UnsupportedStateError(
      `${target.arn} has no forward action (its actions: ${types || 'none'})`
    )
  }
  return forward
}

/** "blue 900 / green 100 (ALB weights)", with the other groups and stickiness when present. */
export function describe(weights: Weights, stickiness: Stickiness): string {
  const others = weights.others.length
    ? ` (+${weights.others.length} other target groups at ${weights.others.join(', ')})`
    : ''
  // Sticky clients stay on their group until the cookie expires, whatever the weights: say so
  // wherever the split is reported, a rollback's final state included.
  const sticky = stickiness.enabled
    ? `; group stickiness ${stickiness.seconds} s: sticky clients keep their group until it expires`
    : ''
  return `blue ${weights.blue} / green ${weights.green} (ALB weights)${others}${sticky}`
}

export function quantize(target: WeightedTarget, split: Split, state: WeightedState): Split {
  const forward = forwardOf(target, state.native.actions)
  return quantizeWeights(split, weightsOf(forward, target.pair))
}

/**
 * One ModifyListener/ModifyRule per phase: the whole list is replaced atomically, so a step is
 * make-before-break by itself. Adoption (green added at weight 0) is a phase of its own that
 * moves no traffic; the stickiness asked for rides on the first write.
 */
export function plan(target: WeightedTarget, from: WeightedState, to: Split): Plan<WeightedNative> {
  const forward = forwardOf(target, from.native.actions)
  const live = weightsOf(forward, target.pair)
  const stickiness = wantedStickiness(forward.stickiness, target.stickinessSeconds)
  if (from.split.equals(to)) {
    if (sameStickiness(forward.stickiness, stickiness)) return { from, to, phases: [] }
    const only = phase(target, from, live, stickiness, { adopt: false, movesTraffic: false })
    return {
      from,
      to,
      phases: [{ ...only, summary: `set group stickiness: ${only.expect.detail}` }]
    }
  }
  const phases: Phase<WeightedNative>[] = []
  let state = from
  if (forward.green === undefined) {
    const adopted = phase(target, state, live, stickiness, { adopt: true, movesTraffic: false })
    phases.push({
      ...adopted,
      summary: `adopt ${target.arn}: forward to blue (weight ${live.blue}) and green (weight 0)`
    })
    state = adopted.expect
  }
  const next = weightsFor(to, live)
  const step = phase(target, state, next, stickiness, { adopt: false, movesTraffic: true })
  const rescaled = next.others.some((weight, index) => weight !== live.others[index])
    ? '; other target groups rescaled to keep their share'
    : ''
  phases.push({ ...step, summary: `${step.expect.detail}${rescaled}` })
  return { from, to: step.expect.split, phases }
}

/** Back to the exact action list the run started from, adoption and stickiness included. */
export function restore(
  target: WeightedTarget,
  start: WeightedState,
  live: WeightedState
): RestorePlan<WeightedNative> {
  const base = { from: live, to: start.split, exact: true }
  if (live.fingerprint === start.fingerprint) return { ...base, phases: [] }
  return {
    ...base,
    phases: [
      {
        summary: `put back the action list ${target.arn} started with: ${start.detail}`,
        calls: [modifyCall(target, start.native.actions)],
        expect: start,
        movesTraffic: !live.split.equals(start.split)
      }
    ]
  }
}

/**
 * Converged when AWS shows the phase's action list; pending while a lagging read still shows
 * `from` (ALB applies weights at once, only reads lag); anything else is someone else's edit.
 */
export function classify(
  phase: Phase<WeightedNative>,
  from: WeightedState,
  live: WeightedState
): Verification<WeightedNative> {
  if (live.fingerprint === phase.expect.fingerprint) {
    return { status: 'converged', state: live, detail: `AWS reports ${live.detail}` }
  }
  if (live.fingerprint === from.fingerprint) {
    return { status: 'pending', state: live, detail: `AWS still reports ${live.detail}` }
  }
  const rest =
    live.detail === phase.expect.detail
      ? ' (the weights match; another part of the action list changed)'
      : ''
  return {
    status: 'diverged',
    state: live,
    detail: `expected ${phase.expect.detail}, found ${live.detail}${rest}`
  }
}

export function modifyCall(target: WeightedTarget, actions: readonly Action[]): PlannedCall {
  const written = forWriting(actions)
  return target.kind === 'listener'
    ? {
        service: 'elasticloadbalancingv2',
        operation: 'ModifyListener',
        parameters: { ListenerArn: target.arn, DefaultActions: written }
      }
    : {
        service: 'elasticloadbalancingv2',
        operation: 'ModifyRule',
        parameters: { RuleArn: target.arn, Actions: written }
      }
}

function phase(
  target: WeightedTarget,
  state: WeightedState,
  weights: Weights,
  stickiness: Stickiness,
  { adopt, movesTraffic }: { adopt: boolean; movesTraffic: boolean }
): Phase<WeightedNative> {
  const forward = forwardOf(target, state.native.actions)
  const actions = rewrite(state.native.actions, forward, target.pair, weights, stickiness, adopt)
  const expect = stateOf(target, { ...state.native, actions })
  return { summary: expect.detail, calls: [modifyCall(target, actions)], expect, movesTraffic }
}

function sameStickiness(a: Stickiness, b: Stickiness): boolean {
  return a.enabled === b.enabled && (!a.enabled || (b.enabled && a.seconds === b.seconds))
}
