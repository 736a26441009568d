/**
 * `npm run bench`: the action's performance figures on the local sandbox, printed as a table;
 * with `--record` also written to bench/results.json (with the machine's CPU count and Node
 * version) so commits can be compared. `--runs N` repeats each figure N times (default: see
 * RUNS); `--markdown` prints the table of the recorded results.json as Markdown, for the README,
 * without measuring. The arguments are in options.ts.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCanaryExperiment } from './canary/experiment.js'
import { canarySandboxRuns } from './canary/sandbox.js'
import { coldStartRuns } from './cold-start.js'
import { detectionRun, GATE_CASES, offsets } from './detection.js'
import { evaluate, type FigureResult } from './figure.js'
import { figures, type Measurements } from './figures.js'
import { type BenchOptions, parseBenchArgs, type Runs } from './options.js'
import { overheadRun } from './overhead.js'
import { rerunOnActionNode, ROOT } from './runtime.js'
import { FLEETS, scaleRun } from './scale.js'
import { renderMarkdown, renderText } from './table.js'

const RESULTS = resolve(ROOT, 'bench/results.json')
const ACTION = resolve(ROOT, 'dist/index.js')

export interface Results {
  command: string
  generatedAt: string
  commit: string
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string }
  durationSeconds: number
  runs: Runs
  figures: FigureResult[]
  measurements: Measurements
}

async function main(): Promise<void> {
  let options: BenchOptions
  try {
    options = parseBenchArgs(process.argv.slice(2))
  } catch (error) {
    console.error((error as Error).message)
    process.exitCode = 2
    return
  }
  if (options.markdown) {
    const results = JSON.parse(readFileSync(RESULTS, 'utf8')) as Results
    console.log(renderMarkdown(results.figures))
    return
  }
  const rerun = rerunOnActionNode(fileURLToPath(import.meta.url))
  if (rerun !== undefined) {
    process.exitCode = rerun
    return
  }
  const { runs } = options
  const started = Date.now()
  console.log(`Benchmarking dist/index.js on Node ${process.version}, ${cpus().length} CPUs\n`)

  const progress = (text: string) => console.log(`  ${text}`)
  progress(`cold start: ${runs.coldStart} dry-runs, each paired with node -e 0`)
  const coldStart = await coldStartRuns(runs.coldStart, 1)

  const overhead = []
  for (let run = 0; run < runs.overhead; run += 1) {
    progress(`overhead: full shift ${run + 1}/${runs.overhead}`)
    overhead.push(await overheadRun(10 + run))
  }

  const detection = []
  for (const gateCase of GATE_CASES) {
    for (const [run, offset] of offsets(runs.detection).entries()) {
      progress(`detection: ${gateCase.name}, ${gateCase.failure} (${run + 1}/${runs.detection})`)
      detection.push(await detectionRun(gateCase, offset, 20 + run))
    }
  }

  const scale = []
  for (let run = 0; run < runs.scale; run += 1) {
    for (const targets of FLEETS) {
      progress(`scale: ${targets} targets (${run + 1}/${runs.scale})`)
      scale.push(await scaleRun(targets, 30 + run))
    }
  }

  progress('canary analysis: simulated A/A and 2×/1.5× runs, sequential test against two baselines')
  const canary = runCanaryExperiment()
  // As many end-to-end runs as the other detection figures have.
  const canarySandbox = await canarySandboxRuns(runs.detection, progress)

  const measurements: Measurements = {
    coldStart,
    overhead,
    bundleBytes: statSync(ACTION).size,
    detection,
    scale,
    canary,
    canarySandbox
  }
  const results: Results = {
    command: ['npm run bench', ...process.argv.slice(2)].join(' '),
    generatedAt: new Date().toISOString(),
    commit: gitDescribe(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`
    },
    durationSeconds: Math.round((Date.now() - started) / 1000),
    runs,
    figures: figures(measurements).map(evaluate),
    measurements
  }
  if (options.record) writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\n${renderText(results.figures)}\n`)
  const missed = results.figures.filter((figure) => figure.met === false)
  console.log(
    `${results.figures.filter((figure) => figure.met).length} goals met, ${missed.length} missed; ` +
      `${results.durationSeconds} s; ` +
      (options.record
        ? 'written to bench/results.json'
        : 'not recorded (npm run bench -- --record writes bench/results.json)')
  )
}

/** The commit measured, marked when the working tree differs from it. */
function gitDescribe(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
    const dirty = git('status', '--porcelain', '--', 'src', 'dist') !== ''
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' (+ uncommitted src or dist)' : ''}`
  } catch {
    return 'unknown'
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
