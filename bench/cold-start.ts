/**
 * Figure 2: how long the action takes to start. Each run pairs `node -e 0` with a dry-run of the
 * action, so the ratio compares the two on the same machine at the same moment.
 */
import { nodeBaselineMs, startMeasured } from './process.js'
import { albWorld, shiftInputs } from './world.js'

export interface ColdStartRun {
  nodeMs: number
  /** Process start to the first AWS request the sandbox saw. */
  firstRequestMs: number
  /** Process start to exit of a whole dry-run (reads, plan, summary). */
  dryRunMs: number
}

export async function coldStartRuns(runs: number, seed: number): Promise<ColdStartRun[]> {
  const world = await albWorld(seed)
  const inputs = shiftInputs(world, { 'dry-run': 'true' })
  try {
    // One unmeasured round first: the file cache holds Node and the bundle for every run alike.
    await nodeBaselineMs()
    await dryRun()
    const measured: ColdStartRun[] = []
    for (let run = 0; run < runs; run += 1) {
      const nodeMs = await nodeBaselineMs()
      measured.push({ nodeMs, ...(await dryRun()) })
    }
    return measured
  } finally {
    await world.close()
  }

  async function dryRun(): Promise<Omit<ColdStartRun, 'nodeMs'>> {
    const before = world.sandbox.faults.calls.length
    const { result, startedAt } = await startMeasured(inputs, world.sandbox.env()).done
    if (result.outputs.status !== 'planned') {
      throw new Error(`dry-run ended ${result.outputs.status ?? result.code}:\n${result.stdout}`)
    }
    const first = world.sandbox.faults.calls[before]
    return { firstRequestMs: first.at - startedAt, dryRunMs: result.elapsedMs }
  }
}
