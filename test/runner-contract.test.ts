// The runner's side of issue 10's holes, on an in-memory backend: each test failed on the old
// runner (which polled converged() blind, waited for all gates together, and rolled back a settle
// failure).
import { describe, expect, it } from '@jest/globals'
import { SettleError } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { runShift, type RunnerOptions } from '../src/runner.js'
import { parseSchedule } from '../src/schedule.js'
import { Split } from '../src/split.js'
import { FakeBackend, PASS, ScriptedGate } from './helpers/fake-backend.js'
import { FakeClock } from './helpers/fake-clock.js'

function setup(
  backend: FakeBackend,
  gates: ScriptedGate[] = [],
  traffic = Split.GREEN,
  bakeMs = 30_000
) {
  const clock = new FakeClock()
  const logger = new MemoryLogger()
  const options: RunnerOptions = {
    backend,
    gates: () => gates,
    clock,
    logger,
    settings: {
      traffic,
      schedule: parseSchedule('steps', '10,50,100'),
      bakeMs,
      rollbackTo: 'start',
      dryRun: false,
      verifyTimeoutMs: 60_000,
      healthTimeoutMs: 60_000
    }
  }
  return { clock, logger, run: () => runShift(options) }
}

describe('runner on the backend contract', () => {
  it('stops without writing over an edit made while a step converges (hole 1)', async () => {
    const backend = new FakeBackend(0)
    backend.pendingPolls = 3
    let edited = false
    backend.onRead = () => {
      // Someone sets 0/1000 while the first step is still converging.
      if (!edited && backend.applied.length === 1) {
        edited = true
        backend.live = Split.ofPercent(0.1)
      }
    }
    const record = await setup(backend).run()
    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual(['apply 10%']) // no rollback write over the edit
    expect(backend.live.percent).toBe(0.1)
    expect(record.events.map((event) => event.kind)).toContain('out-of-band')
  })

  it('reports, gates and compares the split AWS applies, not the one asked for (hole 5)', async () => {
    const backend = new FakeBackend(0)
    backend.grid = 1000 / 255 // Route 53's 0-255 weights
    const gate = new ScriptedGate('alarm', () => PASS, 10_000)
    const record = await setup(backend, [gate], Split.ofPercent(10)).run()
    expect(record.status).toBe('succeeded')
    expect(record.steps.map((step) => [step.requestedPercent, step.toPercent])).toEqual([
      [10, 10.2]
    ])
    expect(
      gate.contexts.filter((c) => c.phase === 'bake').every((c) => c.split.percent === 10.2)
    ).toBe(true)
    expect(record.finalPercent).toBe(10.2)
  })

  it('watches gates while a step converges and rolls back at once on a failure there (hole 6)', async () => {
    const backend = new FakeBackend(0)
    backend.pendingPolls = 1000 // the step converges for as long as the verify timeout allows
    backend.onRead = () => {
      if (backend.applied.length === 1) backend.pendingPolls = 0 // the rollback converges at once
    }
    const gate = new ScriptedGate(
      'alarm',
      (_n, context) => (context.phase === 'converge' ? { status: 'fail', detail: 'ALARM' } : PASS),
      1000
    )
    const { run, clock } = setup(backend, [gate])
    const started = clock.now()
    const record = await run()
    expect(record.status).toBe('rolled-back')
    expect(record.failure).toBe('Gate alarm failed: ALARM')
    expect(backend.applied).toEqual(['apply 10%', 'apply 0%'])
    // Noticed on the first converge check, not after the 60 s verify timeout.
    expect(clock.now() - started).toBeLessThan(60_000)
  })

  it('fails a settle failure after every bake passed without moving traffic (hole 8)', async () => {
    const backend = new FakeBackend(0)
    backend.settleWith = async () => {
      throw new SettleError('i-0b1 is still draining (300 s delay)')
    }
    const record = await setup(backend).run()
    expect(record.status).toBe('failed')
    expect(record.failure).toContain('i-0b1 is still draining')
    expect(backend.applied).toEqual(['apply 10%', 'apply 50%', 'apply 100%'])
    expect(backend.live.percent).toBe(100)
  })

  it('checks each gate on its own: a hung gate fails on its own bound and never delays the others (hole 11)', async () => {
    const backend = new FakeBackend(0)
    const hung = new ScriptedGate(
      'target-health',
      (_n, context) => (context.phase === 'ready' ? PASS : new Promise<never>(() => undefined)),
      200
    )
    const alarms = new ScriptedGate('cloudwatch-alarms', () => PASS, 200)
    const record = await setup(backend, [hung, alarms]).run()
    expect(record.status).toBe('rolled-back')
    expect(record.failure).toMatch(/target-health.*did not answer within 30s/)
    // While target-health hung for its 30 s bound, alarms kept being asked every 200 ms.
    const alarmChecks = alarms.contexts.filter((c) => c.phase !== 'ready').length
    expect(alarmChecks).toBeGreaterThan(100)
  })

  it('says in the record whether the rollback restored the exact starting state', async () => {
    const backend = new FakeBackend(0)
    backend.failApplyAt = 50
    const record = await setup(backend).run()
    expect(record.status).toBe('rolled-back')
    expect(record.restore).toEqual({ exact: true })
    expect(backend.live.percent).toBe(0)
  })
  it('says how a bake is going at least every 30 s and at every change of a gate (issue 13)', async () => {
    let bakeChecks = 0
    const probe = new ScriptedGate(
      'http-probe',
      (_n, context) => {
        if (context.phase !== 'bake') return PASS
        bakeChecks += 1
        // Checks at 0, 40, 80 and 120 s of the bake: the third one sees a failure.
        return bakeChecks === 3 ? { status: 'pending', detail: '1 of 3 failures' } : PASS
      },
      40_000
    )
    const { run, logger } = setup(new FakeBackend(0), [probe], Split.ofPercent(10), 100_000)
    const record = await run()
    expect(record.status).toBe('succeeded')
    const lines = logger.lines.filter((line) => line.startsWith('Baking at 10% green: '))
    const elapsed = lines.map((line) => Number(/: (\d+)s elapsed/.exec(line)?.[1]))
    // The first verdict, heartbeats at 30 and 60 s, the change at 80 s, a heartbeat 30 s later;
    // the pass at 120 s ends the bake (still pending at its end, 100 s).
    expect(elapsed).toEqual([0, 30, 60, 80, 110])
    expect(lines[0]).toBe('Baking at 10% green: 0s elapsed, 100s left; http-probe pass (ok)')
    expect(lines[3]).toBe(
      'Baking at 10% green: 80s elapsed, 20s left; http-probe pending (1 of 3 failures)'
    )
    expect(lines[4]).toContain('110s elapsed, 0s left')
  })
})
