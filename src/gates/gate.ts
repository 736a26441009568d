import type { AwsClients } from '../aws/clients.js'
import type { TrafficBackend } from '../backends/backend.js'
import type { Clock } from '../clock.js'
import type { InputReader } from '../inputs.js'
import type { Logger } from '../logger.js'
import type { CommonSettings } from '../settings.js'
import type { Split } from '../split.js'

export type GateStatus = 'pass' | 'pending' | 'fail'

export interface GateResult {
  status: GateStatus
  /** What the gate saw, for the log, the summary and the failure annotation. */
  detail: string
}

export interface GateContext {
  /** 'ready': before a shift that needs green ready; 'bake': while traffic sits at a split. */
  phase: 'ready' | 'bake'
  /** The split live right now. */
  split: Split
  /**
   * Aborted when the run is cancelled: a gate stops waiting (HTTP, AWS calls) and throws
   * CancelledError, so rollback can start within the runner's cancel grace period.
   */
  signal?: AbortSignal
}

/**
 * One health signal. A gate that needs time (targets in `initial`) answers 'pending' and turns
 * that into 'fail' itself once its own timeout passes, with the reason it saw.
 */
export interface Gate {
  /** The gate's kind, e.g. 'target-health'. */
  readonly name: string
  /** How often the runner should ask, in milliseconds. */
  readonly intervalMs: number
  check(context: GateContext): Promise<GateResult>
}

/** Shared services a gate is built with. */
export interface GateDeps {
  clients: AwsClients
  clock: Clock
  logger: Logger
  backend: TrafficBackend
  settings: CommonSettings
}

/** A registry entry: how a gate reads its own inputs and is built. */
export interface GateDefinition<S = unknown> {
  name: string
  /** Parses this gate's inputs; undefined when the user did not configure it. No AWS call. */
  readInputs(read: InputReader, common: CommonSettings): S | undefined
  /** Builds the gate; undefined when it does not apply to this mode (e.g. no ELB to watch). */
  create(settings: S, deps: GateDeps): Gate | undefined
}
