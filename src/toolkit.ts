/**
 * The one seam between the action and the Actions runner: @actions/core under its own names,
 * so the protocol (INPUT_* variables, the GITHUB_OUTPUT/GITHUB_STATE files, the job summary,
 * workflow commands) is GitHub's to keep correct, and `npm run local-action` sees our outputs.
 *
 * Every text that is printed passes neutraliseCommands first: messages carry text from outside
 * the action (alarm reasons, DNS answers, AWS errors), and core prints `info` as it is.
 */
import * as core from '@actions/core'
import { neutraliseCommands } from './log-safety.js'

export type AnnotationProperties = core.AnnotationProperties

/**
 * Inputs and outputs are data (a file, or one escaped command line): nothing to neutralise.
 * core's `summary` keeps the GITHUB_STEP_SUMMARY it first wrote to for the process's life, as a
 * step has one; a test that runs the action twice in one process sees the first file grow.
 */
export { getInput, getState, isDebug, setOutput, setSecret, summary } from '@actions/core'

export function info(message: string): void {
  core.info(neutraliseCommands(message))
}

/** Shown only when the run has step debug logging on (ACTIONS_STEP_DEBUG or a re-run with it). */
export function debug(message: string): void {
  core.debug(neutraliseCommands(message))
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  core.warning(neutraliseCommands(message), safeProperties(properties))
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  core.error(neutraliseCommands(message), safeProperties(properties))
}

/** Fails the step: exit code 1, and the message as an error annotation. */
export function setFailed(message: string): void {
  core.setFailed(neutraliseCommands(message))
}

/** Runs fn inside a collapsible log group. */
export function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return core.group(neutraliseCommands(name), fn)
}

let toldNoState = false

/**
 * State for the post step, in the GITHUB_STATE file. Without that file (a run by hand, which has
 * no post step) nothing is saved: core would print the whole saved run to stdout instead, as a
 * deprecated `::save-state::` command. Said once, as a debug line.
 */
export function saveState(name: string, value: string): void {
  if (process.env.GITHUB_STATE) return core.saveState(name, value)
  if (toldNoState) return
  toldNoState = true
  debug('No GITHUB_STATE (not a runner step, so no post step): the run is not saved for one')
}

function safeProperties(properties: AnnotationProperties): AnnotationProperties {
  return properties.title === undefined
    ? properties
    : { ...properties, title: neutraliseCommands(properties.title) }
}
