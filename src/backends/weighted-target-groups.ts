import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type TargetGroupStickinessConfig,
  type TargetGroupTuple
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { awsCall } from '../aws/call.js'
import { classifyTarget } from '../aws/target-states.js'
import { InputError, UnsupportedStateError } from '../errors.js'
import { type InputReader, optional, parseArn, parseWholeSeconds, required } from '../inputs.js'
import { Split } from '../split.js'
import type {
  BackendDefinition,
  HealthScope,
  Observation,
  PlannedCall,
  Preparation,
  TrafficBackend
} from './backend.js'

/** ALB limits (see shared/aws-and-github-facts.md). */
export const MAX_WEIGHT = 999
export const MAX_TARGET_GROUPS = 5
const MAX_STICKINESS_SECONDS = 604_800
/** Below this pair total beside other target groups, a step's rounding error exceeds 1 %. */
export const MIN_SHARED_PAIR_TOTAL = 100

export interface WeightedSettings {
  /** Exactly one of listenerArn / ruleArn. */
  listenerArn?: string
  ruleArn?: string
  blueTargetGroup: string
  greenTargetGroup: string
  /** undefined: keep the live setting; 0: turn off; otherwise seconds. */
  stickinessSeconds?: number
}

export function readWeightedSettings(read: InputReader): WeightedSettings {
  const listenerRaw = optional(read, 'listener-arn')
  const ruleRaw = optional(read, 'rule-arn')
  if (listenerRaw && ruleRaw) {
    throw new InputError('rule-arn', ruleRaw, 'either listener-arn or rule-arn, not both')
  }
  if (!listenerRaw && !ruleRaw) {
    throw new InputError('listener-arn', '', 'an ALB listener ARN (or give rule-arn instead)')
  }
  const targetGroup = (name: string): string =>
    parseArn(
      name,
      required(read, name, 'a target group ARN'),
      'elasticloadbalancing',
      'targetgroup/'
    )
  const blueTargetGroup = targetGroup('blue-target-group')
  const greenTargetGroup = targetGroup('green-target-group')
  if (blueTargetGroup === greenTargetGroup) {
    throw new InputError(
      'green-target-group',
      greenTargetGroup,
      'a target group other than blue-target-group'
    )
  }
  return {
    listenerArn: listenerRaw
      ? parseArn('listener-arn', listenerRaw, 'elasticloadbalancing', 'listener/app/')
      : undefined,
    ruleArn: ruleRaw
      ? parseArn('rule-arn', ruleRaw, 'elasticloadbalancing', 'listener-rule/app/')
      : undefined,
    blueTargetGroup,
    greenTargetGroup,
    stickinessSeconds: parseStickiness(optional(read, 'stickiness-duration'))
  }
}

function parseStickiness(raw: string): number | undefined {
  if (raw === '') return undefined
  if (raw === 'off' || raw === '0') return 0
  return parseWholeSeconds(
    'stickiness-duration',
    raw,
    1,
    MAX_STICKINESS_SECONDS,
    'a whole number of seconds from 1s to 168h (604800s) such as 300s or 1h, or off'
  )
}

/** The forward action's parts this backend reads and rewrites. */
interface LiveForward {
  actions: Action[]
  forwardIndex: number
  tuples: TargetGroupTuple[]
  stickiness?: TargetGroupStickinessConfig
  blue: number
  green: number
  /** How many target groups besides blue and green share the forward action. */
  others: number
}

/**
 * Mode `weighted-target-groups`: an ALB listener (or rule) forwards to blue and green target
 * groups by weight; every change is a read-modify-write of the whole action list that keeps
 * everything this run does not own.
 */
export class WeightedTargetGroupsBackend implements TrafficBackend {
  readonly mode = 'weighted-target-groups'
  readonly target: string

  constructor(
    private readonly settings: WeightedSettings,
    private readonly elbv2: ElasticLoadBalancingV2Client
  ) {
    this.target = settings.listenerArn ?? settings.ruleArn!
  }

  async prepare(dryRun: boolean): Promise<Preparation> {
    const { blueTargetGroup, greenTargetGroup } = this.settings
    await awsCall('DescribeTargetGroups', `${blueTargetGroup}, ${greenTargetGroup}`, () =>
      this.elbv2.send(
        new DescribeTargetGroupsCommand({ TargetGroupArns: [blueTargetGroup, greenTargetGroup] })
      )
    )
    const live = await this.readForward()
    if (live.others > 0 && live.blue + live.green < MIN_SHARED_PAIR_TOTAL) {
      // Beside other groups the pair keeps its total; a small total cannot express the steps.
      throw new UnsupportedStateError(
        `${this.target} gives blue and green a total weight of ${live.blue + live.green} beside ` +
          `${live.others} other target groups: too coarse to shift in steps. Raise blue's weight ` +
          `(and the others' in proportion) to at least ${MIN_SHARED_PAIR_TOTAL} first`
      )
    }
    const hasGreen = live.tuples.some((tuple) => tuple.TargetGroupArn === greenTargetGroup)
    if (hasGreen) return { changes: [], calls: [] }
    // Adoption: a listener that forwards to blue alone becomes a weighted pair with green at 0.
    const adopted = this.rewrite(live, live.blue, 0)
    const call = this.modifyCall(adopted)
    const change = `Adopted ${this.target}: forward to blue (weight ${live.blue}) and green (weight 0)`
    if (dryRun) return { changes: [`Would adopt: ${change}`], calls: [call] }
    await this.send(adopted)
    return { changes: [change], calls: [call] }
  }

  async read(): Promise<Observation> {
    return observe(await this.readForward())
  }

  /**
   * Each write is the whole action list with only the pair's weights changed, and a step changes
   * nothing a later step reads but those weights, so planning every step from the live listener
   * already gives the calls a chain of steps would make.
   */
  async plan(split: Split): Promise<PlannedCall[]> {
    const actions = await this.actionsFor(split)
    return actions ? [this.modifyCall(actions)] : []
  }

  async apply(split: Split): Promise<PlannedCall[]> {
    const actions = await this.actionsFor(split)
    if (!actions) return []
    await this.send(actions)
    return [this.modifyCall(actions)]
  }

  async converged(split: Split): Promise<boolean> {
    const live = await this.readForward()
    const [blue, green] = this.weightsFor(split, live)
    return live.blue === blue && live.green === green
  }

  describe(split: Split): string {
    const [blue, green] = pairWeights(split, undefined)
    return `blue ${blue} / green ${green} (ALB weights)`
  }

  healthScope(): HealthScope[] {
    return [{ targetGroupArn: this.settings.greenTargetGroup }]
  }

  /** Blue can take traffic moved toward it when at least one of its targets is healthy. */
  async blueCanCarry(): Promise<{ ok: boolean; detail: string }> {
    const arn = this.settings.blueTargetGroup
    const out = await awsCall('DescribeTargetHealth', arn, () =>
      this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))
    )
    const targets = out.TargetHealthDescriptions ?? []
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

  private async readForward(): Promise<LiveForward> {
    const actions = await this.readActions()
    const forwardIndex = actions.findIndex((action) => action.Type === 'forward')
    if (forwardIndex < 0) {
      const types = actions.map((action) => action.Type).join(', ')
      throw new UnsupportedStateError(
        `${this.target} has no forward action (its actions: ${types || 'none'}); ` +
          'point it at the blue target group first'
      )
    }
    const forward = actions[forwardIndex]
    const tuples: TargetGroupTuple[] = forward.ForwardConfig?.TargetGroups?.length
      ? forward.ForwardConfig.TargetGroups.map((tuple) => ({ ...tuple, Weight: tuple.Weight ?? 1 }))
      : [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }]
    const weightOf = (arn: string): number | undefined =>
      tuples.find((tuple) => tuple.TargetGroupArn === arn)?.Weight
    const blue = weightOf(this.settings.blueTargetGroup)
    const green = weightOf(this.settings.greenTargetGroup)
    if (blue === undefined && green === undefined) {
      const groups = tuples.map((tuple) => tuple.TargetGroupArn).join(', ')
      throw new UnsupportedStateError(
        `${this.target} forwards to ${groups}, which includes neither blue-target-group ` +
          `${this.settings.blueTargetGroup} nor green-target-group ${this.settings.greenTargetGroup}`
      )
    }
    if (!blue && !green) {
      throw new UnsupportedStateError(
        `${this.target} gives weight 0 to both blue and green: neither takes traffic, so there is nothing to shift`
      )
    }
    return {
      actions,
      forwardIndex,
      tuples,
      stickiness: forward.ForwardConfig?.TargetGroupStickinessConfig,
      blue: blue ?? 0,
      green: green ?? 0,
      others: tuples.filter(
        (tuple) =>
          tuple.TargetGroupArn !== this.settings.blueTargetGroup &&
          tuple.TargetGroupArn !== this.settings.greenTargetGroup
      ).length
    }
  }

  /** The action list a step to the split writes, read from the live one; undefined if no change. */
  private async actionsFor(split: Split): Promise<Action[] | undefined> {
    const live = await this.readForward()
    const [blue, green] = this.weightsFor(split, live)
    if (live.blue === blue && live.green === green && !this.changesStickiness(live))
      return undefined
    return this.rewrite(live, blue, green)
  }

  private weightsFor(split: Split, live: LiveForward): [number, number] {
    return pairWeights(split, live.others > 0 ? live.blue + live.green : undefined)
  }

  private async readActions(): Promise<Action[]> {
    if (this.settings.listenerArn) {
      const arn = this.settings.listenerArn
      const out = await awsCall('DescribeListeners', arn, () =>
        this.elbv2.send(new DescribeListenersCommand({ ListenerArns: [arn] }))
      )
      return out.Listeners?.[0]?.DefaultActions ?? []
    }
    const arn = this.settings.ruleArn!
    const out = await awsCall('DescribeRules', arn, () =>
      this.elbv2.send(new DescribeRulesCommand({ RuleArns: [arn] }))
    )
    return out.Rules?.[0]?.Actions ?? []
  }

  /** The whole action list with only our pair's weights (and stickiness, if asked) changed. */
  private rewrite(live: LiveForward, blue: number, green: number): Action[] {
    const { blueTargetGroup, greenTargetGroup } = this.settings
    const tuples = live.tuples.map((tuple) => ({ ...tuple }))
    const setWeight = (arn: string, weight: number): void => {
      const tuple = tuples.find((candidate) => candidate.TargetGroupArn === arn)
      if (tuple) tuple.Weight = weight
      else tuples.push({ TargetGroupArn: arn, Weight: weight })
    }
    setWeight(blueTargetGroup, blue)
    setWeight(greenTargetGroup, green)
    checkForward(this.target, tuples)
    const forward: Action = {
      ...live.actions[live.forwardIndex],
      TargetGroupArn: undefined,
      ForwardConfig: {
        TargetGroups: tuples,
        TargetGroupStickinessConfig: this.stickiness(live.stickiness)
      }
    }
    return live.actions.map((action, index) =>
      index === live.forwardIndex ? forward : keepAsIs(action)
    )
  }

  private stickiness(
    live: TargetGroupStickinessConfig | undefined
  ): TargetGroupStickinessConfig | undefined {
    const seconds = this.settings.stickinessSeconds
    if (seconds === undefined) return live
    return seconds === 0 ? { Enabled: false } : { Enabled: true, DurationSeconds: seconds }
  }

  private changesStickiness(live: LiveForward): boolean {
    const wanted = this.stickiness(live.stickiness)
    return (
      Boolean(wanted?.Enabled) !== Boolean(live.stickiness?.Enabled) ||
      (wanted?.Enabled === true && wanted.DurationSeconds !== live.stickiness?.DurationSeconds)
    )
  }

  private modifyCall(actions: Action[]): PlannedCall {
    return this.settings.listenerArn
      ? {
          service: 'elasticloadbalancingv2',
          operation: 'ModifyListener',
          parameters: { ListenerArn: this.settings.listenerArn, DefaultActions: actions }
        }
      : {
          service: 'elasticloadbalancingv2',
          operation: 'ModifyRule',
          parameters: { RuleArn: this.settings.ruleArn, Actions: actions }
        }
  }

  private async send(actions: Action[]): Promise<void> {
    if (this.settings.listenerArn) {
      const arn = this.settings.listenerArn
      await awsCall('ModifyListener', arn, () =>
        this.elbv2.send(new ModifyListenerCommand({ ListenerArn: arn, DefaultActions: actions }))
      )
    } else {
      const arn = this.settings.ruleArn!
      await awsCall('ModifyRule', arn, () =>
        this.elbv2.send(new ModifyRuleCommand({ RuleArn: arn, Actions: actions }))
      )
    }
  }
}

/**
 * Blue and green weights for a split. On its own the pair uses the 0-999 scale (0.1 % steps);
 * beside other target groups it keeps the pair's live total so their share is unchanged.
 */
export function pairWeights(split: Split, pairTotal: number | undefined): [number, number] {
  if (pairTotal === undefined) {
    return [Math.min(MAX_WEIGHT, 1000 - split.permille), Math.min(MAX_WEIGHT, split.permille)]
  }
  // Between the ends both sides keep at least weight 1, so no step silently empties one of them.
  const exact = Math.round((pairTotal * split.permille) / 1000)
  const green =
    split.permille === 0 ? 0 : split.permille === 1000 ? pairTotal : clamp(exact, 1, pairTotal - 1)
  return [pairTotal - green, green]
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value))
}

function observe(live: LiveForward): Observation {
  const others = live.others > 0 ? ` (+${live.others} other target groups)` : ''
  // Sticky clients stay on their group until the cookie expires, whatever the weights: say so
  // wherever the split is reported, a rollback's final state included.
  const sticky = live.stickiness?.Enabled
    ? `; group stickiness ${live.stickiness.DurationSeconds ?? '?'} s: sticky clients keep their group until it expires`
    : ''
  return {
    split: Split.ofWeights(live.blue, live.green),
    detail: `blue ${live.blue} / green ${live.green} (ALB weights)${others}${sticky}`,
    fingerprint: `blue=${live.blue};green=${live.green}`
  }
}

/** ALB's own rules, checked before a write so a bad request never reaches AWS. */
export function checkForward(target: string, tuples: TargetGroupTuple[]): void {
  if (tuples.length > MAX_TARGET_GROUPS) {
    throw new UnsupportedStateError(
      `${target} would forward to ${tuples.length} target groups; ALB allows at most ${MAX_TARGET_GROUPS}`
    )
  }
  for (const tuple of tuples) {
    const weight = tuple.Weight ?? 1
    if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) {
      throw new UnsupportedStateError(
        `Weight ${weight} for ${tuple.TargetGroupArn} is outside 0-999`
      )
    }
  }
  if (tuples.every((tuple) => (tuple.Weight ?? 1) === 0)) {
    throw new UnsupportedStateError(`Refusing to write all-zero weights to ${target}`)
  }
}

/**
 * An action sent back as read. Authenticate-OIDC actions come back without their client secret;
 * ModifyListener then needs UseExistingClientSecret to keep it.
 */
function keepAsIs(action: Action): Action {
  if (action.AuthenticateOidcConfig && !action.AuthenticateOidcConfig.ClientSecret) {
    return {
      ...action,
      AuthenticateOidcConfig: { ...action.AuthenticateOidcConfig, UseExistingClientSecret: true }
    }
  }
  return action
}

export const weightedTargetGroups: BackendDefinition<WeightedSettings> = {
  mode: 'weighted-target-groups',
  readInputs: readWeightedSettings,
  create: (settings, deps) => new WeightedTargetGroupsBackend(settings, deps.clients.elbv2)
}
