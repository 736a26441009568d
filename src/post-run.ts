import * as core from './toolkit.js'
import { createClients } from './aws/clients.js'
import { systemClock } from './clock.js'
import { describeError, InputError } from './errors.js'
import { leaseFor } from './lease/index.js'
import { type Lease, LeaseLostError } from './lease/lease.js'
import type { Logger } from './logger.js'
import type { RunRecord } from './record.js'
import { resumeRollback } from './runner/resume.js'
import { escapeText } from './report/escape.js'
import { readSavedRun, type SavedRun } from './runner/saved.js'
import { actionsLogger, readAction, report, runContext } from './run.js'

const DETAIL_MAX = 300

/**
 * The post step (`runs.post`, `post-if: always()`): the runner starts it after the main step,
 * also after a cancel, a kill or a step timeout, with what the main step saved as STATE_*.
 * A main step that reached a verdict leaves nothing to do. One that did not (its process died,
 * or its cancel grace ran out mid-rollback) is finished here: the backend is built from the same
 * inputs, the live state read, and the run's own writes restored to the saved start, verified
 * within rollback-timeout; the job summary and outputs say what happened, and the step fails
 * with one annotation when AWS could not be put back. It holds the main step's lease under the
 * identity the main step saved, and releases it at the end (after a verdict too, if still held).
 */
export async function postRun(): Promise<RunRecord | undefined> {
  const saved = readSavedRun((key) => core.getState(key))
  if (!saved) {
    core.info('Post step: the main step wrote nothing to AWS; nothing to finish.')
    return undefined
  }
  if (saved.verdict) {
    core.info(`Post step: the main step ended ${saved.verdict}; nothing to finish.`)
    // No lease to look at (a mode without one): nothing held.
    if (!saved.lease) return undefined
  }
  let read
  try {
    read = readAction()
    // The same inputs as the main step: another mode would be another run.
    if (read.settings.mode !== saved.mode) {
      throw new InputError('mode', read.settings.mode, `the main step's mode, ${saved.mode}`)
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    if (saved.verdict) {
      core.warning(`Post step could not check the main step's lease: ${error.message}`)
      return undefined
    }
    core.setOutput('status', 'failed')
    core.setFailed(`Post step could not finish the rollback: ${error.message}`)
    return undefined
  }
  const { settings, backendDefinition, modeSettings } = read
  const logger = actionsLogger()
  const clock = systemClock
  const deps = { clients: createClients(settings.region), clock, logger }
  // The main step's own lease, under the identity it saved: never a new holder.
  const lease = saved.lease && leaseFor(settings, modeSettings, deps, false, saved.lease)
  if (saved.verdict) {
    if (lease) await releaseHeld(lease, saved, logger)
    return undefined
  }
  const backend = backendDefinition.create(modeSettings, deps)
  if (backend.target !== saved.target) {
    core.setOutput('status', 'failed')
    core.setFailed(
      `Post step could not finish the rollback: its inputs name ${backend.target}, but the main ` +
        `step moved ${saved.target}`
    )
    return undefined
  }
  logger.warning(
    `The main step ended without a verdict (cancelled, killed or timed out): finishing its ` +
      `rollback to ${saved.start.detail} within ${settings.rollbackTimeoutMs / 1000}s`
  )
  const record = await resumeRollback(
    { backend, clock, logger, settings, context: runContext(), lease },
    saved,
    'cancelled, killed or timed out'
  )
  await report(record, heading(saved))
  return record
}

/**
 * After a verdict the main step has released its lease, unless that release failed: then it
 * still holds it until it expires, blocking the next run. Released here when still the run's.
 */
async function releaseHeld(lease: Lease, saved: SavedRun, logger: Logger): Promise<void> {
  try {
    await lease.resume()
  } catch (error) {
    // Released by the main step (nobody holds it), or another run's now: not ours to touch.
    if (error instanceof LeaseLostError) return
    logger.warning(
      `Could not read the lease on ${lease.resource} (it expires by itself): ${describeError(error)}`
    )
    return
  }
  try {
    await lease.release({ status: saved.verdict!, movedTraffic: saved.movedTraffic })
    logger.info(`Released the main step's lease on ${lease.resource}`)
  } catch (error) {
    logger.warning(
      `Could not release the lease on ${lease.resource} (it expires by itself): ${describeError(error)}`
    )
  }
}

/** What the main step left, from what it saved: it may have died before writing a summary. */
function heading(saved: SavedRun): string {
  const line = (label: string, value: string): string =>
    `- ${label}: ${escapeText(value, DETAIL_MAX)}\n`
  return (
    '## Post step: finishing a run that ended without a verdict\n\n' +
    line('The main step started at', saved.start.detail) +
    line('Its last verified state', saved.verified.detail) +
    (saved.inFlight ? line('Its phase in flight', saved.inFlight.phase.summary) : '') +
    (saved.runUrl ? line('Run', saved.runUrl) : '') +
    '\n'
  )
}
