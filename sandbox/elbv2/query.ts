/**
 * The awsQuery request format: form fields like `DefaultActions.member.1.ForwardConfig.
 * TargetGroups.member.2.Weight=5` folded back into a tree, and typed readers over that tree that
 * fail with AWS-style ValidationErrors instead of throwing TypeErrors on bad input.
 */
import { constraintError, validationError } from './errors.js'

export type QueryNode = string | QueryList | QueryStruct
export interface QueryStruct {
  [key: string]: QueryNode
}
/** A list; `isMap` marks a map serialized as `entry.N.key` / `entry.N.value`. */
export type QueryList = QueryNode[] & { isMap?: boolean }

const MAX_INDEX = 1000

function malformed(key: string): never {
  throw validationError(`Malformed query parameter '${key}'`)
}

function isStruct(node: QueryNode | undefined): node is QueryStruct {
  return typeof node === 'object' && node !== null && !Array.isArray(node)
}

export function parseQuery(body: string): QueryStruct {
  const root: QueryStruct = {}
  for (const [key, value] of new URLSearchParams(body)) {
    if (key === '') continue
    const segments = key.split('.')
    let container: QueryStruct | QueryList = root
    let slot: string | number = segments[0]
    let i = 1
    const read = (): QueryNode | undefined =>
      (container as Record<string | number, QueryNode | undefined>)[slot]
    const write = (node: QueryNode): void => {
      ;(container as Record<string | number, QueryNode>)[slot] = node
    }
    while (i < segments.length) {
      const segment = segments[i]
      if (segment === 'member' || segment === 'entry') {
        const index = Number(segments[i + 1])
        if (!Number.isInteger(index) || index < 1 || index > MAX_INDEX) malformed(key)
        let list = read()
        if (list === undefined || list === '') {
          list = [] as QueryList
          if (segment === 'entry') list.isMap = true
          write(list)
        }
        if (!Array.isArray(list)) malformed(key)
        container = list
        slot = index - 1
        i += 2
      } else {
        if (segment === '' || /^\d+$/.test(segment)) malformed(key)
        let struct = read()
        if (struct === undefined) {
          struct = {}
          write(struct)
        }
        if (!isStruct(struct)) malformed(key)
        container = struct
        slot = segment
        i += 1
      }
    }
    if (typeof slot === 'string' && slot === '') malformed(key)
    const existing = read()
    if (existing !== undefined && typeof existing !== 'string') {
      // `Conditions=` (an empty list) next to `Conditions.member.1…` keeps the list.
      if (value === '') continue
      malformed(key)
    }
    write(value)
  }
  return root
}

function lowerFirst(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1)
}

interface IntBounds {
  min?: number
  max?: number
}

/** Typed, validating access to one struct of the request, knowing its path for messages. */
export class Input {
  constructor(
    readonly node: QueryStruct,
    private readonly path = ''
  ) {}

  static of(node: QueryNode | undefined, path = ''): Input {
    return new Input(isStruct(node) ? node : {}, path)
  }

  pathOf(key: string): string {
    return this.path ? `${this.path}.${lowerFirst(key)}` : lowerFirst(key)
  }

  has(key: string): boolean {
    return this.node[key] !== undefined
  }

  raw(key: string): QueryNode | undefined {
    return this.node[key]
  }

  string(key: string): string | undefined {
    const value = this.node[key]
    if (value === undefined) return undefined
    if (typeof value !== 'string')
      throw constraintError('[object]', this.pathOf(key), 'Member must be a string')
    return value
  }

  requiredString(key: string): string {
    const value = this.string(key)
    if (value === undefined || value === '') {
      throw constraintError(undefined, this.pathOf(key), 'Member must not be null')
    }
    return value
  }

  int(key: string, bounds: IntBounds = {}): number | undefined {
    const text = this.string(key)
    if (text === undefined) return undefined
    if (!/^-?\d{1,10}$/.test(text)) {
      throw constraintError(text, this.pathOf(key), 'Member must be a number')
    }
    const value = Number(text)
    if (bounds.min !== undefined && value < bounds.min) {
      throw constraintError(
        text,
        this.pathOf(key),
        `Member must have value greater than or equal to ${bounds.min}`
      )
    }
    if (bounds.max !== undefined && value > bounds.max) {
      throw constraintError(
        text,
        this.pathOf(key),
        `Member must have value less than or equal to ${bounds.max}`
      )
    }
    return value
  }

  requiredInt(key: string, bounds: IntBounds = {}): number {
    const value = this.int(key, bounds)
    if (value === undefined)
      throw constraintError(undefined, this.pathOf(key), 'Member must not be null')
    return value
  }

  bool(key: string): boolean | undefined {
    const text = this.string(key)
    if (text === undefined) return undefined
    if (text !== 'true' && text !== 'false') {
      throw constraintError(text, this.pathOf(key), 'Member must be a boolean')
    }
    return text === 'true'
  }

  /** One of a fixed set of values (AWS enums are case-sensitive). */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const text = this.string(key)
    if (text === undefined) return undefined
    if (!(allowed as readonly string[]).includes(text)) {
      throw constraintError(
        text,
        this.pathOf(key),
        `Member must satisfy enum value set: [${allowed.join(', ')}]`
      )
    }
    return text as T
  }

  private nodes(key: string, max: number): QueryNode[] {
    const value = this.node[key]
    if (value === undefined || value === '') return []
    if (!Array.isArray(value))
      throw constraintError('[value]', this.pathOf(key), 'Member must be a list')
    const items = value.filter((item) => item !== undefined)
    if (items.length > max) {
      throw constraintError(
        `[${items.length} items]`,
        this.pathOf(key),
        `Member must have length less than or equal to ${max}`
      )
    }
    return items
  }

  /** A list of structs; absent means empty. */
  list(key: string, max = MAX_INDEX): Input[] {
    return this.nodes(key, max).map((item, i) => {
      const path = `${this.pathOf(key)}.${i + 1}.member`
      if (!isStruct(item)) throw constraintError(String(item), path, 'Member must be a structure')
      return new Input(item, path)
    })
  }

  strings(key: string, max = MAX_INDEX): string[] {
    return this.nodes(key, max).map((item, i) => {
      if (typeof item !== 'string') {
        throw constraintError(
          '[object]',
          `${this.pathOf(key)}.${i + 1}.member`,
          'Member must be a string'
        )
      }
      return item
    })
  }

  struct(key: string): Input | undefined {
    const value = this.node[key]
    if (value === undefined) return undefined
    if (!isStruct(value))
      throw constraintError(String(value), this.pathOf(key), 'Member must be a structure')
    return new Input(value, this.pathOf(key))
  }
}
