/**
 * Rule conditions: validation on CreateRule/ModifyRule, the Describe shape, and matching a real
 * request in the data plane. path-pattern, host-header, http-request-method and http-header are
 * evaluated; query-string and source-ip are stored and echoed but never match.
 */
import type { IncomingMessage } from 'node:http'
import { constraintError, validationError } from './errors.js'
import type { Condition } from './model.js'
import type { Input, QueryNode } from './query.js'
import type { XmlValue } from './xml.js'

const FIELDS = [
  'path-pattern',
  'host-header',
  'http-header',
  'http-request-method',
  'query-string',
  'source-ip'
] as const

/** The config member that carries each field's values in the newer API shape. */
const CONFIG_MEMBER: Record<string, string> = {
  'path-pattern': 'PathPatternConfig',
  'host-header': 'HostHeaderConfig',
  'http-header': 'HttpHeaderConfig',
  'http-request-method': 'HttpRequestMethodConfig',
  'query-string': 'QueryStringConfig',
  'source-ip': 'SourceIpConfig'
}

export function parseConditions(input: Input, key: string, required: boolean): Condition[] {
  const items = input.list(key)
  if (required && items.length === 0) {
    throw constraintError(undefined, input.pathOf(key), 'Member must not be null')
  }
  return items.map((item) => {
    const field = item.oneOf('Field', FIELDS)
    if (!field) throw constraintError(undefined, item.pathOf('Field'), 'Member must not be null')
    const legacy = item.strings('Values')
    const config = item.struct(CONFIG_MEMBER[field])
    const configured = field === 'query-string' ? [] : (config?.strings('Values') ?? [])
    if (legacy.length > 0 && configured.length > 0) {
      throw validationError(
        `You cannot specify both Values and ${CONFIG_MEMBER[field]} for '${field}'`
      )
    }
    const values = legacy.length > 0 ? legacy : configured
    const needsValues = field !== 'query-string' && field !== 'http-header'
    if (needsValues && values.length === 0) {
      throw validationError(`A '${field}' condition must have at least one value`)
    }
    if (field === 'http-header' && !config?.string('HttpHeaderName')) {
      throw validationError("An 'http-header' condition must name the header (HttpHeaderName)")
    }
    const raw: Record<string, QueryNode> = { ...item.node }
    return { field, values, raw }
  })
}

/** AWS echoes both the legacy Values and the matching config block for path and host. */
export function renderCondition(condition: Condition): XmlValue {
  const { field, values, raw } = condition
  if (field === 'path-pattern' || field === 'host-header') {
    return {
      ...(raw as Record<string, XmlValue>),
      Field: field,
      Values: values,
      [CONFIG_MEMBER[field]]: { Values: values }
    }
  }
  return { ...(raw as Record<string, XmlValue>), Field: field }
}

/** ALB wildcards: `*` any run of characters, `?` exactly one. */
function wildcard(pattern: string, flags = ''): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`, flags)
}

function matchesOne(condition: Condition, req: IncomingMessage, path: string): boolean {
  const { field, values, raw } = condition
  switch (field) {
    case 'path-pattern':
      return values.some((value) => wildcard(value).test(path))
    case 'host-header': {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '')
      return values.some((value) => wildcard(value, 'i').test(host))
    }
    case 'http-request-method':
      return values.includes(req.method ?? 'GET')
    case 'http-header': {
      const config = raw.HttpHeaderConfig as Record<string, QueryNode> | undefined
      const name = String(config?.HttpHeaderName ?? '').toLowerCase()
      const header = req.headers[name]
      const actual = Array.isArray(header) ? header : header === undefined ? [] : [header]
      return actual.some((a) => values.some((value) => wildcard(value, 'i').test(a)))
    }
    default:
      return false
  }
}

/** A rule matches when every one of its conditions does. */
export function matchesAll(conditions: Condition[], req: IncomingMessage, path: string): boolean {
  return conditions.every((condition) => matchesOne(condition, req, path))
}
