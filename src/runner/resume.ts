import { UnfinishedRunError } from '../errors.js'
import type { RunRecord } from '../record.js'
import { releaseLease, resumeLease } from './lease.js'
import { handleFailure } from './rollback.js'
import type { SavedRun } from './saved.js'
import { event, newRunState, type RunnerOptions, type RunState } from './state.js'

/**
 * The post step's half of a run the main step could not finish (cancelled past its grace,
 * killed, timed out): the same rollback as in the main step, from what it saved: restore to the
 * saved start, only over the run's own writes (the last verified state, or the phase in flight),
 * persisting through AWS trouble within rollback-timeout, under the main step's lease
 * (`options.lease`, built with the saved identity). Never throws.
 */
export async function resumeRollback(
  options: Omit<RunnerOptions, 'gates' | 'signal'>,
  saved: SavedRun,
  why: string
): Promise<RunRecord> {
  const state = newRunState({ ...options, gates: () => [] })
  state.start = saved.start
  state.lastVerified = saved.verified
  state.inFlight = saved.inFlight
  // The main step saved the run before its first write: there may be something to undo.
  state.wrote = true
  state.movedTraffic = saved.movedTraffic
  state.towardBlue = saved.towardBlue
  state.current = { split: saved.verified.split, since: state.clock.now() }
  state.record.startPercent = saved.start.split.percent
  if (options.settings.rollbackTo === 'start')
    state.record.rollbackPercent = saved.start.split.percent
  event(
    state,
    'start',
    `Post step: finishing the run on ${saved.target}, which started at ${saved.start.detail}`
  )
  try {
    // The main step's lease, held again under its saved identity: checked (and Route 53's
    // renewed inside the batch) before every rollback write, released at the end.
    await resumeLease(state)
  } catch (lost) {
    // Another run took the lease (break-lease, or after it expired): write nothing over it.
    await handleFailure(state, lost)
    return finished(state)
  }
  await handleFailure(state, new UnfinishedRunError(why))
  await releaseLease(state)
  return finished(state)
}

function finished(state: RunState): RunRecord {
  state.record.finishedAt = state.clock.now()
  event(state, 'done', `Post step: run ${state.record.status}`, state.record.finalPercent)
  return state.record
}
