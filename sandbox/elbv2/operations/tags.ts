/** AddTags / RemoveTags / DescribeTags, and the Tags member of the Create* operations. */
import type { Operation } from '../context.js'
import { constraintError, ElbError, validationError } from '../errors.js'
import type { ElbModel } from '../model.js'
import type { Input } from '../query.js'

/**
 * The Tag shape of the ELBv2 API reference: a key of 1-128 and a value of 0-256 Unicode
 * characters, each of letters, spaces, digits and _ . : / = + - @; at most 50 tags a resource.
 */
const MAX_TAGS = 50
const MAX_KEY = 128
const MAX_VALUE = 256
const TAG_TEXT = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u
/** AWS reserves the prefix in any case, for keys and values, and refuses it with a ValidationError. */
const RESERVED = /^aws:/i

/** Unicode characters, as AWS counts them, not UTF-16 units. */
const length = (text: string): number => [...text].length

function checkText(text: string, path: string, min: number, max: number): void {
  if (length(text) < min) {
    throw constraintError(text, path, `Member must have length greater than or equal to ${min}`)
  }
  if (length(text) > max) {
    throw constraintError(text, path, `Member must have length less than or equal to ${max}`)
  }
  if (!TAG_TEXT.test(text)) {
    throw constraintError(
      text,
      path,
      `Member must satisfy regular expression pattern: ${TAG_TEXT.source}`
    )
  }
}

function checkKey(key: string, path: string): void {
  checkText(key, path, 1, MAX_KEY)
  if (RESERVED.test(key)) throw validationError(`Tag key '${key}' cannot start with 'aws:'`)
}

export function parseTags(input: Input, key = 'Tags'): [string, string][] {
  const pairs = input.list(key).map((tag): [string, string] => {
    const tagKey = tag.requiredString('Key')
    const value = tag.string('Value') ?? ''
    checkKey(tagKey, tag.pathOf('Key'))
    checkText(value, tag.pathOf('Value'), 0, MAX_VALUE)
    if (RESERVED.test(value)) throw validationError(`Tag value '${value}' cannot start with 'aws:'`)
    return [tagKey, value]
  })
  if (new Set(pairs.map(([k]) => k)).size !== pairs.length) {
    throw new ElbError('DuplicateTagKeys', 'A tag key was specified more than once')
  }
  return pairs
}

/**
 * The resource's tags with the pairs added (a key already there takes the new value). The
 * sandbox never holds AWS's own aws: tags, which AWS leaves out of the count.
 */
function withTags(model: ElbModel, arn: string, pairs: [string, string][]): Map<string, string> {
  const tags = new Map(model.tags.get(arn))
  for (const [key, value] of pairs) tags.set(key, value)
  if (tags.size > MAX_TAGS) {
    throw new ElbError(
      'TooManyTags',
      "You've reached the limit on the number of tags for this resource"
    )
  }
  return tags
}

export function applyTags(model: ElbModel, arn: string, pairs: [string, string][]): void {
  model.tags.set(arn, withTags(model, arn, pairs))
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
  // All or nothing: a resource with no room leaves every resource of the request as it was.
  const next = arns.map((arn) => [arn, withTags(model, arn, pairs)] as const)
  for (const [arn, tags] of next) model.tags.set(arn, tags)
  return {}
}

export const RemoveTags: Operation = (input, { model }) => {
  const arns = resourceArns(input, model)
  const keys = input.strings('TagKeys')
  if (keys.length === 0)
    throw constraintError(undefined, input.pathOf('TagKeys'), 'Member must not be null')
  keys.forEach((key, i) => checkKey(key, `${input.pathOf('TagKeys')}.${i + 1}.member`))
  for (const arn of arns) for (const key of keys) model.tags.get(arn)?.delete(key)
  return {}
}

export const DescribeTags: Operation = (input, { model }) => ({
  TagDescriptions: resourceArns(input, model).map((arn) => ({
    ResourceArn: arn,
    Tags: [...(model.tags.get(arn) ?? [])].map(([Key, Value]) => ({ Key, Value }))
  }))
})
