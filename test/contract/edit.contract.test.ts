/**
 * Conformance case 2, for every backend: an operator's edit made while a step is still converging
 * (slow reads, green targets still `initial`, a Route 53 change still PENDING) stops the run as
 * a diverged verify does, and the run writes nothing after it: the live state is the edit.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { FIXTURES } from './fixtures/index.js'
import type { World } from './fixtures/fixture.js'
import { report, startAction } from './harness.js'

jest.setTimeout(60_000)

describe.each(FIXTURES)('$name', (fixture) => {
  let world: World | undefined

  afterEach(async () => {
    await world?.close()
    world = undefined
  })

  it('stops without overwriting an edit made while a step converges', async () => {
    world = await fixture.setup({ slowConvergence: true })
    const action = startAction(world.inputs(), world.sandbox.env())
    // The first step's write is sent (its shift event is logged) and AWS has not confirmed it.
    await action.waitForLog(/^Step 1\/3: /)
    // From the model (no API call): the edit must land before the step's verify reads.
    const { blue, green } = world.sample()
    await world.edit()
    // Counted, not timed: the edit's own call may share its millisecond with the moment after it.
    const writesWithEdit = world.movesSince(0)
    const edited = await world.snapshot()
    const result = await action.done
    const record = report(result.outputs)

    const after = world.sample()
    expect([after.blue, after.green]).not.toEqual([blue, green])
    expect([result.code, result.outputs.status]).toEqual([1, 'failed'])
    // As a diverged verify reports it (the failure is shown whole when it is something else).
    expect([record.steps.map((step) => step.outcome), record.failure]).toEqual([
      ['error'],
      expect.stringMatching(/^The traffic split was changed outside this run: /)
    ])
    // The edit was seen while the step converged, not at a later step's read.
    expect(record.steps[0].convergedAt).toBeUndefined()
    const kinds = record.events.map((event) => event.kind)
    expect(kinds).toContain('out-of-band')
    expect(kinds).not.toContain('rollback')
    expect(world.movesSince(0)).toEqual(writesWithEdit)
    expect(await world.leaseHolder()).toBeUndefined()
    expect(await world.snapshot()).toEqual(edited)
  })
})
