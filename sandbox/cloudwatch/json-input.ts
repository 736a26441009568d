/** Typed access to a JSON request body that fails with CloudWatch's errors, never a TypeError. */
import { cloudWatchErrors } from './errors.js'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export class JsonInput {
  constructor(readonly body: Record<string, Json>) {}

  static parse(text: string): JsonInput {
    let value: unknown
    try {
      value = text.trim() === '' ? {} : JSON.parse(text)
    } catch {
      throw cloudWatchErrors.serialization('The request body is not valid JSON')
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw cloudWatchErrors.serialization('The request body must be a JSON object')
    }
    return new JsonInput(value as Record<string, Json>)
  }

  has(key: string): boolean {
    return this.body[key] !== undefined && this.body[key] !== null
  }

  string(key: string, maxLength = 1024): string | undefined {
    const value = this.body[key]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string')
      throw cloudWatchErrors.invalidParameterValue(`${key} must be a string`)
    if (value.length > maxLength) {
      throw cloudWatchErrors.invalidParameterValue(`${key} must be at most ${maxLength} characters`)
    }
    return value
  }

  requiredString(key: string, maxLength = 1024): string {
    const value = this.string(key, maxLength)
    if (value === undefined || value === '') throw cloudWatchErrors.missingParameter(key)
    return value
  }

  number(key: string, min = -Infinity, max = Infinity): number | undefined {
    const value = this.body[key]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw cloudWatchErrors.invalidParameterValue(`${key} must be a number`)
    }
    if (value < min || value > max) {
      throw cloudWatchErrors.invalidParameterValue(`${key} must be between ${min} and ${max}`)
    }
    return value
  }

  boolean(key: string): boolean | undefined {
    const value = this.body[key]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'boolean')
      throw cloudWatchErrors.invalidParameterValue(`${key} must be a boolean`)
    return value
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key)
    if (value === undefined) return undefined
    if (!(allowed as readonly string[]).includes(value)) {
      throw cloudWatchErrors.validation(
        `1 validation error detected: Value '${value}' at '${key}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`
      )
    }
    return value as T
  }

  strings(key: string, maxItems = 100): string[] {
    const value = this.body[key]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw cloudWatchErrors.invalidParameterValue(`${key} must be a list of strings`)
    }
    if (value.length > maxItems) {
      throw cloudWatchErrors.invalidParameterValue(`${key} must have at most ${maxItems} items`)
    }
    return value as string[]
  }

  /** A member copied as sent (dimensions, metric queries…), for echoing back. */
  raw(key: string): Json | undefined {
    return this.body[key] ?? undefined
  }
}
