import * as core from './toolkit.js'
import { createClients } from './aws/clients.js'
import { systemClock } from './clock.js'
import { InputError } from './errors.js'
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
 * with one annotation when AWS could not be put back.
 */
export async function postRun(): Promise<RunRecord | undefined> {
  const saved = readSavedRun((key) => core.getState(key))
  if (!saved) {
    core.info('Post step: the main step wrote nothing to AWS; nothing to finish.')
    return undefined
  }
  if (saved.verdict) {
    // Nothing is held between steps yet (no lease): releasing is saying so.
    core.info(`Post step: the main step ended ${saved.verdict}; nothing to finish.`)
    return undefined
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
    core.setOutput('status', 'failed')
    core.setFailed(`Post step could not finish the rollback: ${error.message}`)
    return undefined
  }
  const { settings, backendDefinition, modeSettings } = read
  const logger = actionsLogger()
  const clock = systemClock
  const backend = backendDefinition.create(modeSettings, {
    clients: createClients(settings.region),
    clock,
    logger
  })
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
    { backend, clock, logger, settings, context: runContext() },
    saved,
    'cancelled, killed or timed out'
  )
  await report(record, heading(saved))
  return record
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
