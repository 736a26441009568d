import type {
  Capacity,
  Inspection,
  LiveState,
  Phase,
  Plan,
  RestorePlan,
  TrafficBackend,
  Verification
} from '../../src/backends/backend.js'
import { emptySide, type Sides } from '../../src/backends/sides.js'
import { CancelledError } from '../../src/errors.js'
import type { Gate, GateContext, GateResult } from '../../src/gates/gate.js'
import { Split } from '../../src/split.js'

interface FakeNative {
  permille: number
}

export function describeFake(split: Split): string {
  return `blue ${1000 - split.permille} / green ${split.permille}`
}

/** An in-memory backend: a split AWS would hold, with hooks to inject failures. */
export class FakeBackend implements TrafficBackend<FakeNative> {
  readonly mode = 'fake'
  readonly target = 'fake-listener'
  /** Every mutating call, in order, as "apply 25%". */
  readonly applied: string[] = []
  live: Split
  /** Throws instead of applying when asked to move to this percent. */
  failApplyAt?: number
  /** Throws on every apply after the run has started rolling back. */
  failRollback = false
  /** verify() answers pending this many times after each apply. */
  pendingPolls = 0
  /** Called at each read of AWS (read, verify), e.g. to simulate someone else's edit. */
  onRead?: (readCount: number) => void
  /** Set to answer blueCapacity(); by default blue can carry. */
  blueReady?: Capacity
  /** Set to give the backend a settle step; it records the call and may throw. */
  settleWith?: (signal?: AbortSignal) => Promise<void>
  /** Quantizes every split to this grid (permille), like Route 53's 0-255 weights; 1 = none. */
  grid = 1
  private reads = 0
  private pending = 0

  constructor(startPercent = 0) {
    this.live = Split.ofPercent(startPercent)
  }

  async inspect(): Promise<Inspection<FakeNative>> {
    const sides: Sides = {
      blue: emptySide(),
      green: emptySide(),
      nameServers: [],
      loadBalancers: []
    }
    return { state: await this.read(), sides, warnings: [] }
  }

  async read(): Promise<LiveState<FakeNative>> {
    this.reads += 1
    this.onRead?.(this.reads)
    return this.stateOf(this.live)
  }

  quantize(split: Split): Split {
    const permille = Math.round(Math.round(split.permille / this.grid) * this.grid)
    return Split.ofPercent(Math.min(1000, permille) / 10)
  }

  plan(from: LiveState<FakeNative>, to: Split): Plan<FakeNative> {
    if (from.split.equals(to)) return { from, to, phases: [] }
    const phase: Phase<FakeNative> = {
      summary: `set ${describeFake(to)}`,
      calls: [{ service: 'fake', operation: 'SetWeights', parameters: { green: to.permille } }],
      expect: this.stateOf(to),
      movesTraffic: true
    }
    return { from, to, phases: [phase] }
  }

  restore(start: LiveState<FakeNative>, live: LiveState<FakeNative>): RestorePlan<FakeNative> {
    return { ...this.plan(live, start.split), exact: true }
  }

  async apply(phase: Phase<FakeNative>): Promise<void> {
    const split = phase.expect.split
    if (this.failApplyAt === split.percent) throw new Error(`apply ${split.percent}% refused`)
    if (this.failRollback && this.applied.length > 0 && split.percent < this.live.percent) {
      throw new Error('rollback refused')
    }
    this.applied.push(`apply ${split.percent}%`)
    this.live = split
    this.pending = this.pendingPolls
  }

  async verify(
    phase: Phase<FakeNative>,
    from: LiveState<FakeNative>
  ): Promise<Verification<FakeNative>> {
    const state = await this.read()
    if (state.fingerprint === phase.expect.fingerprint) {
      if (this.pending > 0) {
        this.pending -= 1
        return { status: 'pending', state, detail: 'converging' }
      }
      return { status: 'converged', state, detail: 'applied' }
    }
    if (state.fingerprint === from.fingerprint) {
      return { status: 'pending', state, detail: 'not applied yet' }
    }
    return { status: 'diverged', state, detail: `found ${state.detail}` }
  }

  async blueCapacity(_state: LiveState<FakeNative>, signal?: AbortSignal): Promise<Capacity> {
    // Like an SDK call given an aborted signal: a rollback must not pass the run's cancel signal.
    if (signal?.aborted) throw new CancelledError('blueCapacity was aborted')
    return this.blueReady ?? { ok: true, detail: 'fake blue can carry' }
  }

  get settle() {
    const settleWith = this.settleWith
    return settleWith
      ? (_state: LiveState<FakeNative>, signal?: AbortSignal) => settleWith(signal)
      : undefined
  }

  private stateOf(split: Split): LiveState<FakeNative> {
    const detail = describeFake(split)
    return { split, native: { permille: split.permille }, detail, fingerprint: detail }
  }
}

/** A gate that answers from a script: (call number, context) → result. */
export class ScriptedGate implements Gate {
  readonly contexts: GateContext[] = []
  readonly checkTimeoutMs = 30_000
  constructor(
    readonly name: string,
    private readonly script: (
      call: number,
      context: GateContext
    ) => GateResult | Promise<GateResult>,
    readonly intervalMs = 1000
  ) {}

  async check(context: GateContext): Promise<GateResult> {
    this.contexts.push(context)
    return this.script(this.contexts.length, context)
  }
}

export const PASS: GateResult = { status: 'pass', detail: 'ok' }
