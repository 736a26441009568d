/**
 * End-to-end harness: runs the bundled action (dist/index.js) as a process the way a runner
 * does (inputs as INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), and drives
 * steady client traffic through a sandbox listener.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ACTION = resolve('dist/index.js')

export interface ActionResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  outputs: Record<string, string>
  summary: string
  /** Milliseconds from spawn to exit. */
  elapsedMs: number
}

export interface RunningAction {
  process: ChildProcess
  /** Resolves once stdout has printed a line matching the pattern. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>
  done: Promise<ActionResult>
}

/** Inputs keyed by their action.yml names, e.g. { 'listener-arn': … }. */
export function startAction(
  inputs: Record<string, string>,
  env: Record<string, string>
): RunningAction {
  const dir = mkdtempSync(join(tmpdir(), 'aws-traffic-shift-e2e-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
  )
  const started = Date.now()
  const child = spawn(process.execPath, [ACTION], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
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

/** Outputs as @actions/core writes them (name<<delimiter / value / delimiter). */
export function parseOutputs(text: string): Record<string, string> {
  const found: Record<string, string> = {}
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    found[match[1]] = match[3]
  return found
}

export interface Sample {
  at: number
  status: number
  version?: string
}

/**
 * Steady client traffic: `concurrency` loops, each sending one request after another, until
 * stopped or `maxRequests` is reached (bounded in count and time, loopback only).
 */
export class Traffic {
  readonly samples: Sample[] = []
  private running = true
  private readonly loops: Promise<void>[]

  constructor(
    private readonly url: string,
    concurrency = 4,
    private readonly maxRequests = 50_000,
    private readonly pauseMs = 5
  ) {
    this.loops = Array.from({ length: concurrency }, () => this.loop())
  }

  async stop(): Promise<Sample[]> {
    this.running = false
    await Promise.all(this.loops)
    return this.samples
  }

  failed(from = 0, to = Infinity): Sample[] {
    return this.samples.filter((s) => s.status !== 200 && s.at >= from && s.at <= to)
  }

  /** Share of successful answers from green (version v2) in a time window. */
  greenShare(from: number, to: number): { share: number; count: number } {
    const window = this.samples.filter((s) => s.status === 200 && s.at >= from && s.at <= to)
    const green = window.filter((s) => s.version === 'v2').length
    return { share: window.length === 0 ? NaN : green / window.length, count: window.length }
  }

  private async loop(): Promise<void> {
    while (this.running && this.samples.length < this.maxRequests) {
      this.samples.push(await this.once())
      await new Promise((r) => setTimeout(r, this.pauseMs))
    }
  }

  private once(): Promise<Sample> {
    return new Promise((resolveSample) => {
      const req = request(this.url, { agent: false, timeout: 5000 }, (res) => {
        res.resume()
        res.on('end', () =>
          resolveSample({
            at: Date.now(),
            status: res.statusCode ?? 0,
            version: res.headers['x-version'] as string | undefined
          })
        )
      })
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', () => resolveSample({ at: Date.now(), status: 0 }))
      req.end()
    })
  }
}

/** The largest deviation a binomial share of n samples shows by chance (z standard deviations). */
export function tolerance(share: number, n: number, z = 4): number {
  return z * Math.sqrt((share * (1 - share)) / Math.max(1, n))
}
