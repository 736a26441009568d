import * as core from './toolkit.js'
import { context as githubContext } from './github-context.js'
import { createClients } from './aws/clients.js'
import { backendFor, MODE_NAMES } from './backends/index.js'
import { systemClock } from './clock.js'
import { describeError, InputError } from './errors.js'
import type { Sides } from './backends/sides.js'
import type { Gate } from './gates/gate.js'
import { GATES } from './gates/index.js'
import { probeUrlSecrets } from './gates/probe-urls.js'
import { leaseFor, readLeaseInputs } from './lease/index.js'
import { runUrlOf } from './lease/identity.js'
import { inputWarnings } from './action-inputs.js'
import type { InputReader } from './inputs.js'
import { withSettings } from './settings-file.js'
import type { Logger } from './logger.js'
import type { RunContext, RunRecord } from './record.js'
import { renderFailureAnnotation } from './report/annotation.js'
import { renderOutputs } from './report/outputs.js'
import { renderSummary } from './report/summary.js'
import { runShift } from './runner.js'
import { readCommonSettings } from './settings.js'

/**
 * The composition root: inputs → clients → backend + gates → runner → report. Every input is
 * read and validated before the first AWS client exists.
 */
export async function run(signal?: AbortSignal): Promise<RunRecord | undefined> {
  let read
  try {
    read = readAction()
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    core.setOutput('status', 'failed')
    core.setFailed(error.message)
    return undefined
  }
  const { settings, backendDefinition, modeSettings, gateSettings, breakLease } = read

  // With step debug logging on, each AWS call is a debug line with its request id.
  const clients = createClients(settings.region, {}, core.isDebug() ? core.debug : undefined)
  const logger = actionsLogger()
  const clock = systemClock
  const backend = backendDefinition.create(modeSettings, { clients, clock, logger })
  const lease = leaseFor(settings, modeSettings, { clients, clock, logger }, breakLease)
  // Gates are built once the inspection has found blue and green (no gate imports a backend).
  const gates = (sides: Sides): Gate[] => {
    const built: Gate[] = []
    for (const entry of gateSettings) {
      if (entry.settings === undefined) continue
      const deps = { clients, clock, logger, settings, mode: settings.mode, sides }
      const gate = entry.gate.create(entry.settings, deps)
      if (gate) built.push(gate)
    }
    logger.info(
      `${settings.dryRun ? 'Dry run: ' : ''}${backend.mode} on ${backend.target}; gates: ` +
        (built.map((gate) => gate.name).join(', ') || 'none')
    )
    return built
  }

  const record = await runShift({
    backend,
    gates,
    clock,
    logger,
    settings,
    context: runContext(),
    signal,
    lease,
    // What the post step needs to finish a rollback this process could not (src/post-run.ts).
    journal: { save: (key, value) => core.saveState(key, value) }
  })
  await report(record)
  return record
}

/**
 * Every input read and validated, before any AWS client exists (the post step reads the same
 * inputs the same way). Throws InputError.
 */
export function readAction() {
  // The settings block (one place for a reusable workflow's settings), inputs overriding it.
  const read: InputReader = withSettings((name) => core.getInput(name))
  // Probe URLs may carry credentials: masked in the log before anything can print them.
  for (const secret of probeUrlSecrets(read('probe-urls'))) core.setSecret(secret)
  const settings = readCommonSettings(read, MODE_NAMES)
  for (const warning of inputWarnings(process.env, settings.mode, read)) core.warning(warning)
  const backendDefinition = backendFor(settings.mode)
  const modeSettings = backendDefinition.readInputs(read, settings)
  const gateSettings = GATES.map((gate) => ({ gate, settings: gate.readInputs(read, settings) }))
  const breakLease = readLeaseInputs(read, settings.mode, modeSettings)
  return { settings, backendDefinition, modeSettings, gateSettings, breakLease }
}

/** Outputs, job summary (after `heading`, if any) and one annotation when the run failed. */
export async function report(record: RunRecord, heading = ''): Promise<void> {
  for (const [name, value] of Object.entries(renderOutputs(record))) core.setOutput(name, value)
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(heading + renderSummary(record)).write()
    } catch (error) {
      core.warning(`Could not write the job summary: ${describeError(error)}`)
    }
  }
  // Defined exactly when the run failed or rolled back.
  const annotation = renderFailureAnnotation(record)
  if (!annotation) return
  // One annotation per failure: setFailed would add a second one beside ours.
  core.error(annotation.message, { title: annotation.title })
  process.exitCode = 1
}

/** The runner's Logger on the toolkit, whose every printed text is neutralised. */
export function actionsLogger(): Logger {
  return {
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    // Failures become one annotation in report(); the log keeps the line without a second one.
    error: (message) => core.info(`Error: ${message}`),
    group: (name, fn) => core.group(name, fn)
  }
}

/** Who and what moved traffic, from the workflow run's environment. */
export function runContext(): RunContext {
  const { repository, sha, actor, workflow, job } = githubContext
  return {
    repository,
    // With the attempt: the lease names that URL, and a re-run is another run.
    runUrl: runUrlOf(),
    sha: sha || undefined,
    actor: actor || undefined,
    workflow: workflow || undefined,
    job: job || undefined
  }
}
