/**
 * `npx tsx bench/canary/main.ts [--sandbox N]`: figure group 8 alone, printed as the bench's
 * table without touching bench/results.json: the simulated figures (seconds) and, with
 * `--sandbox N`, N end-to-end runs of dist/index.js on the sandbox (under a minute each).
 * `npm run bench` runs both with the others.
 */
import { fileURLToPath } from 'node:url'
import { evaluate } from '../figure.js'
import { rerunOnActionNode } from '../runtime.js'
import { renderText } from '../table.js'
import { runCanaryExperiment } from './experiment.js'
import { canaryFigures, canarySandboxFigures } from './figures.js'
import { canarySandboxRuns } from './sandbox.js'

const USAGE = 'Usage: npx tsx bench/canary/main.ts [--sandbox N]'

function sandboxRuns(args: readonly string[]): number {
  if (args.length === 0) return 0
  const count = Number(args[1])
  if (args.length !== 2 || args[0] !== '--sandbox' || !/^\d+$/.test(args[1]) || count < 1) {
    throw new Error(`${USAGE} (N: a whole number of runs from 1)`)
  }
  return count
}

async function main(): Promise<void> {
  const runs = sandboxRuns(process.argv.slice(2))
  // The end-to-end runs measure the action on its own Node, as npm run bench does.
  const rerun = runs > 0 ? rerunOnActionNode(fileURLToPath(import.meta.url)) : undefined
  if (rerun !== undefined) {
    process.exitCode = rerun
    return
  }
  const started = Date.now()
  const simulated = canaryFigures(runCanaryExperiment())
  const measured = await canarySandboxRuns(runs, (text) => console.log(`  ${text}`))
  console.log(renderText([...simulated, ...canarySandboxFigures(measured)].map(evaluate)))
  console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s`)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
