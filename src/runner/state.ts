import type { LiveState, Phase, TrafficBackend } from '../backends/backend.js'
import type { Sides } from '../backends/sides.js'
import type { Clock } from '../clock.js'
import type { Gate } from '../gates/gate.js'
import type { Lease } from '../lease/lease.js'
import type { Logger } from '../logger.js'
import type { EventKind, RunContext, RunRecord, RunStatus } from '../record.js'
import type { CommonSettings } from '../settings.js'
import { Split } from '../split.js'
import { GateWatch } from './gate-watch.js'

export type RunnerSettings = Pick<
  CommonSettings,
  | 'traffic'
  | 'schedule'
  | 'bakeMs'
  | 'rollbackTo'
  | 'dryRun'
  | 'verifyTimeoutMs'
  | 'healthTimeoutMs'
> &
  Partial<Pick<CommonSettings, 'rollbackTimeoutMs'>>

/** What the runner saves as it goes, for a post step to finish a run that could not (see saved.ts). */
export interface Journal {
  save(key: JournalKey, value: string): void
}

export type JournalKey = 'run' | 'verified' | 'in-flight' | 'verdict'

export interface RunnerOptions {
  backend: TrafficBackend
  /**
   * Builds the gates from blue and green as the backend's inspection found them; called once,
   * after inspection and before the first write. May throw InputError.
   */
  gates: (sides: Sides) => Gate[]
  clock: Clock
  logger: Logger
  settings: RunnerSettings
  context?: RunContext
  /** Aborted on SIGINT/SIGTERM: the runner stops waiting and rolls back. */
  signal?: AbortSignal
  /** Taken before the first write, checked and renewed before each, released at the end. */
  lease?: Lease
  /** Where the run saves what a post step needs to finish its rollback. */
  journal?: Journal
}

/** What a run knows as it goes: shared by its parts (run, phases, rollback). */
export interface RunState {
  readonly backend: TrafficBackend
  readonly clock: Clock
  readonly log: Logger
  readonly settings: RunnerSettings
  readonly signal?: AbortSignal
  readonly lease?: Lease
  readonly journal?: Journal
  readonly record: RunRecord
  /** Built once the gates are (no gates before inspection). */
  watch: GateWatch
  /** What AWS showed when the run started, once inspected. */
  start?: LiveState
  /** What AWS showed after our last verified phase (or at the start). */
  lastVerified?: LiveState
  /** The phase written and not yet verified, with the state it started from. */
  inFlight?: { phase: Phase; from: LiveState }
  /** Some phase was written (an adoption counts): there may be something to undo. */
  wrote: boolean
  /** Some phase that moves traffic was written. */
  movedTraffic: boolean
  /** This run moves traffic toward blue (a manual rollback, or a ramp down). */
  towardBlue: boolean
  /** The ready check: never done, done with no traffic moved since, or done before a move. */
  ready: 'never' | 'fresh' | 'stale'
  /** The split gates are told, and since when AWS applies it. */
  current: { split: Split; since: number }
  /** Set when a cancelled rollback ran out of time: what is left for the post step. */
  handedOff?: string
}

export function newRunState(options: RunnerOptions): RunState {
  const { backend, clock, settings } = options
  return {
    backend,
    clock,
    log: options.logger,
    settings,
    signal: options.signal,
    lease: options.lease,
    journal: options.journal,
    record: {
      mode: backend.mode,
      target: backend.target,
      context: options.context ?? {},
      startedAt: clock.now(),
      requestedPercent: settings.traffic.percent,
      rollbackPercent: settings.rollbackTo === 'start' ? undefined : settings.rollbackTo.percent,
      schedule: settings.schedule.points.map((point) => point.percent),
      dryRun: settings.dryRun,
      steps: [],
      events: [],
      plannedCalls: []
    },
    watch: new GateWatch([], clock, options.logger),
    wrote: false,
    movedTraffic: false,
    towardBlue: false,
    ready: 'never',
    // Set from the inspection, before any gate is asked.
    current: { split: Split.BLUE, since: clock.now() }
  }
}

const FAILURE_EVENTS = new Set<EventKind>([
  'gate-failed',
  'error',
  'cancelled',
  'out-of-band',
  'rollback-failed'
])

export function event(state: RunState, kind: EventKind, message: string, percent?: number): void {
  state.record.events.push({ at: state.clock.now(), kind, percent, message })
  // Failures are logged once, as errors, where they are handled.
  if (!FAILURE_EVENTS.has(kind)) state.log.info(message)
}

export function finish(state: RunState, status: RunStatus, live: LiveState | undefined): void {
  state.record.status = status
  state.record.finalPercent = live?.split.percent
  state.record.finalNative = live?.detail
}

export async function readQuietly(state: RunState): Promise<LiveState | undefined> {
  try {
    return await state.backend.read()
  } catch {
    return undefined
  }
}
