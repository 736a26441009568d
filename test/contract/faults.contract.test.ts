/**
 * Conformance case 7, for every backend: with write responses lost after the write was applied
 * (the SDK retries a write that already happened) and reads lagging behind writes (eventual
 * consistency), a full run still finishes correctly: 100 %, AWS exactly as a clean run leaves
 * it, no rollback, no client failure and a healthy side taking traffic throughout.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { FIXTURES } from './fixtures/index.js'
import { LOST, percentOf, type World } from './fixtures/fixture.js'
import { report, runAction, Sampler, withoutHealthyTaker } from './harness.js'

jest.setTimeout(60_000)

describe.each(FIXTURES)('$name', (fixture) => {
  let world: World | undefined

  afterEach(async () => {
    await world?.close()
    world = undefined
  })

  it('tolerates lost write responses and lagging reads', async () => {
    world = await fixture.setup()
    const start = await world.snapshot()
    world.unreliable()
    const sampler = new Sampler(world)
    const clients = world.startClients()
    const result = await runAction(world.inputs(), world.sandbox.env())
    await clients.stop()
    const samples = sampler.stop()
    const record = report(result.outputs)

    expect([result.code, result.outputs.status, result.outputs.traffic, record.failure]).toEqual([
      0,
      'succeeded',
      '100',
      undefined
    ])
    const lost = world.sandbox.faults.calls.filter((call) => call.fault === LOST)
    expect(lost.length).toBeGreaterThan(0)
    expect(record.events.map((event) => event.kind)).not.toContain('out-of-band')
    expect(clients.failures()).toBe(0)
    expect(withoutHealthyTaker(samples)).toEqual([])
    expect(percentOf(samples.at(-1)!)).toBe(100)
    world.sandbox.faults.clear()
    expect(await world.snapshot()).toEqual(world.atGreen(start))
    expect(await world.leaseHolder()).toBeUndefined()
  })
})
