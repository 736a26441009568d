import type {
  Observation,
  PlannedCall,
  Preparation,
  TrafficBackend
} from '../../src/backends/backend.js'
import type { Gate, GateContext, GateResult } from '../../src/gates/gate.js'
import { Split } from '../../src/split.js'

/** An in-memory backend: a split AWS would hold, with hooks to inject failures. */
export class FakeBackend implements TrafficBackend {
  readonly mode = 'fake'
  readonly target = 'fake-listener'
  /** Every mutating call, in order, as "apply 25%". */
  readonly applied: string[] = []
  live: Split
  /** Throws instead of applying when asked to move to this percent. */
  failApplyAt?: number
  /** Throws on every apply after the run has started rolling back. */
  failRollback = false
  /** converged() answers false this many times after each apply. */
  pendingPolls = 0
  /** Called at each read(), e.g. to simulate someone else's edit. */
  onRead?: (readCount: number) => void
  private reads = 0
  private pending = 0

  constructor(startPercent = 0) {
    this.live = Split.ofPercent(startPercent)
  }

  async prepare(): Promise<Preparation> {
    return { changes: [], calls: [] }
  }

  async read(): Promise<Observation> {
    this.reads += 1
    this.onRead?.(this.reads)
    return {
      split: this.live,
      detail: this.describe(this.live),
      fingerprint: this.describe(this.live)
    }
  }

  async plan(split: Split): Promise<PlannedCall[]> {
    return [{ service: 'fake', operation: 'SetWeights', parameters: { green: split.permille } }]
  }

  async apply(split: Split): Promise<PlannedCall[]> {
    if (this.failApplyAt === split.percent) throw new Error(`apply ${split.percent}% refused`)
    if (this.failRollback && this.applied.length > 0 && split.percent < this.live.percent) {
      throw new Error('rollback refused')
    }
    this.applied.push(`apply ${split.percent}%`)
    this.live = split
    this.pending = this.pendingPolls
    return this.plan(split)
  }

  async converged(split: Split): Promise<boolean> {
    if (this.pending > 0) {
      this.pending -= 1
      return false
    }
    return this.live.equals(split)
  }

  describe(split: Split): string {
    return `blue ${1000 - split.permille} / green ${split.permille}`
  }

  healthScope() {
    return []
  }

  /** Set to answer blueCanCarry(); absent means the backend cannot tell. */
  blueReady?: { ok: boolean; detail: string }
  get blueCanCarry() {
    const answer = this.blueReady
    return answer ? async () => answer : undefined
  }

  /** Set to give the backend a settle step; it records the call and may throw. */
  settleWith?: (signal?: AbortSignal) => Promise<void>
  get settle() {
    return this.settleWith
  }
}

/** A gate that answers from a script: (call number, context) → result. */
export class ScriptedGate implements Gate {
  readonly contexts: GateContext[] = []
  constructor(
    readonly name: string,
    private readonly script: (call: number, context: GateContext) => GateResult,
    readonly intervalMs = 1000
  ) {}

  async check(context: GateContext): Promise<GateResult> {
    this.contexts.push(context)
    return this.script(this.contexts.length, context)
  }
}

export const PASS: GateResult = { status: 'pass', detail: 'ok' }
