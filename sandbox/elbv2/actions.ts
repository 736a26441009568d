/**
 * Listener and rule actions: AWS's validation of an action list (on Create/Modify of listeners and
 * rules) and the shape AWS returns on Describe. Forward actions always come back with a
 * ForwardConfig, plus the TargetGroupArn shortcut when they name a single group.
 */
import { ElbError, constraintError, validationError } from './errors.js'
import { type Action, type ElbModel, type ForwardConfig, ordered } from './model.js'
import type { Input, QueryNode } from './query.js'
import type { XmlValue } from './xml.js'

const ACTION_TYPES = [
  'forward',
  'authenticate-oidc',
  'authenticate-cognito',
  'redirect',
  'fixed-response',
  'jwt-validation'
] as const
const TERMINAL = new Set(['forward', 'redirect', 'fixed-response'])
const CONTENT_TYPES = [
  'text/plain',
  'text/css',
  'text/html',
  'application/javascript',
  'application/json'
] as const

export const MAX_TARGET_GROUPS_PER_FORWARD = 5
export const MAX_WEIGHT = 999
export const MAX_STICKINESS_SECONDS = 604800

interface ActionContext {
  model: ElbModel
  /** The load balancer the listener or rule belongs to. */
  loadBalancerArn: string
}

/** Parses and validates a whole action list, as ModifyListener / ModifyRule replace it. */
export function parseActions(input: Input, key: string, context: ActionContext): Action[] {
  const items = input.list(key)
  if (items.length === 0)
    throw constraintError(undefined, input.pathOf(key), 'Member must not be null')
  const actions = items.map((item) => parseAction(item, context))
  if (actions.length > 1) {
    if (actions.some((action) => action.order === undefined)) {
      throw validationError('An order must be specified for every action when there are several')
    }
    const orders = new Set(actions.map((action) => action.order))
    if (orders.size !== actions.length) throw validationError('Action orders must be unique')
  }
  const sequence = ordered(actions)
  const terminal = sequence.filter((action) => TERMINAL.has(action.type))
  if (terminal.length !== 1 || !TERMINAL.has(sequence[sequence.length - 1].type)) {
    throw new ElbError(
      'InvalidLoadBalancerAction',
      'An action list must end with exactly one forward, redirect or fixed-response action'
    )
  }
  return actions
}

function parseAction(item: Input, context: ActionContext): Action {
  const type = item.oneOf('Type', ACTION_TYPES)
  if (type === undefined)
    throw constraintError(undefined, item.pathOf('Type'), 'Member must not be null')
  const order = item.int('Order', { min: 1, max: 50000 })
  switch (type) {
    case 'forward':
      return { type, order, forward: parseForward(item, context) }
    case 'fixed-response': {
      const config = item.struct('FixedResponseConfig')
      if (!config) throw validationError('A fixed-response action requires FixedResponseConfig')
      const statusCode = config.requiredString('StatusCode')
      if (!/^[245]\d\d$/.test(statusCode)) {
        throw constraintError(
          statusCode,
          config.pathOf('StatusCode'),
          'Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$'
        )
      }
      const messageBody = config.string('MessageBody')
      if (messageBody !== undefined && messageBody.length > 1024) {
        throw constraintError(
          '…',
          config.pathOf('MessageBody'),
          'Member must have length less than or equal to 1024'
        )
      }
      return {
        type,
        order,
        fixedResponse: {
          statusCode,
          contentType: config.oneOf('ContentType', CONTENT_TYPES),
          messageBody
        }
      }
    }
    case 'redirect': {
      const config = item.struct('RedirectConfig')
      if (!config) throw validationError('A redirect action requires RedirectConfig')
      const statusCode = config.oneOf('StatusCode', ['HTTP_301', 'HTTP_302'] as const)
      if (!statusCode)
        throw constraintError(undefined, config.pathOf('StatusCode'), 'Member must not be null')
      return {
        type,
        order,
        redirect: {
          statusCode,
          protocol: config.string('Protocol'),
          port: config.string('Port'),
          host: config.string('Host'),
          path: config.string('Path'),
          query: config.string('Query')
        }
      }
    }
    default: {
      // Authentication and JWT actions are kept as sent: the sandbox lets requests through them.
      const raw: Record<string, QueryNode> = { ...item.node }
      delete raw.Type
      delete raw.Order
      return { type, order, raw }
    }
  }
}

function parseForward(item: Input, { model, loadBalancerArn }: ActionContext): ForwardConfig {
  const shortcut = item.string('TargetGroupArn')
  const config = item.struct('ForwardConfig')
  const tuples = config?.list('TargetGroups') ?? []
  if (tuples.length > MAX_TARGET_GROUPS_PER_FORWARD) {
    throw new ElbError(
      'TooManyTargetGroups',
      `A forward action can have at most ${MAX_TARGET_GROUPS_PER_FORWARD} target groups; got ${tuples.length}`
    )
  }
  let targetGroups = tuples.map((tuple) => ({
    targetGroupArn: tuple.requiredString('TargetGroupArn'),
    weight: tuple.int('Weight', { min: 0, max: MAX_WEIGHT }) ?? 1
  }))
  if (shortcut !== undefined && shortcut !== '') {
    if (
      targetGroups.length > 1 ||
      (targetGroups.length === 1 && targetGroups[0].targetGroupArn !== shortcut)
    ) {
      throw validationError(
        'You cannot specify both TargetGroupArn and a ForwardConfig naming other target groups'
      )
    }
    if (targetGroups.length === 0) targetGroups = [{ targetGroupArn: shortcut, weight: 1 }]
  }
  if (targetGroups.length === 0) {
    throw validationError('A forward action must specify a target group ARN or a ForwardConfig')
  }
  const arns = targetGroups.map((group) => group.targetGroupArn)
  if (new Set(arns).size !== arns.length) {
    throw validationError('A target group can appear only once in a forward action')
  }
  if (targetGroups.every((group) => group.weight === 0)) {
    throw validationError(
      'At least one target group in a forward action must have a weight greater than 0'
    )
  }
  for (const arn of arns) model.targetGroup(arn)
  const elsewhere = arns.filter((arn) =>
    model.loadBalancersOf(arn).some((other) => other !== loadBalancerArn)
  )
  if (elsewhere.length > 0) {
    throw new ElbError(
      'TargetGroupAssociationLimit',
      `The following target groups cannot be associated with more than one load balancer: ${elsewhere.join(', ')}`
    )
  }
  const sticky = config?.struct('TargetGroupStickinessConfig')
  const enabled = sticky?.bool('Enabled') ?? false
  const durationSeconds = sticky?.int('DurationSeconds', { min: 1, max: MAX_STICKINESS_SECONDS })
  if (enabled && durationSeconds === undefined) {
    throw validationError(
      'DurationSeconds must be specified when target group stickiness is enabled'
    )
  }
  return {
    targetGroups,
    stickiness: { enabled, durationSeconds: enabled ? durationSeconds : undefined }
  }
}

/** An action as DescribeListeners / DescribeRules return it. */
export function renderAction(action: Action): XmlValue {
  const head = { Type: action.type, Order: action.order }
  if ('forward' in action) {
    const { targetGroups, stickiness } = action.forward
    return {
      ...head,
      TargetGroupArn: targetGroups.length === 1 ? targetGroups[0].targetGroupArn : undefined,
      ForwardConfig: {
        TargetGroups: targetGroups.map((group) => ({
          TargetGroupArn: group.targetGroupArn,
          Weight: group.weight
        })),
        TargetGroupStickinessConfig: stickiness.enabled
          ? { Enabled: true, DurationSeconds: stickiness.durationSeconds }
          : { Enabled: false }
      }
    }
  }
  if ('fixedResponse' in action) {
    const { statusCode, contentType, messageBody } = action.fixedResponse
    return {
      ...head,
      FixedResponseConfig: {
        MessageBody: messageBody,
        StatusCode: statusCode,
        ContentType: contentType
      }
    }
  }
  if ('redirect' in action) {
    const { statusCode, protocol, port, host, path, query } = action.redirect
    return {
      ...head,
      RedirectConfig: {
        Protocol: protocol ?? '#{protocol}',
        Port: port ?? '#{port}',
        Host: host ?? '#{host}',
        Path: path ?? '/#{path}',
        Query: query ?? '#{query}',
        StatusCode: statusCode
      }
    }
  }
  return { ...head, ...(action.raw as Record<string, XmlValue>) }
}
