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
  /** When the gate was asked: before a shift, while a write converged, or during a bake. */
  phase?: 'ready' | 'converge' | 'bake'
  /** What the gate measured, as numbers, for the report (detail says it in words). */
  observation?: GateObservation
}

/** One side's ALB figures over the minutes a gate looked at. */
export interface SideFigures {
  /** RequestCount. */
  requests: number
  /** HTTPCode_Target_5XX_Count. */
  errors: number
  /** TargetResponseTime p99 in seconds; absent when not read or CloudWatch had none. */
  p99?: number
}

/** The running evidence of one sequential check: it fails once eValue reaches threshold (1/α). */
export interface Evidence {
  check: string
  status: 'pass' | 'pending' | 'fail'
  eValue: number
  threshold: number
}

/**
 * A gate's measurement as data, so the report renders numbers instead of parsing details. Every
 * field is optional: each gate fills what it measures.
 */
export interface GateObservation {
  /** The CloudWatch minutes the figures cover, [start, end) in ms since epoch. */
  window?: { start: number; end: number }
  /** Green's observed share of the requests (0 to 1), e.g. traffic-split's judged share. */
  greenShare?: number
  green?: SideFigures
  blue?: SideFigures
  /** The sequential checks' evidence over every minute since green first took traffic. */
  evidence?: Evidence[]
}

/** One phase of a step, as applied: its calls were sent, then verified. */
export interface PhaseRecord {
  summary: string
  movesTraffic: boolean
  /** Percent to green once the phase has converged (the applied split). */
  toPercent: number
  appliedAt: number
  /** When AWS showed the phase's state; undefined when it never did. */
  convergedAt?: number
}

export interface StepRecord {
  index: number
  /** Percent to green before and after the step, as AWS applies it (quantized). */
  fromPercent: number
  toPercent: number
  /** The percent the schedule asked for; differs from toPercent where AWS cannot express it. */
  requestedPercent?: number
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
  /** The phases applied in this step, in order (make-before-break). */
  phases?: PhaseRecord[]
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
  /** The requested percent as AWS can express it from the start (quantized). */
  targetPercent?: number
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
  /**
   * How a rollback to the start went back: exactly to the native state the run found, or (where
   * AWS had moved on, e.g. an instance Auto Scaling terminated) to the nearest state with the same
   * split; `note` says what differs. Absent when no rollback to the start was planned.
   */
  restore?: { exact: boolean; note?: string }
  /** What the backend's inspection warned about (it did not stop the run). */
  warnings?: string[]
}
