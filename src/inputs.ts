import { InputError } from './errors.js'
import { parsePercent, Split } from './split.js'

/** Reads one raw input ('' when absent). run.ts binds it to core.getInput; tests to a map. */
export type InputReader = (name: string) => string

/** An input's trimmed value, or '' when not given. */
export function optional(read: InputReader, name: string): string {
  return read(name).trim()
}

export function required(read: InputReader, name: string, accepted: string): string {
  const value = optional(read, name)
  if (value === '') throw new InputError(name, value, `${accepted} (this input is required)`)
  return value
}

// One or more amounts, largest unit first, each unit at most once: 90s, 1h30m, 2m 30s, 1.5s.
const DURATION =
  /^(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?!s))?\s*(?:(\d+(?:\.\d+)?)s)?\s*(?:(\d+(?:\.\d+)?)ms)?$/
const UNITS: readonly [string, number][] = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1]
]

export const MAX_DURATION_MS = 6 * 3_600_000

/** Milliseconds as the parser reads them back, largest unit first: 90 min is "1h30m". */
export function durationText(ms: number): string {
  if (ms === 0) return '0'
  let rest = Math.round(ms)
  const parts: string[] = []
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  return parts.join('')
}

/**
 * "90s", "5m", "1h30m", "2m30s", "250ms", or "0" (no wait, when allowZero) into milliseconds, at
 * most maxMs. A bare number is refused: "30" could mean seconds or minutes. The message states
 * exactly what this call accepts, bounds included.
 */
export function parseDuration(
  name: string,
  raw: string,
  maxMs = MAX_DURATION_MS,
  allowZero = true
): number {
  const bounds = allowZero
    ? `at most ${durationText(maxMs)} (0 for none)`
    : `above 0 and at most ${durationText(maxMs)}`
  const accepted = `a duration such as 250ms, 90s, 5m or 1h30m, ${bounds}`
  const text = raw.trim()
  if (/^\d+(?:\.\d+)?$/.test(text) && Number(text) !== 0) {
    throw new InputError(
      name,
      raw,
      `${accepted}; a bare number needs a unit (${text}s or ${text}m)`
    )
  }
  const ms = text === '0' ? 0 : durationMs(text)
  if (ms === undefined || ms > maxMs || (ms === 0 && !allowZero)) {
    throw new InputError(name, raw, accepted)
  }
  return ms
}

function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text)
  if (!match || !match.slice(1).some((amount) => amount !== undefined)) return undefined
  const total = UNITS.reduce(
    (sum, [, size], i) => sum + (match[i + 1] === undefined ? 0 : Number(match[i + 1]) * size),
    0
  )
  return Math.round(total)
}

/**
 * A setting AWS counts in whole seconds (a TTL, a stickiness duration), from minSeconds to
 * maxSeconds: a duration (60s, 1h, 1m30s) or a bare whole number of seconds (60), as AWS writes
 * them. Any failure names the input with the caller's own description of what it accepts.
 */
export function parseWholeSeconds(
  name: string,
  raw: string,
  minSeconds: number,
  maxSeconds: number,
  accepted: string
): number {
  const text = raw.trim()
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : durationMs(text)
  if (ms === undefined || ms % 1000 !== 0 || ms < minSeconds * 1000 || ms > maxSeconds * 1000) {
    throw new InputError(name, raw, accepted)
  }
  return ms / 1000
}

export function durationInput(
  read: InputReader,
  name: string,
  fallback: string,
  maxMs = MAX_DURATION_MS,
  allowZero = true
): number {
  return parseDuration(name, optional(read, name) || fallback, maxMs, allowZero)
}

export function parseBoolean(name: string, raw: string): boolean {
  const text = raw.trim().toLowerCase()
  if (text === 'true') return true
  if (text === 'false') return false
  throw new InputError(name, raw, 'true or false')
}

export function booleanInput(read: InputReader, name: string, fallback: boolean): boolean {
  const raw = optional(read, name)
  return raw === '' ? fallback : parseBoolean(name, raw)
}

export function parseInteger(name: string, raw: string, min: number, max: number): number {
  const text = raw.trim()
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError(name, raw, `a whole number from ${min} to ${max}`)
  }
  return Number(text)
}

export function parseEnum<T extends string>(name: string, raw: string, values: readonly T[]): T {
  const text = raw.trim()
  if (!(values as readonly string[]).includes(text)) {
    throw new InputError(name, raw, `one of ${values.join(', ')}`)
  }
  return text as T
}

/** A list separated by commas or newlines; empty entries are dropped. */
export function parseList(raw: string): string[] {
  return raw
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/**
 * An ARN of one kind, e.g. resource 'listener/app/' for an ALB listener. The region and account
 * must be present; the partition may be aws, aws-cn or aws-us-gov.
 */
export function parseArn(name: string, raw: string, service: string, resource: string): string {
  const text = raw.trim()
  const pattern = new RegExp(
    `^arn:aws(?:-cn|-us-gov)?:${service}:[a-z0-9-]+:\\d{12}:${escapeRegExp(resource)}[A-Za-z0-9/_.-]+$`
  )
  if (!pattern.test(text)) {
    throw new InputError(
      name,
      raw,
      `an ARN of the form arn:aws:${service}:REGION:ACCOUNT:${resource}…`
    )
  }
  return text
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function percentInput(read: InputReader, name: string, fallback: string): Split {
  return parsePercent(name, optional(read, name) || fallback)
}

/** http(s) URLs only; anything else names the input. */
export function parseUrl(name: string, raw: string): URL {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new InputError(name, raw, 'an absolute http:// or https:// URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(name, raw, 'an absolute http:// or https:// URL')
  }
  return url
}
