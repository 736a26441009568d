/**
 * Conformance case 4, for every backend: green turning bad after the first step rolls the run
 * back to the exact native state it started from (adoption undone, green's registrations gone),
 * and the record says the restore was exact.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { FIXTURES } from './fixtures/index.js'
import { percentOf, type World } from './fixtures/fixture.js'
import { report, Sampler, startAction } from './harness.js'

jest.setTimeout(60_000)

describe.each(FIXTURES)('$name', (fixture) => {
  let world: World | undefined

  afterEach(async () => {
    await world?.close()
    world = undefined
  })

  it('restores the exact starting state when green turns bad after the first step', async () => {
    world = await fixture.setup()
    const before = await world.snapshot()
    const sampler = new Sampler(world)
    // A long bake: the gate, not the schedule, ends the first step.
    const action = startAction(world.inputs({ 'bake-time': '20s' }), world.sandbox.env())
    await action.waitForLog(/^AWS reports /)
    const moved = world.sample()
    world.breakGreen()
    const result = await action.done
    const samples = sampler.stop()
    const record = report(result.outputs)

    expect(percentOf(moved)).toBeGreaterThan(0)
    expect([result.code, result.outputs.status, result.outputs.traffic]).toEqual([
      1,
      'rolled-back',
      '0'
    ])
    expect(record.failedGate?.status).toBe('fail')
    expect(record.steps.map((step) => step.outcome)).toEqual(['failed'])
    expect(record.restore).toEqual({ exact: true })
    const rollback = record.events.filter((event) => event.kind === 'rollback')
    expect(rollback).toHaveLength(1)
    expect(rollback[0].message).not.toContain('nearest')
    expect(result.summary).toContain('**Rolled back to:**')
    expect(percentOf(samples.at(-1)!)).toBe(0)
    expect(await world.snapshot()).toEqual(before)
    expect(await world.leaseHolder()).toBeUndefined()
  })
})
