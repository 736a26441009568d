import type {
  Action,
  TargetGroupStickinessConfig,
  TargetGroupTuple
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { UnsupportedStateError } from '../errors.js'
import { MAX_WEIGHT, type Weights } from './weighted-weights.js'

/** ALB's bound on target groups in one forward action (not adjustable). */
export const MAX_TARGET_GROUPS = 5

/** The target groups of this run, by ARN. */
export interface Pair {
  blue: string
  green: string
}

/** The forward action of an action list, read for this run's pair. */
export interface Forward {
  index: number
  /** Every group the action forwards to, in AWS's order, weights defaulted to 1. */
  tuples: { arn: string; weight: number }[]
  stickiness: Stickiness
  /** undefined when the group is not in the forward action. */
  blue: number | undefined
  green: number | undefined
}

/** Group stickiness, normalized: AWS shows an absent config as disabled. */
export type Stickiness = { enabled: false } | { enabled: true; seconds: number }

/** The forward action and what it gives the pair; undefined when there is no forward action. */
export function readForward(actions: readonly Action[], pair: Pair): Forward | undefined {
  const index = actions.findIndex((action) => action.Type === 'forward')
  if (index < 0) return undefined
  const forward = actions[index]
  const tuples = forward.ForwardConfig?.TargetGroups?.length
    ? forward.ForwardConfig.TargetGroups.map((tuple) => ({
        arn: tuple.TargetGroupArn ?? '',
        weight: tuple.Weight ?? 1
      }))
    : [{ arn: forward.TargetGroupArn ?? '', weight: 1 }]
  const weightOf = (arn: string) => tuples.find((tuple) => tuple.arn === arn)?.weight
  return {
    index,
    tuples,
    stickiness: normalizeStickiness(forward.ForwardConfig?.TargetGroupStickinessConfig),
    blue: weightOf(pair.blue),
    green: weightOf(pair.green)
  }
}

/** The pair's weights and the others' (absent groups weigh 0). */
export function weightsOf(forward: Forward, pair: Pair): Weights {
  return {
    blue: forward.blue ?? 0,
    green: forward.green ?? 0,
    others: forward.tuples
      .filter((tuple) => tuple.arn !== pair.blue && tuple.arn !== pair.green)
      .map((tuple) => tuple.weight)
  }
}

export function normalizeStickiness(config: TargetGroupStickinessConfig | undefined): Stickiness {
  return config?.Enabled
    ? { enabled: true, seconds: config.DurationSeconds ?? 0 }
    : { enabled: false }
}

/** 0 turns stickiness off, undefined keeps it as it is. */
export function wantedStickiness(live: Stickiness, seconds: number | undefined): Stickiness {
  if (seconds === undefined) return live
  return seconds === 0 ? { enabled: false } : { enabled: true, seconds }
}

/**
 * The whole action list with the forward action's weights and stickiness replaced (and green
 * appended when `adopt`); every other action, and every other field, kept as AWS showed it.
 */
export function rewrite(
  actions: readonly Action[],
  forward: Forward,
  pair: Pair,
  weights: Weights,
  stickiness: Stickiness,
  adopt = false
): Action[] {
  const others = [...weights.others]
  const tuples: TargetGroupTuple[] = forward.tuples.map((tuple) => ({
    TargetGroupArn: tuple.arn,
    Weight:
      tuple.arn === pair.blue
        ? weights.blue
        : tuple.arn === pair.green
          ? weights.green
          : others.shift()!
  }))
  if (forward.green === undefined && adopt) {
    tuples.push({ TargetGroupArn: pair.green, Weight: weights.green })
  }
  // The single-group shortcut goes: ForwardConfig now names every group.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { TargetGroupArn, ...kept } = actions[forward.index]
  const written: Action = {
    ...kept,
    ForwardConfig: {
      TargetGroups: tuples,
      TargetGroupStickinessConfig: stickiness.enabled
        ? { Enabled: true, DurationSeconds: stickiness.seconds }
        : { Enabled: false }
    }
  }
  const result = actions.map((action, index) => (index === forward.index ? written : action))
  checkForward(tuples)
  return result
}

/** ALB's own rules, checked before a write so a bad request never reaches AWS. */
export function checkForward(tuples: readonly TargetGroupTuple[]): void {
  if (tuples.length > MAX_TARGET_GROUPS) {
    throw new UnsupportedStateError(
      `A forward action to ${tuples.length} target groups: ALB allows at most ${MAX_TARGET_GROUPS}`
    )
  }
  for (const tuple of tuples) {
    const weight = tuple.Weight ?? 1
    if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) {
      throw new UnsupportedStateError(
        `Weight ${weight} for ${tuple.TargetGroupArn} is outside 0-${MAX_WEIGHT}`
      )
    }
  }
  if (tuples.every((tuple) => (tuple.Weight ?? 1) === 0)) {
    throw new UnsupportedStateError('Refusing to write all-zero forward weights')
  }
}

/**
 * An action list as ModifyListener/ModifyRule take it back. Authenticate-OIDC actions come back
 * from Describe without their client secret; the write then needs UseExistingClientSecret.
 */
export function forWriting(actions: readonly Action[]): Action[] {
  return actions.map((action) =>
    action.AuthenticateOidcConfig && !action.AuthenticateOidcConfig.ClientSecret
      ? {
          ...action,
          AuthenticateOidcConfig: {
            ...action.AuthenticateOidcConfig,
            UseExistingClientSecret: true
          }
        }
      : action
  )
}

/**
 * The action list as a comparable string: the same for every way AWS may show one list (the
 * single-group shortcut, default weights, an absent stickiness config, group order, the
 * client-secret flag), different for any change of what takes traffic and how.
 */
export function canonicalActions(actions: readonly Action[]): string {
  const canonical = actions
    .map((action) => {
      if (action.Type !== 'forward') return withoutSecretFlags(action)
      const forward = readForward([action], { blue: '', green: '' })!
      const { stickiness } = forward
      return {
        Type: action.Type,
        Order: action.Order,
        ForwardConfig: {
          TargetGroups: [...forward.tuples].sort((a, b) => a.arn.localeCompare(b.arn)),
          Stickiness: stickiness
        }
      }
    })
    .sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0))
  return stableStringify(canonical)
}

function withoutSecretFlags(action: Action): Action {
  if (!action.AuthenticateOidcConfig) return action
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { ClientSecret, UseExistingClientSecret, ...config } = action.AuthenticateOidcConfig
  return { ...action, AuthenticateOidcConfig: config as typeof action.AuthenticateOidcConfig }
}

/** JSON with object keys sorted and undefined members left out. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, member]) => `${JSON.stringify(key)}:${stableStringify(member)}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}

/** Plain JSON (no undefined members, no class instances), as LiveState.native must be. */
export function plainActions(actions: readonly Action[]): Action[] {
  return JSON.parse(JSON.stringify(actions)) as Action[]
}
