import type { LiveState, Phase, PlannedCall } from '../backends/backend.js'
import type { RunIdentity } from '../lease/lease.js'
import { Split } from '../split.js'
import type { JournalKey, RunState } from './state.js'

/**
 * What the main step saves (through the runner's state mechanism, $GITHUB_STATE) for the post
 * step to finish a rollback the main step could not: it was cancelled, killed or timed out.
 * Each entry is written synchronously the moment it is known, so a SIGKILL loses nothing that
 * was written to AWS: `run` before the first write, `in-flight` before every write, `verified`
 * after every verified phase, `verdict` once the run has one. A later entry of the same key
 * replaces the earlier one.
 */
export interface SavedRun {
  /** Who wrote it: the post step refuses inputs that name another mode or target. */
  mode: string
  target: string
  runUrl?: string
  /** The lease's holder (run URL and this process's lease id): the post step holds it as that. */
  lease?: RunIdentity
  start: LiveState
  towardBlue: boolean
  /** The last verified state (the start until a phase is verified). */
  verified: LiveState
  /** The phase written and not yet verified, if any. */
  inFlight?: { phase: Phase; from: LiveState }
  movedTraffic: boolean
  /** The main step's outcome; absent when it ended without one. */
  verdict?: string
}

/** A LiveState as JSON: its split as permille (Split is a class). */
interface SavedLive {
  permille: number
  native: unknown
  detail: string
  fingerprint: string
}

interface SavedPhase {
  summary: string
  calls: PlannedCall[]
  expect: SavedLive
  movesTraffic: boolean
}

/** Before the first write: what any rollback needs. */
export function saveRun(state: RunState, runUrl: string | undefined): void {
  const { backend, start } = state
  save(state, 'run', {
    mode: backend.mode,
    target: backend.target,
    runUrl,
    lease: state.lease?.identity,
    start: toSaved(start!),
    towardBlue: state.towardBlue
  })
  saveVerified(state)
}

export function saveInFlight(state: RunState): void {
  const flight = state.inFlight
  if (!flight) return save(state, 'in-flight', null)
  save(state, 'in-flight', {
    phase: phaseToSaved(flight.phase),
    from: toSaved(flight.from),
    movedTraffic: state.movedTraffic
  })
}

export function saveVerified(state: RunState): void {
  if (!state.lastVerified) return
  save(state, 'verified', { state: toSaved(state.lastVerified), movedTraffic: state.movedTraffic })
  if (!state.inFlight) save(state, 'in-flight', null)
}

/** The main step ended with an outcome: the post step has nothing to finish. */
export function saveVerdict(state: RunState): void {
  if (state.handedOff || !state.record.status) return
  state.journal?.save('verdict', state.record.status)
}

/** Reads what the main step saved; undefined when it saved nothing (it wrote nothing). */
export function readSavedRun(get: (key: JournalKey) => string): SavedRun | undefined {
  const run = parse<{
    mode: string
    target: string
    runUrl?: string
    lease?: RunIdentity
    start: SavedLive
    towardBlue: boolean
  }>(get, 'run')
  if (!run) return undefined
  const verified = parse<{ state: SavedLive; movedTraffic: boolean }>(get, 'verified')
  const flight = parse<{ phase: SavedPhase; from: SavedLive; movedTraffic: boolean }>(
    get,
    'in-flight'
  )
  return {
    mode: run.mode,
    target: run.target,
    runUrl: run.runUrl,
    lease: run.lease,
    start: fromSaved(run.start),
    towardBlue: run.towardBlue,
    verified: fromSaved(verified?.state ?? run.start),
    inFlight: flight
      ? { phase: phaseFromSaved(flight.phase), from: fromSaved(flight.from) }
      : undefined,
    movedTraffic: Boolean(flight?.movedTraffic || verified?.movedTraffic),
    verdict: get('verdict') || undefined
  }
}

function save(state: RunState, key: JournalKey, value: unknown): void {
  state.journal?.save(key, value === null ? '' : JSON.stringify(value))
}

function parse<T>(get: (key: JournalKey) => string, key: JournalKey): T | undefined {
  const text = get(key)
  if (!text) return undefined
  try {
    return JSON.parse(text) as T
  } catch {
    throw new Error(`The main step's saved state '${key}' is not JSON: ${text.slice(0, 80)}`)
  }
}

function toSaved(live: LiveState): SavedLive {
  const { split, native, detail, fingerprint } = live
  return { permille: split.permille, native, detail, fingerprint }
}

function fromSaved(saved: SavedLive): LiveState {
  const { permille, native, detail, fingerprint } = saved
  return { split: Split.ofPercent(permille / 10), native, detail, fingerprint }
}

function phaseToSaved(phase: Phase): SavedPhase {
  const { summary, calls, expect, movesTraffic } = phase
  return { summary, calls, expect: toSaved(expect), movesTraffic }
}

function phaseFromSaved(saved: SavedPhase): Phase {
  return { ...saved, expect: fromSaved(saved.expect) }
}
