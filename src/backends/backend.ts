import type { ClientFactory } from '../aws/clients.js'
import type { Clock } from '../clock.js'
import type { InputReader } from '../inputs.js'
import type { Logger } from '../logger.js'
import type { CommonSettings, Mode } from '../settings.js'
import type { Split } from '../split.js'
import type { Sides } from './sides.js'

/**
 * The backend contract (docs/architecture.md, "The backend contract"). A backend turns AWS into
 * data and back: inspect and read are read-only, plan and restore are pure, apply only writes,
 * verify only reads. Safety (what to write when, what counts as someone else's edit, when to
 * stop) is decided by the runner from these answers, once for every mode.
 */

/** An AWS call a backend makes or would make: shown by dry-run, kept in the record. */
export interface PlannedCall {
  service: string
  operation: string
  parameters: unknown
}

/**
 * What AWS shows now, in the backend's terms. `native` is plain JSON (no classes, no Dates): it
 * is saved at the start so a rollback (or a later post step) can put back exactly that, chained
 * by dry-run, and compared deep-equal by the conformance suite.
 */
export interface LiveState<N = unknown> {
  /** The split AWS applies now (derived from native, already on the backend's own grid). */
  split: Split
  /** Everything the run reads, owns or must put back: weights and the whole action list,
   * records, registrations (with health), attachments. */
  native: N
  /** For people: "blue 900 / green 100 (ALB weights)". */
  detail: string
  /**
   * What this run owns, as a comparable string. Two reads with the same fingerprint mean nobody
   * else changed it. Leaves out what AWS changes by itself (target health, Auto Scaling's own
   * scale-in, scale-out and replacements), which is not someone else's edit.
   */
  fingerprint: string
}

/** What inspect() found: the whole topology, checked before the first write. */
export interface Inspection<N = unknown> {
  state: LiveState<N>
  /** Blue and green as data, for gates (no gate imports a backend). */
  sides: Sides
  /** Things worth a warning that do not stop the run (e.g. a TTL longer than the bake). */
  warnings: string[]
}

/**
 * One phase of a plan: calls sent together, then verified before the next phase starts, so a
 * plan is make-before-break by construction (register green → green healthy → deregister blue).
 */
export interface Phase<N = unknown> {
  /** For the log: "register 2 green targets", "adopt the listener (green at weight 0)". */
  summary: string
  calls: PlannedCall[]
  /** What AWS shows once these calls have landed and converged. */
  expect: LiveState<N>
  /** True when the phase changes who takes traffic (an adoption at green 0 % does not). */
  movesTraffic: boolean
}

/** A pure plan from one state to a split; dry-run chains plans through `phases.at(-1).expect`. */
export interface Plan<N = unknown> {
  from: LiveState<N>
  /** The split the plan arrives at, as AWS can express it (quantized). */
  to: Split
  /** Empty when AWS is already there. */
  phases: Phase<N>[]
}

/** A plan back to where the run started. */
export interface RestorePlan<N = unknown> extends Plan<N> {
  /**
   * True when the plan ends in the starting native state exactly; false when AWS has moved on
   * (e.g. Auto Scaling terminated a blue instance) and it ends in the nearest state that carries
   * the same split. `note` says what differs; the summary shows it.
   */
  exact: boolean
  note?: string
}

/**
 * verify()'s answer, read-only:
 * - converged: AWS shows phase.expect (and has finished: INSYNC and TTL, targets healthy);
 * - pending: on the way there (written, not yet in sync; targets in `initial`);
 * - diverged: AWS shows something neither `from` nor `expect` nor a state between them:
 *   someone else's edit. The run stops without writing over it.
 * - failed: AWS will not get there by itself (green targets `unhealthy`): the run rolls back.
 */
export type Verification<N = unknown> =
  | { status: 'converged'; state: LiveState<N>; detail: string }
  | { status: 'pending'; state: LiveState<N>; detail: string }
  | { status: 'diverged'; state: LiveState<N>; detail: string }
  | { status: 'failed'; state: LiveState<N>; detail: string }

/** Whether blue has healthy capacity for traffic moved toward it. */
export interface Capacity {
  ok: boolean
  detail: string
}

/**
 * One way of moving traffic. The runner sees only this and never names a provider. No method
 * trusts that AWS is where an earlier call left it: read, verify and inspect always read live.
 * A backend must pass the conformance suite (test/contract/).
 */
export interface TrafficBackend<N = unknown> {
  /** The mode name, e.g. 'weighted-target-groups'. */
  readonly mode: string
  /** What traffic this backend moves, for the report (e.g. the listener ARN). */
  readonly target: string
  /**
   * Read-only: checks every input against AWS and the whole topology (kinds, regions, accounts,
   * who forwards to what, target types, zones and records, Auto Scaling groups). Throws
   * InputError naming the input, what AWS shows and what is accepted. Nothing is written.
   */
  inspect(signal?: AbortSignal): Promise<Inspection<N>>
  /** Read-only: the live state. */
  read(signal?: AbortSignal): Promise<LiveState<N>>
  /** The split AWS can actually express nearest to `split`, given the state (pure). */
  quantize(split: Split, state: LiveState<N>): Split
  /**
   * Pure: the phases that take `from` to `to` (the runner passes a quantized split). The first
   * plan of a run includes any adoption (a phase that moves no traffic).
   */
  plan(from: LiveState<N>, to: Split): Plan<N>
  /**
   * Pure: the phases that take `live` back to `start`'s native state, undoing an adoption too;
   * where that is no longer possible, to the nearest state with start's split (exact: false).
   */
  restore(start: LiveState<N>, live: LiveState<N>): RestorePlan<N>
  /**
   * Sends one phase's calls. Only writes; never reads to decide what to write. A write whose
   * response was lost and that the SDK retried (so AWS refuses the repeat) is not an error here:
   * verify() tells whether it landed.
   */
  apply(phase: Phase<N>, signal?: AbortSignal): Promise<void>
  /** Read-only: where AWS is between `from` and `phase.expect`. */
  verify(phase: Phase<N>, from: LiveState<N>, signal?: AbortSignal): Promise<Verification<N>>
  /**
   * Read-only: whether blue can take the traffic a move toward it would give it. `state` is
   * the live state; a backend whose native state carries blue's health answers from it alone.
   */
  blueCapacity(state: LiveState<N>, signal?: AbortSignal): Promise<Capacity>
  /**
   * Optional, after the last bake: waits for what must finish before the run is done (targets
   * draining), bounded by the backend; throws SettleError naming what is still in flight. Moves
   * no traffic either way.
   */
  settle?(state: LiveState<N>, signal?: AbortSignal): Promise<void>
}

/** Shared services a backend is built with. */
export interface BackendDeps {
  /** Builds (once) any SDK v3 client a mode needs: `clients.get(ElasticLoadBalancingV2Client)`. */
  clients: ClientFactory
  clock: Clock
  logger: Logger
}

/** A registry entry: how a mode reads its own inputs and builds its backend. */
export interface BackendDefinition<S = unknown> {
  mode: Mode
  /**
   * Parses and validates this mode's inputs (the common ones are already parsed and given);
   * throws InputError. No AWS call.
   */
  readInputs(read: InputReader, common: CommonSettings): S
  /** The input names this mode reads (for warnings about inputs of another mode). */
  inputs: readonly string[]
  create(settings: S, deps: BackendDeps): TrafficBackend
}
