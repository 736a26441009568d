/**
 * Conformance case 1, for every backend: through a full 10 → 50 → 100 run with clients calling,
 * some side with healthy capacity takes the traffic at every sampled moment, green is healthy
 * before blue gives anything up, and no client sees a failure.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { FIXTURES } from './fixtures/index.js'
import { percentOf, type World } from './fixtures/fixture.js'
import { report, runAction, Sampler, withoutHealthyTaker } from './harness.js'

jest.setTimeout(60_000)

describe.each(FIXTURES)('$name', (fixture) => {
  let world: World | undefined

  afterEach(async () => {
    await world?.close()
    world = undefined
  })

  it('keeps a healthy side taking the traffic at every moment of a full run', async () => {
    world = await fixture.setup()
    const sampler = new Sampler(world)
    const clients = world.startClients()
    const result = await runAction(world.inputs(), world.sandbox.env())
    await clients.stop()
    const samples = sampler.stop()
    const start = samples[0]

    expect([result.outputs.status, result.code, report(result.outputs).failure]).toEqual([
      'succeeded',
      0,
      undefined
    ])
    expect(clients.failures()).toBe(0)
    expect(samples.length).toBeGreaterThan(100)
    expect(withoutHealthyTaker(samples)).toEqual([])
    // Blue gives something up (a weight, a share, a target) only once green is healthy.
    const blueReduced = samples.filter(
      (s) => s.blue < start.blue || percentOf(s) > percentOf(start)
    )
    expect(blueReduced.length).toBeGreaterThan(0)
    expect(blueReduced.filter((s) => s.greenHealthy === 0)).toEqual([])
    expect(percentOf(samples.at(-1)!)).toBe(100)
  })
})
