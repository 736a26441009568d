/**
 * Conformance case 3, for every backend: a run that cannot start (a gate's alarm already in
 * ALARM, a green that cannot take traffic) moves no traffic and leaves AWS deep-equal to how it
 * found it, whatever it wrote on the way (an adoption, green's registrations) undone.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { FIXTURES } from './fixtures/index.js'
import { ALARM, percentOf, type World } from './fixtures/fixture.js'
import { report, runAction, Sampler } from './harness.js'

jest.setTimeout(60_000)

describe.each(FIXTURES)('$name', (fixture) => {
  let world: World | undefined

  afterEach(async () => {
    await world?.close()
    world = undefined
  })

  const starts: [string, (world: World) => Promise<void>][] = [
    [
      'an alarm already in ALARM',
      async (w) => w.sandbox.cloudwatch.setAlarmState(ALARM, 'ALARM', 'Threshold Crossed: 3 > 1')
    ],
    ['a green that cannot take traffic', (w) => w.unfitGreen()]
  ]

  it.each(starts)('leaves AWS as it found it after %s', async (_, unfit) => {
    world = await fixture.setup()
    await unfit(world)
    const before = await world.snapshot()
    const sampler = new Sampler(world)
    const result = await runAction(world.inputs({ 'health-timeout': '3s' }), world.sandbox.env())
    const samples = sampler.stop()
    const record = report(result.outputs)

    expect(result.code).toBe(1)
    expect(['failed', 'rolled-back']).toContain(result.outputs.status)
    expect(record.failure).toBeDefined()
    expect(samples.filter((sample) => percentOf(sample) !== 0)).toEqual([])
    expect(await world.snapshot()).toEqual(before)
    expect(await world.leaseHolder()).toBeUndefined()
  })
})
