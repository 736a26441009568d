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

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** "90s", "5m", "1h", "250ms", or "0" (no wait) into milliseconds. A bare number is refused. */
export function parseDuration(name: string, raw: string, maxMs = 6 * 3_600_000): number {
  const accepted = `a duration such as 250ms, 90s, 5m or 1h (0 for none), at most ${maxMs / 60_000}m`
  const text = raw.trim()
  if (text === '0') return 0
  const match = DURATION.exec(text)
  if (!match) throw new InputError(name, raw, accepted)
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2]])
  if (ms > maxMs) throw new InputError(name, raw, accepted)
  return ms
}

/**
 * A duration that must be whole seconds from minSeconds to maxSeconds (AWS settings counted in
 * seconds); any failure names the input with the caller's own description of what it accepts.
 */
export function parseWholeSeconds(
  name: string,
  raw: string,
  minSeconds: number,
  maxSeconds: number,
  accepted: string
): number {
  let ms: number
  try {
    ms = parseDuration(name, raw, maxSeconds * 1000)
  } catch {
    throw new InputError(name, raw, accepted)
  }
  if (ms % 1000 !== 0 || ms < minSeconds * 1000) throw new InputError(name, raw, accepted)
  return ms / 1000
}

export function durationInput(read: InputReader, name: string, fallback: string): number {
  return parseDuration(name, optional(read, name) || fallback)
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
