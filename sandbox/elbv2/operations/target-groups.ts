/**
 * CreateTargetGroup / DescribeTargetGroups / ModifyTargetGroup / DeleteTargetGroup and the
 * attribute operations, with AWS's defaults and ranges for ALB target groups.
 */
import { applyAttributes, defaultAttributes } from '../attributes.js'
import type { Operation } from '../context.js'
import { ElbError, notFound, validationError } from '../errors.js'
import type { HealthCheckSettings, TargetGroup } from '../model.js'
import { page } from '../paging.js'
import type { Input } from '../query.js'
import { renderTargetGroup } from '../render.js'
import { applyTags, parseTags } from './tags.js'

const NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/
const MATCHER = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/

function checkMatcher(code: string): string {
  const codes = code.split(/[,-]/).map(Number)
  if (!MATCHER.test(code) || codes.some((c) => c < 200 || c > 499)) {
    throw validationError(
      `Health check matcher HTTP code '${code}' must be codes or ranges between 200 and 499, e.g. 200,202 or 200-299`
    )
  }
  return code
}

function checkPort(port: string): string {
  if (
    port !== 'traffic-port' &&
    !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)
  ) {
    throw validationError(`Health check port '${port}' must be 'traffic-port' or 1-65535`)
  }
  return port
}

/** Reads health-check members over `base` (the defaults, or the group's current settings). */
function healthCheck(input: Input, base: HealthCheckSettings): HealthCheckSettings {
  const path = input.string('HealthCheckPath') ?? base.path
  if (!path.startsWith('/') || path.length > 1024) {
    throw validationError(
      `Health check path '${path}' must begin with '/' and be at most 1024 characters`
    )
  }
  const settings: HealthCheckSettings = {
    enabled: input.bool('HealthCheckEnabled') ?? base.enabled,
    protocol: input.oneOf('HealthCheckProtocol', ['HTTP', 'HTTPS'] as const) ?? base.protocol,
    port: checkPort(input.string('HealthCheckPort') ?? base.port),
    path,
    intervalSeconds:
      input.int('HealthCheckIntervalSeconds', { min: 5, max: 300 }) ?? base.intervalSeconds,
    timeoutSeconds:
      input.int('HealthCheckTimeoutSeconds', { min: 2, max: 120 }) ?? base.timeoutSeconds,
    healthyThreshold:
      input.int('HealthyThresholdCount', { min: 2, max: 10 }) ?? base.healthyThreshold,
    unhealthyThreshold:
      input.int('UnhealthyThresholdCount', { min: 2, max: 10 }) ?? base.unhealthyThreshold,
    matcher: checkMatcher(input.struct('Matcher')?.string('HttpCode') ?? base.matcher)
  }
  if (settings.timeoutSeconds >= settings.intervalSeconds) {
    throw validationError('Health check timeout must be smaller than the interval')
  }
  return settings
}

export const CreateTargetGroup: Operation = (input, { model }) => {
  const name = input.requiredString('Name')
  if (!NAME.test(name)) {
    throw validationError(
      `Target group name '${name}' must be 1-32 alphanumeric characters or hyphens, not beginning or ending with a hyphen`
    )
  }
  const targetType =
    input.oneOf('TargetType', ['instance', 'ip', 'lambda', 'alb'] as const) ?? 'instance'
  if (targetType !== 'instance' && targetType !== 'ip') {
    throw validationError(
      `The sandbox supports target types 'instance' and 'ip', not '${targetType}'`
    )
  }
  const protocol = input.oneOf('Protocol', [
    'HTTP',
    'HTTPS',
    'TCP',
    'TLS',
    'UDP',
    'TCP_UDP',
    'GENEVE'
  ] as const)
  if (protocol === undefined)
    throw validationError('A protocol must be specified for target type ' + targetType)
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') {
    throw validationError(
      `The sandbox simulates application load balancer target groups (HTTP, HTTPS), not '${protocol}'`
    )
  }
  const port = input.requiredInt('Port', { min: 1, max: 65535 })
  const vpcId = input.requiredString('VpcId')
  const settings = healthCheck(input, {
    enabled: true,
    protocol,
    port: 'traffic-port',
    path: '/',
    intervalSeconds: 30,
    timeoutSeconds: 5,
    healthyThreshold: 5,
    unhealthyThreshold: 2,
    matcher: '200'
  })
  const protocolVersion =
    input.oneOf('ProtocolVersion', ['HTTP1', 'HTTP2', 'GRPC'] as const) ?? 'HTTP1'
  const tags = parseTags(input)
  const existing = [...model.targetGroups.values()].find((group) => group.name === name)
  if (existing) {
    const same =
      existing.protocol === protocol &&
      existing.port === port &&
      existing.vpcId === vpcId &&
      existing.targetType === targetType
    if (!same)
      throw new ElbError(
        'DuplicateTargetGroupName',
        'A target group with the same name exists, but with different settings'
      )
    return { TargetGroups: [renderTargetGroup(existing, model)] }
  }
  const group: TargetGroup = {
    arn: model.newTargetGroupArn(name),
    name,
    protocol,
    protocolVersion,
    port,
    vpcId,
    targetType,
    ipAddressType: input.oneOf('IpAddressType', ['ipv4', 'ipv6'] as const) ?? 'ipv4',
    healthCheck: settings,
    attributes: defaultAttributes(),
    targets: new Map()
  }
  model.targetGroups.set(group.arn, group)
  applyTags(model, group.arn, tags)
  return { TargetGroups: [renderTargetGroup(group, model)] }
}

export const DescribeTargetGroups: Operation = (input, { model }) => {
  const lbArn = input.string('LoadBalancerArn')
  const arns = input.strings('TargetGroupArns')
  const names = input.strings('Names')
  if ([lbArn !== undefined, arns.length > 0, names.length > 0].filter(Boolean).length > 1) {
    throw validationError('Specify only one of LoadBalancerArn, TargetGroupArns and Names')
  }
  let found = [...model.targetGroups.values()]
  if (lbArn !== undefined) {
    model.loadBalancer(lbArn)
    found = found.filter((group) => model.loadBalancersOf(group.arn).includes(lbArn))
  }
  if (arns.length > 0) found = arns.map((arn) => model.targetGroup(arn))
  if (names.length > 0) {
    found = names.map((name) => {
      const group = found.find((candidate) => candidate.name === name)
      if (!group) throw notFound.targetGroup()
      return group
    })
  }
  const { items, nextMarker } = page(found, input)
  return {
    TargetGroups: items.map((group) => renderTargetGroup(group, model)),
    NextMarker: nextMarker
  }
}

export const ModifyTargetGroup: Operation = (input, { model, health }) => {
  const group = model.targetGroup(input.requiredString('TargetGroupArn'))
  group.healthCheck = healthCheck(input, group.healthCheck)
  health.refresh()
  return { TargetGroups: [renderTargetGroup(group, model)] }
}

export const DeleteTargetGroup: Operation = (input, { model, health }) => {
  const arn = input.requiredString('TargetGroupArn')
  const group = model.targetGroups.get(arn)
  if (!group) return {}
  if (model.isInUse(arn)) {
    throw new ElbError(
      'ResourceInUse',
      `Target group '${arn}' is currently in use by a listener or a rule`
    )
  }
  health.forget(group)
  model.targetGroups.delete(arn)
  model.tags.delete(arn)
  return {}
}

function renderAttributes(group: TargetGroup): { Attributes: { Key: string; Value: string }[] } {
  return { Attributes: [...group.attributes].map(([Key, Value]) => ({ Key, Value })) }
}

export const DescribeTargetGroupAttributes: Operation = (input, { model }) =>
  renderAttributes(model.targetGroup(input.requiredString('TargetGroupArn')))

export const ModifyTargetGroupAttributes: Operation = (input, { model }) => {
  const group = model.targetGroup(input.requiredString('TargetGroupArn'))
  const pairs = input
    .list('Attributes')
    .map((a): [string, string] => [a.requiredString('Key'), a.string('Value') ?? ''])
  if (pairs.length === 0) throw validationError('Attributes must contain at least one attribute')
  applyAttributes(group.attributes, pairs)
  return renderAttributes(group)
}
