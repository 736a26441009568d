/**
 * The RunRecord: every transition of a run as a timestamped event. The summary, outputs and
 * annotations are pure renderings of it.
 */
export type RunStatus = 'succeeded' | 'rolled-back' | 'failed' | 'no-op' | 'planned'

export interface GateCheck {
  gate: string
  status: 'pass' | 'pending' | 'fail'
  detail: string
  at: number
}

export interface StepRecord {
  index: number
  /** Percent to green before and after the step. */
  fromPercent: number
  toPercent: number
  /** Native form of the target split, e.g. "blue 900 / green 100". */
  native: string
  startedAt: number
  /** When AWS agreed with the write (ms since epoch); undefined when it never did. */
  convergedAt?: number
  bakeMs: number
  finishedAt?: number
  outcome: 'passed' | 'failed' | 'cancelled' | 'error' | 'running'
  /** The last result of each gate during this step. */
  gates: GateCheck[]
}

export type EventKind =
  | 'start'
  | 'prepared'
  | 'planned'
  | 'ready'
  | 'shift'
  | 'converged'
  | 'settled'
  | 'gate-failed'
  | 'error'
  | 'cancelled'
  | 'rollback'
  | 'rollback-failed'
  | 'out-of-band'
  | 'done'

export interface RunEvent {
  at: number
  kind: EventKind
  /** Percent to green live after this event, when it changed or was read. */
  percent?: number
  message: string
}

export interface RunContext {
  repository?: string
  runUrl?: string
  sha?: string
  actor?: string
  workflow?: string
  job?: string
}

export interface RunRecord {
  mode: string
  target: string
  context: RunContext
  startedAt: number
  finishedAt?: number
  startPercent?: number
  requestedPercent: number
  rollbackPercent?: number
  schedule: number[]
  dryRun: boolean
  steps: StepRecord[]
  events: RunEvent[]
  /** For dry-run: the calls the run would make, in order. */
  plannedCalls: { service: string; operation: string; parameters: unknown }[]
  status?: RunStatus
  finalPercent?: number
  finalNative?: string
  /** Why the run did not succeed, in one sentence. */
  failure?: string
  /**
   * The gate check that ended the run, when a gate did. Lets the report name the gate even when
   * it failed outside a step (while waiting for green to be ready).
   */
  failedGate?: GateCheck
}
