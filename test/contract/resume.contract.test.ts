/**
 * Conformance case 6, for every backend: a run killed with SIGKILL at a seeded random point (an
 * API call of the run, reads and writes alike, or one of its writes while in flight) and started
 * again with the same inputs (taking over the lease it left) resumes from the live state and
 * finishes at 100 %, with AWS exactly as a run that was never killed leaves it, the lease
 * released, and a healthy side taking traffic throughout.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { seededRandom } from '../../sandbox/random.js'
import type { RunningAction } from '../../sandbox/action-process.js'
import { FIXTURES } from './fixtures/index.js'
import { percentOf, type World } from './fixtures/fixture.js'
import { report, runAction, Sampler, startAction, withoutHealthyTaker } from './harness.js'

jest.setTimeout(60_000)

/** A full run makes 60-80 API calls and 4-6 writes in every world: both bounds stay inside. */
const CALLS = 55
const WRITES = 4
const WRITE = /^(Modify|Register|Deregister|Change)/

/** Kills the action with SIGKILL as the sandbox receives its nth matching call. */
function killAt(world: World, action: RunningAction, nth: number, only = /./): void {
  const faults = world.sandbox.faults
  const take = faults.take.bind(faults)
  let seen = 0
  faults.take = (service, operation) => {
    if (only.test(operation) && ++seen === nth) action.process.kill('SIGKILL')
    return take(service, operation)
  }
}

describe.each(FIXTURES)('$name', (fixture) => {
  let world: World | undefined

  afterEach(async () => {
    await world?.close()
    world = undefined
  })

  const random = seededRandom(fixture.name.length)
  const pick = (count: number) => 1 + Math.floor(random() * count)
  const points: [string, number, RegExp][] = [
    ['API call', pick(CALLS), /./],
    ['API call', pick(CALLS), /./],
    ['write (in flight)', pick(WRITES), WRITE]
  ]

  it.each(points)('resumes to 100 %% after a SIGKILL at %s %d', async (_, nth, only) => {
    world = await fixture.setup()
    const start = await world.snapshot()
    const sampler = new Sampler(world)
    const killed = startAction(world.inputs(), world.sandbox.env())
    killAt(world, killed, nth, only)
    const first = await killed.done
    // The killed run could not release its lease: taking it over is how one starts again before
    // it expires (docs/lease.md); everything else is the same inputs.
    const again = await runAction(world.inputs({ 'break-lease': 'true' }), world.sandbox.env())
    const samples = sampler.stop()

    expect(first.signal).toBe('SIGKILL')
    expect([again.code, again.outputs.traffic, report(again.outputs).failure]).toEqual([
      0,
      '100',
      undefined
    ])
    expect(['succeeded', 'no-op']).toContain(again.outputs.status)
    expect(percentOf(samples.at(-1)!)).toBe(100)
    expect(withoutHealthyTaker(samples)).toEqual([])
    expect(await world.snapshot()).toEqual(world.atGreen(start))
    expect(await world.leaseHolder()).toBeUndefined()
  })
})
