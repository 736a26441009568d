/**
 * Conformance case 5, for every backend: the split the run reports (each step and phase of the
 * record, the outputs) is the one AWS applied, read from its native units while the run went on
 * (ALB weights, serving targets, Route 53 weights), quantized where AWS cannot express the
 * requested percent, and the one clients saw.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { FIXTURES } from './fixtures/index.js'
import { percentOf, type World } from './fixtures/fixture.js'
import { report, runAction, Sampler, tolerance } from './harness.js'

jest.setTimeout(60_000)

describe.each(FIXTURES)('$name', (fixture) => {
  let world: World | undefined

  afterEach(async () => {
    await world?.close()
    world = undefined
  })

  it('reports the split AWS applied at every step', async () => {
    world = await fixture.setup()
    const sampler = new Sampler(world)
    const clients = world.startClients()
    const result = await runAction(world.inputs(), world.sandbox.env())
    await clients.stop()
    const samples = sampler.stop()
    const record = report(result.outputs)

    expect(result.outputs.status).toBe('succeeded')
    expect(record.steps.map((step) => step.requestedPercent)).toEqual([10, 50, 100])
    expect(record.steps.map((step) => step.toPercent)).toEqual(fixture.splits)
    expect(result.outputs.traffic).toBe(String(fixture.splits.at(-1)))
    expect(result.outputs['steps-applied']).toBe(String(fixture.splits.length))
    expect(record.finalPercent).toBe(percentOf(samples.at(-1)!))

    for (const step of record.steps) {
      // Every phase, from AWS confirming it to the next write (or the end of the step's bake).
      const phases = step.phases ?? []
      expect(phases.length).toBeGreaterThan(0)
      for (const [index, phase] of phases.entries()) {
        const until = phases[index + 1]?.appliedAt ?? step.finishedAt!
        const applied = new Set(sampler.between(phase.convergedAt!, until).map(percentOf))
        // A phase followed at once by the next may fall between two samples; a bake cannot.
        const last = index === phases.length - 1
        expect(applied).toEqual(new Set(last || applied.size > 0 ? [phase.toPercent] : []))
      }
      expect(phases.at(-1)!.toPercent).toBe(step.toPercent)

      // Clients saw that share during the bake.
      const seen = clients.share(step.convergedAt! + 50, step.finishedAt! - 50)
      const expected = step.toPercent / 100
      expect(seen.count).toBeGreaterThan(30)
      expect(Math.abs(seen.share - expected)).toBeLessThanOrEqual(
        tolerance(expected, seen.count) + 0.02
      )
    }
  })
})
