/**
 * The part of @actions/core this action uses, with the same names, written on the runner's
 * documented protocol: inputs in INPUT_* variables, outputs and the job summary appended to the
 * files the runner names, workflow commands (`::error title=…::message`) on stdout.
 *
 * Why not @actions/core itself: it always loads its OIDC client, and with it undici, a quarter
 * of the bundle that Node parses and runs on every start for a token this action never asks for
 * (`npm run bench`, cold start).
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'

/** An input as the runner passes it: INPUT_ + the name upper-cased, spaces as _; trimmed. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/**
 * Appends `name<<delimiter`, the value, then the delimiter to $GITHUB_OUTPUT, with a random
 * delimiter the value cannot contain; without that file (a run by hand), prints set-output.
 */
export function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT
  if (!file) return issue('set-output', value, { name })
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Output ${name} contains its own delimiter`)
  }
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
}

/**
 * Saves a value for this action's post step: appended to $GITHUB_STATE with a random delimiter, as
 * @actions/core does; the runner hands it to the post step as STATE_<name>. Without that file (a
 * run by hand) it prints nothing: the state would be lost anyway.
 */
export function saveState(name: string, value: string): void {
  const file = process.env.GITHUB_STATE
  if (!file) return
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`State ${name} contains its own delimiter`)
  }
  // Synchronous: a step killed right after must still leave what it saved.
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
}

/** A value the main step saved, in the post step ('' when none). */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? ''
}

export interface AnnotationProperties {
  title?: string
}

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`)
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  issue('warning', message, { ...properties })
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  issue('error', message, { ...properties })
}

/** Fails the step: exit code 1, and the message as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/** Runs fn inside a collapsible log group. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  issue('group', name)
  try {
    return await fn()
  } finally {
    issue('endgroup', '')
  }
}

/** The job summary: Markdown appended to $GITHUB_STEP_SUMMARY. */
export const summary = {
  addRaw(markdown: string) {
    return {
      async write(): Promise<void> {
        const file = process.env.GITHUB_STEP_SUMMARY
        if (!file) throw new Error('GITHUB_STEP_SUMMARY is not set: no job summary to write to')
        await appendFile(file, markdown, 'utf8')
      }
    }
  }
}

/** `::command key=value,…::data`, escaped so no value can end the command or start another. */
function issue(command: string, data: string, properties: Record<string, string | undefined> = {}) {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',')
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(data)}${EOL}`)
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}
