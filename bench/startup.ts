/**
 * `npm run bench:startup`: only figures 2 and 3 of `npm run bench` (cold start and the bundle's
 * size), for comparing two builds of dist/index.js in seconds rather than minutes; measures the
 * same way (bench/cold-start.ts) and writes nothing. `-- N` sets the runs (default 15).
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { coldStartRuns } from './cold-start.js'
import { rerunOnActionNode, ROOT } from './runtime.js'
import { summarize } from './stats.js'

async function main(): Promise<void> {
  const rerun = rerunOnActionNode(fileURLToPath(import.meta.url))
  if (rerun !== undefined) {
    process.exitCode = rerun
    return
  }
  const runs = Number(process.argv[2] ?? 15)
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`runs: a whole number from 1, not ${process.argv[2]}`)
  const measured = await coldStartRuns(runs, 1)
  const show = (name: string, values: number[], unit: string) => {
    const { median, min, max } = summarize(values)
    const digits = unit === '×' ? 2 : 0
    console.log(
      `${name}: ${median.toFixed(digits)} ${unit} (${min.toFixed(digits)}–${max.toFixed(digits)}, ${runs} runs)`
    )
  }
  show(
    'node -e 0',
    measured.map((run) => run.nodeMs),
    'ms'
  )
  show(
    'Process start → first AWS request',
    measured.map((run) => run.firstRequestMs),
    'ms'
  )
  show(
    'First AWS request ÷ node -e 0',
    measured.map((run) => run.firstRequestMs / run.nodeMs),
    '×'
  )
  show(
    'Whole dry-run',
    measured.map((run) => run.dryRunMs),
    'ms'
  )
  show(
    'Whole dry-run ÷ node -e 0',
    measured.map((run) => run.dryRunMs / run.nodeMs),
    '×'
  )
  const bytes = statSync(resolve(ROOT, 'dist/index.js')).size
  console.log(
    `dist/index.js: ${Math.round(bytes / 1024).toLocaleString('en-US')} KiB (${bytes} bytes)`
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
