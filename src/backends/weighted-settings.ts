import { requireSameRegionAndAccount } from '../aws/arn.js'
import { InputError } from '../errors.js'
import { type InputReader, optional, parseArn, parseWholeSeconds, required } from '../inputs.js'
import type { CommonSettings } from '../settings.js'

/** ALB's bound on group stickiness (TargetGroupStickinessConfig.DurationSeconds). */
export const MAX_STICKINESS_SECONDS = 604_800

/** Every input mode `weighted-target-groups` reads. */
export const WEIGHTED_INPUTS = [
  'listener-arn',
  'rule-arn',
  'blue-target-group',
  'green-target-group',
  'stickiness-duration'
] as const

export interface WeightedSettings {
  /** Exactly one of listenerArn / ruleArn. */
  listenerArn?: string
  ruleArn?: string
  blueTargetGroup: string
  greenTargetGroup: string
  /** undefined: keep the live setting; 0: turn off; otherwise seconds. */
  stickinessSeconds?: number
}

/** The input that names what this run moves traffic on, and its value. */
export function targetInput(settings: WeightedSettings): { input: string; arn: string } {
  return settings.listenerArn
    ? { input: 'listener-arn', arn: settings.listenerArn }
    : { input: 'rule-arn', arn: settings.ruleArn! }
}

/** Every ARN the inputs name, for the one-region-one-account check. */
export function namedArns(settings: WeightedSettings): { input: string; arn: string }[] {
  return [
    targetInput(settings),
    { input: 'blue-target-group', arn: settings.blueTargetGroup },
    { input: 'green-target-group', arn: settings.greenTargetGroup }
  ]
}

export function readWeightedSettings(
  read: InputReader,
  common: Pick<CommonSettings, 'region'>
): WeightedSettings {
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
  const settings: WeightedSettings = {
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
  // The client's own region (AWS_REGION) is checked again by inspect(); aws-region is known here.
  requireSameRegionAndAccount(namedArns(settings), common.region)
  return settings
}

const STICKINESS_ACCEPTED =
  'a whole number of seconds from 1 to 604800 such as 300, 300s or 1h (at most 168h), or off'

/** "off" / "0", a plain number of seconds ("300"), or a duration ("300s", "5m", "1h"). */
export function parseStickiness(raw: string): number | undefined {
  if (raw === '') return undefined
  if (raw === 'off' || raw === '0') return 0
  if (/^\d+$/.test(raw)) {
    const seconds = Number(raw)
    if (seconds > MAX_STICKINESS_SECONDS) {
      throw new InputError('stickiness-duration', raw, STICKINESS_ACCEPTED)
    }
    return seconds
  }
  return parseWholeSeconds(
    'stickiness-duration',
    raw,
    1,
    MAX_STICKINESS_SECONDS,
    STICKINESS_ACCEPTED
  )
}
