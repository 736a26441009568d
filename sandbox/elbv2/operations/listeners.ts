/** CreateListener / DescribeListeners / ModifyListener / DeleteListener. */
import { parseActions } from '../actions.js'
import type { Operation } from '../context.js'
import { ElbError, validationError } from '../errors.js'
import type { Listener } from '../model.js'
import { page } from '../paging.js'
import type { Input, QueryNode } from '../query.js'
import { renderListener } from '../render.js'
import { applyTags, parseTags } from './tags.js'

/** Listener members the sandbox stores and echoes without acting on them. */
const EXTRA = ['SslPolicy', 'Certificates', 'AlpnPolicy', 'MutualAuthentication']

function extras(input: Input, base: Record<string, QueryNode> = {}): Record<string, QueryNode> {
  const extra = { ...base }
  for (const key of EXTRA) {
    const value = input.raw(key)
    if (value !== undefined) extra[key] = value
  }
  return extra
}

function checkPortFree(listeners: Listener[], port: number, self?: string): void {
  if (listeners.some((listener) => listener.port === port && listener.arn !== self)) {
    throw new ElbError(
      'DuplicateListener',
      'A listener already exists on this port for this load balancer'
    )
  }
}

function checkCertificates(protocol: string, extra: Record<string, QueryNode>): void {
  if (protocol === 'HTTPS' && !extra.Certificates) {
    throw validationError('A certificate must be specified for HTTPS listeners')
  }
}

export const CreateListener: Operation = async (input, { model, dataPlane, health }) => {
  const lb = model.loadBalancer(input.requiredString('LoadBalancerArn'))
  const protocol = input.oneOf('Protocol', ['HTTP', 'HTTPS'] as const) ?? 'HTTP'
  const port = input.int('Port', { min: 1, max: 65535 }) ?? (protocol === 'HTTPS' ? 443 : 80)
  const extra = extras(input)
  checkCertificates(protocol, extra)
  const defaultActions = parseActions(input, 'DefaultActions', { model, loadBalancerArn: lb.arn })
  const tags = parseTags(input)
  checkPortFree(model.listenersOf(lb.arn), port)
  const arn = model.newListenerArn(lb)
  const listener: Listener = {
    arn,
    loadBalancerArn: lb.arn,
    port,
    protocol,
    defaultActions,
    defaultRuleArn: '',
    extra
  }
  listener.defaultRuleArn = model.newRuleArn(listener)
  model.listeners.set(arn, listener)
  applyTags(model, arn, tags)
  await dataPlane.open(arn)
  health.refresh()
  return { Listeners: [renderListener(listener)] }
}

export const DescribeListeners: Operation = (input, { model }) => {
  const lbArn = input.string('LoadBalancerArn')
  const arns = input.strings('ListenerArns')
  if (lbArn === undefined && arns.length === 0) {
    throw validationError('You must specify either listener ARNs or a load balancer ARN')
  }
  if (lbArn !== undefined && arns.length > 0) {
    throw validationError(
      'Listener ARNs and a load balancer ARN cannot be specified at the same time'
    )
  }
  const found =
    lbArn !== undefined
      ? (model.loadBalancer(lbArn), model.listenersOf(lbArn))
      : arns.map((arn) => model.listener(arn))
  const { items, nextMarker } = page(found, input)
  return { Listeners: items.map(renderListener), NextMarker: nextMarker }
}

/** DefaultActions, when given, replace the whole list (authenticate actions included). */
export const ModifyListener: Operation = (input, { model, health }) => {
  const listener = model.listener(input.requiredString('ListenerArn'))
  const protocol = input.oneOf('Protocol', ['HTTP', 'HTTPS'] as const) ?? listener.protocol
  const port = input.int('Port', { min: 1, max: 65535 }) ?? listener.port
  const extra = extras(input, listener.extra)
  checkCertificates(protocol, extra)
  const defaultActions = input.has('DefaultActions')
    ? parseActions(input, 'DefaultActions', { model, loadBalancerArn: listener.loadBalancerArn })
    : listener.defaultActions
  checkPortFree(model.listenersOf(listener.loadBalancerArn), port, listener.arn)
  Object.assign(listener, { protocol, port, extra, defaultActions })
  health.refresh()
  return { Listeners: [renderListener(listener)] }
}

export const DeleteListener: Operation = async (input, { model, dataPlane, health }) => {
  const listener = model.listener(input.requiredString('ListenerArn'))
  for (const rule of model.rulesOf(listener.arn)) model.rules.delete(rule.arn)
  model.listeners.delete(listener.arn)
  model.tags.delete(listener.arn)
  await dataPlane.closeListener(listener.arn)
  health.refresh()
  return {}
}
