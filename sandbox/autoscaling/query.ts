/**
 * The few awsQuery request members Auto Scaling's operations here take: scalars (`Name=v`) and
 * lists (`Name.member.N=v`, N from 1 with no gaps), read strictly with AWS's error wording.
 */
import { validationError } from './errors.js'

const MEMBER = /^([A-Za-z]+)\.member\.(\d+)$/

export class QueryParams {
  private readonly scalars = new Map<string, string>()
  private readonly lists = new Map<string, Map<number, string>>()

  constructor(body: string) {
    for (const [key, value] of new URLSearchParams(body)) {
      const member = MEMBER.exec(key)
      if (member) {
        const index = Number(member[2])
        if (index < 1) throw validationError(`Malformed query parameter '${key}'`)
        const list = this.lists.get(member[1]) ?? new Map<number, string>()
        list.set(index, value)
        this.lists.set(member[1], list)
      } else if (/^TrafficSources\.member\.\d+\.(Identifier|Type)$/.test(key)) {
        // Lists of structures, read by field (traffic-sources.ts).
        this.scalars.set(key, value)
      } else if (key.includes('.')) {
        // Nested members (e.g. Filters.member.1.Name) belong to inputs this sandbox does not take.
        throw validationError(`The parameter ${key.split('.')[0]} is not supported by the sandbox`)
      } else {
        this.scalars.set(key, value)
      }
    }
  }

  string(name: string): string | undefined {
    return this.scalars.get(name)
  }

  requiredString(name: string): string {
    const value = this.string(name)
    if (value === undefined || value === '') {
      throw validationError(
        `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy ` +
          'constraint: Member must not be null'
      )
    }
    return value
  }

  /** A list member; `Name=` alone (an empty list) reads as []. */
  list(name: string, max: number): string[] {
    const entries = this.lists.get(name)
    if (!entries) return []
    const values: string[] = []
    for (let index = 1; index <= entries.size; index += 1) {
      const value = entries.get(index)
      if (value === undefined) throw validationError(`Malformed query parameter '${name}'`)
      values.push(value)
    }
    if (values.length > max) {
      throw validationError(
        `1 validation error detected: Value '[${values.length} items]' at '${lowerFirst(name)}' ` +
          `failed to satisfy constraint: Member must have length less than or equal to ${max}`
      )
    }
    return values
  }

  int(name: string, min: number, max: number): number | undefined {
    const text = this.string(name)
    if (text === undefined) return undefined
    const value = Number(text)
    if (!/^-?\d{1,10}$/.test(text) || value < min || value > max) {
      throw validationError(
        `1 validation error detected: Value '${text}' at '${lowerFirst(name)}' failed to ` +
          `satisfy constraint: Member must have value between ${min} and ${max}`
      )
    }
    return value
  }
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}
