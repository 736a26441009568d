import type { Sides } from '../backends/sides.js'
import type { ClientFactory } from '../aws/clients.js'
import type { Clock } from '../clock.js'
import type { InputReader } from '../inputs.js'
import type { Logger } from '../logger.js'
import type { GateObservation } from '../record.js'
import type { CommonSettings, Mode } from '../settings.js'
import type { Split } from '../split.js'

export type GateStatus = 'pass' | 'pending' | 'fail'

export interface GateResult {
  status: GateStatus
  /** What the gate saw, for the log, the summary and the failure annotation. */
  detail: string
  /** The same as numbers, recorded on the step for the report; gates that measure fill it. */
  observation?: GateObservation
}

export interface GateContext {
  /**
   * 'ready': before a shift that needs green ready; 'converge': while a write that moved traffic
   * converges (INSYNC, TTL, targets turning healthy, draining); 'bake': while traffic sits at a
   * split.
   */
  phase: 'ready' | 'converge' | 'bake'
  /** The split AWS applies right now (quantized: what the backend really expresses). */
  split: Split
  /** When the split last changed (ms on the run's clock), for gates that look at a window. */
  since: number
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
  /**
   * The longest one check may take before the runner counts it as failed ("did not answer in
   * N s"); each gate is checked on its own, so a hung one never delays the others.
   */
  readonly checkTimeoutMs: number
  /**
   * Optional, read-only, before the run's first write: checks what the gate's inputs name
   * (a health check that exists and can be read). Throws InputError.
   */
  inspect?(signal?: AbortSignal): Promise<void>
  check(context: GateContext): Promise<GateResult>
}

/** Shared services a gate is built with, once the topology is inspected. */
export interface GateDeps {
  clients: ClientFactory
  clock: Clock
  logger: Logger
  settings: CommonSettings
  mode: Mode
  /** Blue and green as the backend's inspection found them. */
  sides: Sides
}

/** A registry entry: how a gate reads its own inputs and is built. */
export interface GateDefinition<S = unknown> {
  name: string
  /** The input names this gate reads (for warnings about unknown inputs). */
  inputs: readonly string[]
  /** Parses this gate's inputs; undefined when the user did not configure it. No AWS call. */
  readInputs(read: InputReader, common: CommonSettings): S | undefined
  /** Builds the gate; undefined when it does not apply (e.g. no target group in `sides`). */
  create(settings: S, deps: GateDeps): Gate | undefined
}
