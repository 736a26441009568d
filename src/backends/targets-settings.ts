import { isIPv4, isIPv6 } from 'node:net'
import { InputError } from '../errors.js'
import { booleanInput, type InputReader, optional, parseArn, parseList } from '../inputs.js'
import type { CommonSettings } from '../settings.js'

export const TARGETS_MODE = 'targets'

/** The inputs this mode reads. */
export const TARGETS_INPUTS = [
  'target-group-arn',
  'blue-targets',
  'green-targets',
  'blue-auto-scaling-group',
  'green-auto-scaling-group',
  'wait-for-draining'
] as const

/** EC2 instance ids: the old 8-digit and the current 17-digit form. */
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/
const PORT = /^[1-9]\d{0,4}$/
/** Auto Scaling's own limit on a group name (and no ':' so an ARN is not mistaken for one). */
const GROUP_NAME = /^[^:\s,][^:\n,]{0,254}$/

export type TargetKind = 'instance' | 'ip'

/** One target as the user wrote it; without a port it uses the target group's port. */
export interface TargetRef {
  id: string
  port?: number
  kind: TargetKind
}

/** Where one side's targets come from: a list, or an Auto Scaling group's InService instances. */
export type Fleet = { targets: TargetRef[] } | { autoScalingGroup: string }

export interface TargetsSettings {
  targetGroupArn: string
  blue: Fleet
  green: Fleet
  /** Success waits (after the last bake) until the targets this run removed have drained. */
  waitForDraining: boolean
  /** The bake, to warn when removed targets drain longer than it. */
  bakeMs: number
}

export function readTargetsSettings(read: InputReader, common: CommonSettings): TargetsSettings {
  const targetGroupArn = parseArn(
    'target-group-arn',
    optional(read, 'target-group-arn'),
    'elasticloadbalancing',
    'targetgroup/'
  )
  const blue = readFleet(read, 'blue')
  const green = readFleet(read, 'green')
  checkSides(blue, green)
  return {
    targetGroupArn,
    blue,
    green,
    waitForDraining: booleanInput(read, 'wait-for-draining', true),
    bakeMs: common.bakeMs
  }
}

function readFleet(read: InputReader, side: 'blue' | 'green'): Fleet {
  const listInput = `${side}-targets`
  const groupInput = `${side}-auto-scaling-group`
  const listRaw = optional(read, listInput)
  const groupRaw = optional(read, groupInput)
  if (listRaw && groupRaw) {
    throw new InputError(groupInput, groupRaw, `either ${listInput} or ${groupInput}, not both`)
  }
  if (groupRaw) {
    if (!GROUP_NAME.test(groupRaw)) {
      throw new InputError(
        groupInput,
        groupRaw,
        'an Auto Scaling group name (1-255 characters, no colon or comma)'
      )
    }
    return { autoScalingGroup: groupRaw }
  }
  if (!listRaw) {
    throw new InputError(
      listInput,
      '',
      `a list of ${side} targets, or give ${groupInput} instead (one of them is required)`
    )
  }
  return { targets: parseTargetList(listInput, listRaw) }
}

/** Comma- or newline-separated targets; at least one, none twice. */
export function parseTargetList(input: string, raw: string): TargetRef[] {
  const items = parseList(raw)
  if (items.length === 0) throw new InputError(input, raw, `${TARGET_FORMS}, at least one`)
  const targets = items.map((item) => parseTarget(input, item))
  const seen = new Set<string>()
  for (const target of targets) {
    const key = refKey(target)
    if (seen.has(key)) throw new InputError(input, raw, `${TARGET_FORMS}, each listed once`)
    seen.add(key)
  }
  const kinds = new Set(targets.map((target) => target.kind))
  if (kinds.size > 1) {
    throw new InputError(input, raw, 'targets of one kind: all instance ids, or all IP addresses')
  }
  return targets
}

const TARGET_FORMS =
  'instance ids (i-0abc12345def67890, optionally :port) or IP addresses with an optional port ' +
  '(10.0.1.7:8080, [2001:db8::7]:8080)'

export function parseTarget(input: string, raw: string): TargetRef {
  const text = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text)
  let host: string
  let portText: string | undefined
  if (bracketed) {
    host = bracketed[1]
    portText = bracketed[2]
    if (!isIPv6(host)) throw new InputError(input, raw, TARGET_FORMS)
  } else {
    const colon = text.lastIndexOf(':')
    host = colon < 0 ? text : text.slice(0, colon)
    portText = colon < 0 ? undefined : text.slice(colon + 1)
  }
  const kind: TargetKind | undefined = INSTANCE_ID.test(host)
    ? 'instance'
    : bracketed || isIPv4(host)
      ? 'ip'
      : undefined
  if (!kind) throw new InputError(input, raw, TARGET_FORMS)
  if (portText === undefined) return { id: host, kind }
  if (!PORT.test(portText) || Number(portText) > 65_535) {
    throw new InputError(input, raw, `${TARGET_FORMS}; a port is 1-65535`)
  }
  return { id: host, port: Number(portText), kind }
}

/** Both sides must be one kind of target; a target cannot serve blue and green at once. */
function checkSides(blue: Fleet, green: Fleet): void {
  if ('autoScalingGroup' in blue && 'autoScalingGroup' in green) {
    if (blue.autoScalingGroup === green.autoScalingGroup) {
      throw new InputError(
        'green-auto-scaling-group',
        green.autoScalingGroup,
        'an Auto Scaling group other than blue-auto-scaling-group'
      )
    }
    return
  }
  const kindOf = (fleet: Fleet): TargetKind =>
    'autoScalingGroup' in fleet ? 'instance' : fleet.targets[0].kind
  if (kindOf(blue) !== kindOf(green)) {
    const [input, fleet] = 'targets' in green ? ['green-targets', green] : ['blue-targets', blue]
    const raw = 'targets' in fleet ? fleet.targets.map(label).join(',') : ''
    throw new InputError(
      input,
      raw,
      'targets of the same kind as the other side: instance ids on both sides (an Auto Scaling ' +
        'group registers instances), or IP addresses on both'
    )
  }
  if ('targets' in blue && 'targets' in green) {
    const blueKeys = new Set(blue.targets.map(refKey))
    const shared = green.targets.find((target) => blueKeys.has(refKey(target)))
    if (shared) {
      throw new InputError(
        'green-targets',
        label(shared),
        'targets that are not also in blue-targets'
      )
    }
  }
}

/** Identity before the group's port is known: an omitted port stays omitted. */
function refKey(target: TargetRef): string {
  return `${target.id}|${target.port ?? ''}`
}

/** The target as people write it: i-0abc, i-0abc:8080, 10.0.1.7:8080, [2001:db8::7]:8080. */
export function label(target: { id: string; port?: number }): string {
  const host = isIPv6(target.id) ? `[${target.id}]` : target.id
  return target.port === undefined ? host : `${host}:${target.port}`
}
