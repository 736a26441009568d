/**
 * Runs the bundled action (dist/index.js) as a process the way a runner does: inputs as INPUT_*
 * variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. The demo and the e2e tests use it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The bundled action, as committed: what a workflow runs. */
export const ACTION = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/index.js')
/** The bundled post step (runs.post), which the runner starts after the main step. */
export const POST_ACTION = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/post/index.js')

export interface ActionResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  outputs: Record<string, string>
  summary: string
  /** What the step saved for its post step (GITHUB_STATE), by name: the last value of each. */
  state: Record<string, string>
  /** Where the job summary was written. */
  summaryPath: string
  /** Milliseconds from spawn to exit. */
  elapsedMs: number
}

export interface RunningAction {
  process: ChildProcess
  /** Resolves once stdout has printed a line matching the pattern. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>
  done: Promise<ActionResult>
}

/**
 * Inputs keyed by their action.yml names, e.g. { 'listener-arn': … }. `entry` is POST_ACTION for
 * the post step, given the main step's state as the runner gives it: { STATE_name: value }.
 */
export function startAction(
  inputs: Record<string, string>,
  env: Record<string, string>,
  entry = ACTION
): RunningAction {
  const dir = mkdtempSync(join(tmpdir(), 'aws-traffic-shift-e2e-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary.md')
  const stateFile = join(dir, 'state')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(stateFile, '')
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
  )
  const started = Date.now()
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_STATE: stateFile,
      GITHUB_REPOSITORY: 'octo/shop',
      GITHUB_RUN_ID: '42',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: 'c0ffee0000000000000000000000000000000000',
      GITHUB_ACTOR: 'e2e',
      GITHUB_WORKFLOW: 'deploy',
      GITHUB_JOB: 'shift',
      ...env,
      ...inputEnv
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = []
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    stdout += chunk
    for (const waiter of [...waiters]) {
      const line = stdout.split('\n').find((candidate) => waiter.pattern.test(candidate))
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    }
  })
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => (stdout += chunk))
  const done = new Promise<ActionResult>((resolveDone) => {
    child.on('exit', (code, signal) => {
      resolveDone({
        code,
        signal,
        stdout,
        outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
        state: parseOutputs(readFileSync(stateFile, 'utf8')),
        summaryPath: summaryFile,
        elapsedMs: Date.now() - started
      })
    })
  })
  return {
    process: child,
    done,
    waitForLog(pattern, timeoutMs = 30_000) {
      const line = stdout.split('\n').find((candidate) => pattern.test(candidate))
      if (line !== undefined) return Promise.resolve(line)
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1)
          reject(new Error(`No log line matched ${pattern} within ${timeoutMs} ms:\n${stdout}`))
        }, timeoutMs)
        const waiter = {
          pattern,
          resolve: (found: string) => {
            clearTimeout(timer)
            resolveLine(found)
          }
        }
        waiters.push(waiter)
      })
    }
  }
}

export function runAction(
  inputs: Record<string, string>,
  env: Record<string, string>
): Promise<ActionResult> {
  return startAction(inputs, env).done
}

/** The post step's environment as the runner builds it from the main step's saved state. */
export function stateEnv(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]))
}

/** Outputs (and state) as @actions/core writes them (name<<delimiter / value / delimiter). */
export function parseOutputs(text: string): Record<string, string> {
  const found: Record<string, string> = {}
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    found[match[1]] = match[3]
  return found
}
