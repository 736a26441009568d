/** AddTags / RemoveTags / DescribeTags, and the Tags member of the Create* operations. */
import type { Operation } from '../context.js'
import { ElbError, validationError } from '../errors.js'
import type { ElbModel } from '../model.js'
import type { Input } from '../query.js'

const MAX_TAGS = 50

export function parseTags(input: Input, key = 'Tags'): [string, string][] {
  const pairs = input
    .list(key)
    .map((tag): [string, string] => [tag.requiredString('Key'), tag.string('Value') ?? ''])
  if (new Set(pairs.map(([k]) => k)).size !== pairs.length) {
    throw new ElbError('DuplicateTagKeys', 'A tag key was specified more than once')
  }
  return pairs
}

export function applyTags(model: ElbModel, arn: string, pairs: [string, string][]): void {
  const tags = new Map(model.tags.get(arn))
  for (const [key, value] of pairs) tags.set(key, value)
  if (tags.size > MAX_TAGS)
    throw new ElbError('TooManyTags', `A resource can have at most ${MAX_TAGS} tags`)
  model.tags.set(arn, tags)
}

/** Checks the ARN names an existing resource, failing with that kind's NotFound error. */
function requireResource(model: ElbModel, arn: string): void {
  if (arn.includes(':loadbalancer/')) return void model.loadBalancer(arn)
  if (arn.includes(':targetgroup/')) return void model.targetGroup(arn)
  if (arn.includes(':listener-rule/')) return void model.rule(arn)
  if (arn.includes(':listener/')) return void model.listener(arn)
  throw validationError(`'${arn}' is not a valid Elastic Load Balancing resource ARN`)
}

function resourceArns(input: Input, model: ElbModel): string[] {
  const arns = input.strings('ResourceArns', 20)
  if (arns.length === 0) throw validationError('ResourceArns must name at least one resource')
  for (const arn of arns) requireResource(model, arn)
  return arns
}

export const AddTags: Operation = (input, { model }) => {
  const arns = resourceArns(input, model)
  const pairs = parseTags(input)
  if (pairs.length === 0) throw validationError('Tags must contain at least one tag')
  for (const arn of arns) applyTags(model, arn, pairs)
  return {}
}

export const RemoveTags: Operation = (input, { model }) => {
  const arns = resourceArns(input, model)
  const keys = input.strings('TagKeys')
  for (const arn of arns) for (const key of keys) model.tags.get(arn)?.delete(key)
  return {}
}

export const DescribeTags: Operation = (input, { model }) => ({
  TagDescriptions: resourceArns(input, model).map((arn) => ({
    ResourceArn: arn,
    Tags: [...(model.tags.get(arn) ?? [])].map(([Key, Value]) => ({ Key, Value }))
  }))
})
