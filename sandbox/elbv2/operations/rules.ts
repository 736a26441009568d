/** CreateRule / DescribeRules / ModifyRule / DeleteRule / SetRulePriorities. */
import { parseActions } from '../actions.js'
import { parseConditions } from '../conditions.js'
import type { Operation } from '../context.js'
import { ElbError, validationError } from '../errors.js'
import type { Rule } from '../model.js'
import { page } from '../paging.js'
import { renderDefaultRule, renderRule } from '../render.js'
import type { XmlValue } from '../xml.js'
import { applyTags, parseTags } from './tags.js'

const MAX_PRIORITY = 50000

function checkPriorityFree(rules: Rule[], priority: number, self?: string): void {
  if (rules.some((rule) => rule.priority === priority && rule.arn !== self)) {
    throw new ElbError('PriorityInUse', `The specified priority '${priority}' is in use`)
  }
}

export const CreateRule: Operation = (input, { model, health }) => {
  const listener = model.listener(input.requiredString('ListenerArn'))
  const conditions = parseConditions(input, 'Conditions', true)
  const priority = input.requiredInt('Priority', { min: 1, max: MAX_PRIORITY })
  const actions = parseActions(input, 'Actions', {
    model,
    loadBalancerArn: listener.loadBalancerArn
  })
  const tags = parseTags(input)
  checkPriorityFree(model.rulesOf(listener.arn), priority)
  const transforms = input.raw('Transforms')
  const rule: Rule = {
    arn: model.newRuleArn(listener),
    listenerArn: listener.arn,
    priority,
    conditions,
    actions,
    extra: transforms === undefined ? {} : { Transforms: transforms }
  }
  model.rules.set(rule.arn, rule)
  applyTags(model, rule.arn, tags)
  health.refresh()
  return { Rules: [renderRule(rule)] }
}

export const DescribeRules: Operation = (input, { model }) => {
  const listenerArn = input.string('ListenerArn')
  const arns = input.strings('RuleArns')
  if (listenerArn === undefined && arns.length === 0) {
    throw validationError('You must specify either rule ARNs or a listener ARN')
  }
  let found: XmlValue[]
  if (listenerArn !== undefined) {
    const listener = model.listener(listenerArn)
    found = [...model.rulesOf(listenerArn).map(renderRule), renderDefaultRule(listener)]
  } else {
    found = arns.map((arn) => {
      const rule = model.rule(arn)
      return 'default' in rule ? renderDefaultRule(rule.default) : renderRule(rule)
    })
  }
  const { items, nextMarker } = page(found, input)
  return { Rules: items, NextMarker: nextMarker }
}

/** Conditions and Actions, when given, replace the whole lists. */
export const ModifyRule: Operation = (input, { model, health }) => {
  const found = model.rule(input.requiredString('RuleArn'))
  if ('default' in found) {
    const listener = found.default
    if (input.has('Conditions'))
      throw new ElbError('OperationNotPermitted', 'You cannot add conditions to a default rule')
    if (input.has('Actions')) {
      listener.defaultActions = parseActions(input, 'Actions', {
        model,
        loadBalancerArn: listener.loadBalancerArn
      })
    }
    health.refresh()
    return { Rules: [renderDefaultRule(listener)] }
  }
  const listener = model.listener(found.listenerArn)
  const conditions = input.has('Conditions')
    ? parseConditions(input, 'Conditions', true)
    : found.conditions
  const actions = input.has('Actions')
    ? parseActions(input, 'Actions', { model, loadBalancerArn: listener.loadBalancerArn })
    : found.actions
  const transforms = input.raw('Transforms')
  const extra = input.bool('ResetTransforms')
    ? {}
    : transforms === undefined
      ? found.extra
      : { Transforms: transforms }
  Object.assign(found, { conditions, actions, extra })
  health.refresh()
  return { Rules: [renderRule(found)] }
}

export const DeleteRule: Operation = (input, { model, health }) => {
  const found = model.rule(input.requiredString('RuleArn'))
  if ('default' in found)
    throw new ElbError('OperationNotPermitted', 'You cannot delete the default rule')
  model.rules.delete(found.arn)
  model.tags.delete(found.arn)
  health.refresh()
  return {}
}

export const SetRulePriorities: Operation = (input, { model }) => {
  const changes = input.list('RulePriorities').map((item) => ({
    rule: model.rule(item.requiredString('RuleArn')),
    priority: item.requiredInt('Priority', { min: 1, max: MAX_PRIORITY })
  }))
  const rules: Rule[] = []
  for (const { rule } of changes) {
    if ('default' in rule)
      throw new ElbError(
        'OperationNotPermitted',
        'You cannot change the priority of a default rule'
      )
    rules.push(rule)
  }
  // Check against the priorities the listener will have after the whole change.
  const after = new Map(changes.map(({ priority }, i) => [rules[i].arn, priority]))
  for (const rule of rules) {
    const siblings = model
      .rulesOf(rule.listenerArn)
      .map((r) => ({ ...r, priority: after.get(r.arn) ?? r.priority }))
    checkPriorityFree(siblings, after.get(rule.arn) ?? rule.priority, rule.arn)
  }
  for (const rule of rules) rule.priority = after.get(rule.arn) ?? rule.priority
  return { Rules: rules.map(renderRule) }
}
