// How often the runner looks again while it waits on AWS or on a pending gate: soon at first,
// so a wait ends close to when AWS is done, and never rarer than the cap.
import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '../src/logger.js'
import { runShift } from '../src/runner.js'
import { parseSchedule } from '../src/schedule.js'
import { Split } from '../src/split.js'
import { FakeBackend, PASS, ScriptedGate } from './helpers/fake-backend.js'
import { FakeClock } from './helpers/fake-clock.js'

function shift(backend: FakeBackend, gates: ScriptedGate[]) {
  const clock = new FakeClock()
  const run = runShift({
    backend,
    gates: () => gates,
    clock,
    logger: new MemoryLogger(),
    settings: {
      traffic: Split.ofPercent(10),
      schedule: parseSchedule('steps', '10'),
      bakeMs: 0,
      rollbackTo: 'start',
      dryRun: false,
      verifyTimeoutMs: 60_000,
      healthTimeoutMs: 60_000
    }
  })
  return { clock, run }
}

describe('runner polling', () => {
  it('looks again at a pending gate after 250 ms, backing off to check-interval', async () => {
    const gate = new ScriptedGate(
      'target-health',
      (n) => (n < 6 ? { status: 'pending', detail: 'initial' } : PASS),
      2000
    )
    const { clock, run } = shift(new FakeBackend(0), [gate])
    const record = await run
    expect(record.status).toBe('succeeded')
    // Five pending checks before the shift, then the bake's own check.
    expect(clock.sleeps.slice(0, 5)).toEqual([250, 500, 1000, 2000, 2000])
  })

  it('polls a converging write at most 1 s apart', async () => {
    const backend = new FakeBackend(0)
    backend.pendingPolls = 6
    const { clock, run } = shift(backend, [])
    expect((await run).status).toBe('succeeded')
    expect(clock.sleeps).toEqual([250, 500, 1000, 1000, 1000, 1000])
  })
})
