/**
 * Lagging reads: AWS's control planes are eventually consistent (EC2, Auto Scaling and ELB
 * document that a change may not be visible at once to the commands that follow), so a
 * Describe* right after a write may still show the state before it. With a lag set for the
 * service (`faults.lagReads`), every write first keeps a copy of the state it is about to change,
 * and a read answers from the state as it was `ms` ago: the copy kept by the oldest write made
 * less than `ms` ago, or the live state when there is none. Writes always act on the live state.
 */
import type { Faults, LaggingService } from './faults.js'

/** AWS's read operations, by the verbs AWS names them with. */
export function isReadOperation(operation: string): boolean {
  return /^(Describe|Get|List)/.test(operation)
}

/**
 * A deep copy of a service's model that keeps every object's class, so the model's lookups (which
 * throw AWS's NotFound errors) work on the copy. Not structuredClone: it drops prototypes, and
 * under jest's VM context its Dates come from another realm, which `instanceof Date` (the XML
 * renderer's test) does not recognise. Models are Maps, Sets, arrays, Dates and records.
 */
export function copyModel<M extends object>(model: M): M {
  return deepCopy(model, new Map()) as M
}

function deepCopy(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value
  const known = seen.get(value)
  if (known !== undefined) return known
  if (value instanceof Date) return new Date(value.getTime())
  if (value instanceof Map) {
    const copy = new Map()
    seen.set(value, copy)
    for (const [key, item] of value) copy.set(key, deepCopy(item, seen))
    return copy
  }
  if (value instanceof Set) {
    const copy = new Set()
    seen.set(value, copy)
    for (const item of value) copy.add(deepCopy(item, seen))
    return copy
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    seen.set(value, copy)
    for (const item of value) copy.push(deepCopy(item, seen))
    return copy
  }
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<
    string,
    unknown
  >
  seen.set(value, copy)
  for (const [key, item] of Object.entries(value)) copy[key] = deepCopy(item, seen)
  return copy
}

interface Kept<S> {
  /** When the write that changed this state was made (the faults' clock). */
  at: number
  before: S
}

export class ReadLag<S> {
  private history: Kept<S>[] = []

  constructor(
    private readonly faults: Faults,
    private readonly service: LaggingService,
    /** A copy of the live state that later changes cannot reach. */
    private readonly copy: (live: S) => S
  ) {}

  /** Called just before anything changes the state: keeps it, while reads lag. */
  beforeWrite(live: S): void {
    const lagMs = this.faults.readLagMs(this.service)
    const now = this.faults.now()
    if (lagMs <= 0) {
      this.history = []
      return
    }
    this.forget(now - lagMs)
    this.history.push({ at: now, before: this.copy(live) })
  }

  /** The state a read answers from. */
  forRead(live: S): S {
    const lagMs = this.faults.readLagMs(this.service)
    if (lagMs <= 0) return live
    this.forget(this.faults.now() - lagMs)
    return this.history[0]?.before ?? live
  }

  /** Writes made at or before `visibleSince` are visible to reads: their copies go. */
  private forget(visibleSince: number): void {
    while (this.history.length > 0 && this.history[0].at <= visibleSince) this.history.shift()
  }
}
