import type { AwsClients } from '../aws/clients.js'
import type { Clock } from '../clock.js'
import type { InputReader } from '../inputs.js'
import type { Logger } from '../logger.js'
import type { CommonSettings, Mode } from '../settings.js'
import type { Split } from '../split.js'

/** What a backend reads from AWS: the split, and how AWS expresses it. */
export interface Observation {
  split: Split
  /** Native form for people, e.g. "blue 900 / green 100 (ALB weights)". */
  detail: string
  /**
   * Everything this run owns in the live state, as a comparable string. Two reads with the same
   * fingerprint mean nobody else changed our traffic in between.
   */
  fingerprint: string
}

/** An AWS call a backend would make, shown by dry-run and in the report. */
export interface PlannedCall {
  service: string
  operation: string
  parameters: unknown
}

/** Traffic resources that must exist, found and made ready (e.g. adoption) by prepare(). */
export interface Preparation {
  /** One line per change prepare() made (or, in dry-run, would make). Empty when none. */
  changes: string[]
  calls: PlannedCall[]
}

/**
 * One way of moving traffic. The runner sees only this interface and never names a provider.
 * Every method reads live state itself: never trust that AWS is where the last call left it.
 */
export interface TrafficBackend {
  /** The mode name, e.g. 'weighted-target-groups'. */
  readonly mode: string
  /** What traffic this backend moves, for the report (e.g. the listener ARN). */
  readonly target: string
  /**
   * Checks the resources and brings them into a shape that can be shifted without moving any
   * traffic (e.g. adopts a forward-to-blue listener as a weighted pair with green at 0).
   * In dry-run, makes no mutating call and returns what it would do.
   */
  prepare(dryRun: boolean): Promise<Preparation>
  read(): Promise<Observation>
  /**
   * The exact calls a step to the split would make, without making them. Dry-run calls it once
   * per step, in order: each call plans from the state the previous plan() would have left once
   * its step converged (a backend keeps that simulated state; prepare() and read() reset it), so
   * every step lists the calls a real run would make at that point, not the ones from the start.
   */
  plan(split: Split): Promise<PlannedCall[]>
  /** Moves traffic to the split, make-before-break. Returns the calls it made. */
  apply(split: Split): Promise<PlannedCall[]>
  /** True when AWS reports the split as applied and converged (e.g. Route 53 INSYNC). */
  converged(split: Split): Promise<boolean>
  /** Native form of a split, for the report ("10 % → weights 26/229"). */
  describe(split: Split): string
  /** Where green's capacity is registered (target-health gate); empty when not on an ELB. */
  healthScope(): HealthScope[]
  /**
   * Optional: after the last bake, waits for what must finish before the run can call itself
   * done (e.g. deregistered targets draining), bounded by the backend. The signal aborts it.
   */
  settle?(signal?: AbortSignal): Promise<void>
  /**
   * Optional: whether blue has healthy capacity for traffic moved toward it (a rollback, a
   * ramp down). Backends that cannot tell leave it out.
   */
  blueCanCarry?(): Promise<{ ok: boolean; detail: string }>
}

/** Where green's capacity is registered, watched by the target-health gate. */
export interface HealthScope {
  targetGroupArn: string
  /** Target ids to watch; every registered target of the group when absent. */
  targetIds?: string[]
}

/** Shared services a backend is built with. */
export interface BackendDeps {
  clients: AwsClients
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
  create(settings: S, deps: BackendDeps): TrafficBackend
}
