/** What every contract case shares: the action as a process, the record, and a sampler. */
import type { RunRecord } from '../../src/record.js'
import type { Sample, World } from './fixtures/fixture.js'

export { runAction, startAction } from '../../sandbox/action-process.js'
export { tolerance } from '../../sandbox/traffic.js'

export function report(outputs: Record<string, string>): RunRecord {
  return JSON.parse(outputs.report) as RunRecord
}

/**
 * Reads the world's live state from the sandbox's model every few ms while a run goes on, so a
 * moment with no healthy side taking traffic cannot slip between two API reads.
 */
export class Sampler {
  readonly samples: Sample[] = []
  private readonly timer: NodeJS.Timeout

  constructor(world: World, everyMs = 10) {
    this.samples.push(world.sample())
    this.timer = setInterval(() => this.samples.push(world.sample()), everyMs)
  }

  stop(): Sample[] {
    clearInterval(this.timer)
    return this.samples
  }

  /** The samples in a window, e.g. a step's bake. */
  between(from: number, to: number): Sample[] {
    return this.samples.filter((sample) => sample.at >= from && sample.at <= to)
  }
}

/** Moments when no side both has healthy capacity and takes traffic (none is the invariant). */
export function withoutHealthyTaker(samples: Sample[]): Sample[] {
  return samples.filter(
    (s) => !((s.blue > 0 && s.blueHealthy > 0) || (s.green > 0 && s.greenHealthy > 0))
  )
}
