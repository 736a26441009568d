import { describe, expect, it } from '@jest/globals'
import { CancelledError } from '../src/errors.js'
import { MemoryLogger } from '../src/logger.js'
import { runShift, type RunnerOptions } from '../src/runner.js'
import { parseSchedule } from '../src/schedule.js'
import { Split } from '../src/split.js'
import { FakeBackend, PASS, ScriptedGate } from './helpers/fake-backend.js'
import { FakeClock } from './helpers/fake-clock.js'

function setup(
  backend: FakeBackend,
  overrides: Partial<RunnerOptions['settings']> & {
    gates?: ScriptedGate[]
    signal?: AbortSignal
  } = {}
) {
  const { gates = [], signal, ...settings } = overrides
  const clock = new FakeClock()
  const logger = new MemoryLogger()
  const options: RunnerOptions = {
    backend,
    gates: () => gates,
    clock,
    logger,
    signal,
    settings: {
      traffic: Split.GREEN,
      schedule: parseSchedule('steps', '10,25,50,100'),
      bakeMs: 60_000,
      rollbackTo: 'start',
      dryRun: false,
      verifyTimeoutMs: 30_000,
      healthTimeoutMs: 120_000,
      ...settings
    }
  }
  return { options, clock, logger, run: () => runShift(options) }
}

describe('runShift', () => {
  it('shifts through every waypoint, baking at each, and succeeds', async () => {
    const backend = new FakeBackend(0)
    const gate = new ScriptedGate('alarm', () => PASS, 20_000)
    const { run, clock } = setup(backend, { gates: [gate] })
    const started = clock.now()
    const record = await run()
    expect(record.status).toBe('succeeded')
    expect(backend.applied).toEqual(['apply 10%', 'apply 25%', 'apply 50%', 'apply 100%'])
    expect(record.steps.map((s) => [s.fromPercent, s.toPercent, s.outcome])).toEqual([
      [0, 10, 'passed'],
      [10, 25, 'passed'],
      [25, 50, 'passed'],
      [50, 100, 'passed']
    ])
    expect(record.finalPercent).toBe(100)
    // Four bakes of 60 s, polled every 20 s: checks at 0, 20, 40, 60 s each step.
    expect(clock.now() - started).toBe(4 * 60_000)
    // Ready checks before the first shift and before blue reaches 0, plus 4 per bake.
    expect(gate.contexts.filter((c) => c.phase === 'bake')).toHaveLength(16)
    expect(gate.contexts.filter((c) => c.phase === 'ready')).toHaveLength(2)
    expect(record.steps[0].gates).toEqual([
      expect.objectContaining({ gate: 'alarm', status: 'pass' })
    ])
  })

  it.each([1, 2, 3, 4])(
    'rolls back to the start when a gate fails during step %i',
    async (failing) => {
      const backend = new FakeBackend(0)
      let bakes = 0
      const gate = new ScriptedGate(
        'http-probe',
        (_call, context) => {
          // Gates also watch each step's convergence: count the bake's checks only.
          if (context.phase !== 'bake') return PASS
          bakes += 1
          // Bakes of 60 s polled every 20 s: 4 checks per step; fail the 2nd check of the step.
          return bakes === (failing - 1) * 4 + 2 ? { status: 'fail', detail: '3 failures' } : PASS
        },
        20_000
      )
      const { run } = setup(backend, { gates: [gate] })
      const record = await run()
      expect(record.status).toBe('rolled-back')
      expect(backend.live.percent).toBe(0)
      expect(backend.applied.at(-1)).toBe('apply 0%')
      expect(backend.applied).toHaveLength(failing + 1)
      expect(record.steps.at(-1)?.outcome).toBe('failed')
      expect(record.failure).toBe('Gate http-probe failed: 3 failures')
      expect(record.failedGate).toEqual(
        expect.objectContaining({ gate: 'http-probe', status: 'fail', detail: '3 failures' })
      )
      expect(record.events.map((e) => e.kind)).toContain('rollback')
      expect(record.finalPercent).toBe(0)
    }
  )

  it('rolls back when AWS refuses a write mid-run', async () => {
    const backend = new FakeBackend(0)
    backend.failApplyAt = 50
    const record = await setup(backend).run()
    expect(record.status).toBe('rolled-back')
    expect(backend.applied).toEqual(['apply 10%', 'apply 25%', 'apply 0%'])
    expect(record.steps.at(-1)?.outcome).toBe('error')
    expect(record.failure).toContain('apply 50% refused')
  })

  it('says what AWS looks like when the rollback itself fails', async () => {
    const backend = new FakeBackend(0)
    backend.failRollback = true
    const gate = new ScriptedGate('alarm', (_n, c) =>
      c.phase === 'bake' && c.split.percent === 25 ? { status: 'fail', detail: 'ALARM' } : PASS
    )
    const record = await setup(backend, { gates: [gate] }).run()
    expect(record.status).toBe('failed')
    expect(record.failure).toBe(
      'Gate alarm failed: ALARM. Rollback to 0% green failed: rollback refused; ' +
        'AWS now shows blue 750 / green 250'
    )
    expect(record.finalPercent).toBe(25)
    expect(record.events.map((e) => e.kind)).toContain('rollback-failed')
  })

  it('rolls back on cancellation without waiting on the aborted signal', async () => {
    const backend = new FakeBackend(0)
    const controller = new AbortController()
    const gate = new ScriptedGate('alarm', (_n, c) => {
      if (c.phase === 'bake' && c.split.percent === 25) controller.abort()
      return PASS
    })
    backend.pendingPolls = 1
    const record = await setup(backend, { gates: [gate], signal: controller.signal }).run()
    expect(record.status).toBe('rolled-back')
    expect(backend.applied).toEqual(['apply 10%', 'apply 25%', 'apply 0%'])
    expect(record.steps.at(-1)?.outcome).toBe('cancelled')
    expect(record.events.map((e) => e.kind)).toContain('cancelled')
  })

  it('treats a gate cut short by cancellation as cancellation, not a gate failure', async () => {
    const backend = new FakeBackend(0)
    const controller = new AbortController()
    const gate = new ScriptedGate('http-probe', (_n, c) => {
      if (c.phase === 'bake' && c.split.percent === 10) {
        controller.abort()
        expect(c.signal?.aborted).toBe(true)
        throw new Error('request aborted')
      }
      return PASS
    })
    const record = await setup(backend, { gates: [gate], signal: controller.signal }).run()
    expect(record.status).toBe('rolled-back')
    expect(record.events.map((e) => e.kind)).toContain('cancelled')
    expect(record.steps[0].outcome).toBe('cancelled')
  })

  it('settles the backend after the last bake before calling the run a success', async () => {
    const backend = new FakeBackend(0)
    const order: string[] = []
    backend.settleWith = async () => {
      order.push(`settle after ${backend.applied.length} applies`)
    }
    const record = await setup(backend).run()
    expect(record.status).toBe('succeeded')
    expect(order).toEqual(['settle after 4 applies'])
    expect(record.events.map((e) => e.kind)).toContain('settled')
  })

  it('rolls back when settling is cancelled', async () => {
    const backend = new FakeBackend(0)
    backend.settleWith = async () => {
      throw new CancelledError()
    }
    const record = await setup(backend).run()
    expect(record.status).toBe('rolled-back')
    expect(backend.live.percent).toBe(0)
  })

  it('hands a cancelled rollback still converging at the grace to the post step', async () => {
    const backend = new FakeBackend(0)
    const controller = new AbortController()
    const gate = new ScriptedGate('alarm', (_n, c) => {
      if (c.phase === 'bake' && c.split.percent === 10) {
        controller.abort()
        backend.pendingPolls = 1000
      }
      return PASS
    })
    const saved = new Map<string, string>()
    const { options } = setup(backend, { gates: [gate], signal: controller.signal })
    const record = await runShift({ ...options, journal: { save: (k, v) => saved.set(k, v) } })
    // Written, but AWS had not finished: not called rolled back, and no verdict saved, so the
    // post step verifies it.
    expect(backend.live.percent).toBe(0)
    expect(record.status).toBe('failed')
    expect(record.failure).toContain('did not finish within the cancel grace')
    expect(record.failure).toContain('see AWS converge on 0% green')
    expect(record.failure).toContain('The post step finishes it')
    expect(saved.has('verdict')).toBe(false)
    expect(JSON.parse(saved.get('in-flight')!).phase.expect.permille).toBe(0)
  })

  it('does not undo an out-of-band change made during a bake when a gate then fails', async () => {
    const backend = new FakeBackend(50)
    const gate = new ScriptedGate('alarm', (_n, c) => {
      if (c.phase === 'bake' && c.split.percent === 100) {
        backend.live = Split.BLUE // the on-call engineer escapes by hand
        return { status: 'fail', detail: 'ALARM' }
      }
      return PASS
    })
    const record = await setup(backend, { gates: [gate] }).run()
    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual(['apply 100%'])
    expect(backend.live.percent).toBe(0)
    expect(record.failure).toContain('changed outside this run')
  })

  it('fails instead of succeeding when the split is changed during the last bake', async () => {
    const backend = new FakeBackend(0)
    const gate = new ScriptedGate('alarm', (_n, c) => {
      if (c.phase === 'bake' && c.split.percent === 25) backend.live = Split.ofPercent(5)
      return PASS
    })
    const record = await setup(backend, { gates: [gate], traffic: Split.ofPercent(25) }).run()
    expect(record.status).toBe('failed')
    expect(backend.live.percent).toBe(5)
    expect(record.events.map((e) => e.kind)).toContain('out-of-band')
  })

  it('never rolls back toward green: a rollback-to above the live split leaves traffic', async () => {
    const backend = new FakeBackend(0)
    const gate = new ScriptedGate('alarm', (_n, c) =>
      c.phase === 'bake' ? { status: 'fail', detail: 'ALARM' } : PASS
    )
    const record = await setup(backend, { gates: [gate], rollbackTo: Split.ofPercent(50) }).run()
    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual(['apply 10%'])
    expect(record.failure).toContain('rollback-to 50% green is above the live split')
  })

  it('moves nothing with a fixed rollback-to when a gate is red before the first shift', async () => {
    const backend = new FakeBackend(50)
    const gate = new ScriptedGate('alarm', () => ({ status: 'fail', detail: 'ALARM' }))
    const record = await setup(backend, { gates: [gate], rollbackTo: Split.BLUE }).run()
    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual([])
  })

  it('refuses to move traffic toward a blue that cannot take it', async () => {
    const backend = new FakeBackend(100)
    backend.blueReady = { ok: false, detail: 'shop-blue has no healthy targets' }
    const record = await setup(backend, { traffic: Split.BLUE }).run()
    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual([])
    expect(record.failure).toContain('Blue cannot take traffic: shop-blue has no healthy targets')
  })

  it('leaves traffic where it is when a rollback would land on a blue that cannot take it', async () => {
    const backend = new FakeBackend(0)
    const gate = new ScriptedGate('alarm', (_n, c) => {
      if (c.phase === 'bake' && c.split.percent === 25) {
        backend.blueReady = { ok: false, detail: 'blue scaled to zero' }
        return { status: 'fail', detail: 'ALARM' }
      }
      return PASS
    })
    const record = await setup(backend, { gates: [gate] }).run()
    expect(record.status).toBe('failed')
    expect(backend.live.percent).toBe(25)
    expect(record.failure).toContain('Blue cannot take traffic: blue scaled to zero')
    expect(record.failure).toContain('AWS now shows blue 750 / green 250')
  })

  it('keeps polling a gate still pending when the bake ends, until it passes', async () => {
    const backend = new FakeBackend(0)
    let bakes = 0
    const gate = new ScriptedGate(
      'http-probe',
      (_n, c) => {
        if (c.phase !== 'bake') return PASS
        bakes += 1
        return bakes <= 5 ? { status: 'pending', detail: '1 of 3 failures' } : PASS
      },
      20_000
    )
    const { run, clock } = setup(backend, { gates: [gate], traffic: Split.ofPercent(10) })
    const started = clock.now()
    const record = await run()
    expect(record.status).toBe('succeeded')
    // Checks at 0, 20, 40, 60 s (bake end, still pending), 80 s pending, 100 s pass.
    expect(clock.now() - started).toBe(100_000)
  })

  it('fails a gate still pending after the bake and the health timeout', async () => {
    const backend = new FakeBackend(0)
    const gate = new ScriptedGate('dns-answer', (_n, c) =>
      c.phase === 'ready' ? PASS : { status: 'pending', detail: 'green not seen yet' }
    )
    const record = await setup(backend, { gates: [gate], healthTimeoutMs: 30_000 }).run()
    expect(record.status).toBe('rolled-back')
    expect(record.failure).toContain(
      'still pending after the bake and the health timeout: dns-answer: green not seen yet'
    )
  })

  it('is a no-op when the live split is the requested one once quantized', async () => {
    const backend = new FakeBackend(10.2)
    backend.grid = 102 / 10 // Route 53-like: 10 % can only be expressed as 10.2 %
    const record = await setup(backend, { traffic: Split.ofPercent(10) }).run()
    expect(record.status).toBe('no-op')
    expect(backend.applied).toEqual([])
  })

  it('is a no-op when the live split is already the requested one', async () => {
    const backend = new FakeBackend(100)
    const gate = new ScriptedGate('alarm', () => PASS)
    const record = await setup(backend, { gates: [gate] }).run()
    expect(record.status).toBe('no-op')
    expect(backend.applied).toEqual([])
    expect(gate.contexts).toHaveLength(0)
    expect(record.finalPercent).toBe(100)
  })

  it('resumes from a mid split, skipping passed waypoints', async () => {
    const backend = new FakeBackend(25)
    const record = await setup(backend).run()
    expect(backend.applied).toEqual(['apply 50%', 'apply 100%'])
    expect(record.startPercent).toBe(25)
    expect(record.status).toBe('succeeded')
  })

  it('stops at a requested split below 100 for a later job to resume', async () => {
    const backend = new FakeBackend(0)
    const record = await setup(backend, { traffic: Split.ofPercent(25) }).run()
    expect(backend.applied).toEqual(['apply 10%', 'apply 25%'])
    expect(record.finalPercent).toBe(25)
  })

  it('shifts back down through the schedule in reverse', async () => {
    const backend = new FakeBackend(100)
    const record = await setup(backend, { traffic: Split.BLUE }).run()
    expect(backend.applied).toEqual(['apply 50%', 'apply 25%', 'apply 10%', 'apply 0%'])
    expect(record.status).toBe('succeeded')
  })

  it('moves toward blue even when gates are red, and never back toward green', async () => {
    const backend = new FakeBackend(50)
    const gate = new ScriptedGate('target-health', () => ({
      status: 'fail',
      detail: 'green unhealthy'
    }))
    const record = await setup(backend, { gates: [gate], traffic: Split.BLUE }).run()
    expect(record.status).toBe('succeeded')
    expect(backend.applied).toEqual(['apply 25%', 'apply 10%', 'apply 0%'])
    // Never asked whether green is ready: moving toward blue needs no green.
    expect(gate.contexts.some((c) => c.phase === 'ready')).toBe(false)
    expect(record.steps[0].gates[0]).toEqual(expect.objectContaining({ status: 'fail' }))
  })

  it('stops where it is when moving toward blue fails, instead of going back to the start', async () => {
    const backend = new FakeBackend(50)
    backend.failApplyAt = 10
    const record = await setup(backend, { traffic: Split.BLUE }).run()
    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual(['apply 25%'])
    expect(record.failure).toContain('Stopped while moving toward blue, at blue 750 / green 250')
  })

  it('stops without overwriting when someone else changed the split between steps', async () => {
    const backend = new FakeBackend(0)
    backend.onRead = (n) => {
      // Reads: start, step 1 check, verify read-back, step 2 check → edited before it.
      if (n === 4) backend.live = Split.ofPercent(70)
    }
    const record = await setup(backend).run()
    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual(['apply 10%'])
    expect(backend.live.percent).toBe(70)
    expect(record.failure).toContain('expected blue 900 / green 100, found blue 300 / green 700')
    expect(record.events.map((e) => e.kind)).toContain('out-of-band')
  })

  it('never starts on a red system: a failing gate before the first shift moves nothing', async () => {
    const backend = new FakeBackend(0)
    const gate = new ScriptedGate('cloudwatch-alarms', () => ({
      status: 'fail',
      detail: 'api-5xx is in ALARM'
    }))
    const record = await setup(backend, { gates: [gate] }).run()
    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual([])
    expect(record.failure).toBe(
      'Gate cloudwatch-alarms failed: before the first shift: api-5xx is in ALARM'
    )
  })

  it('waits on pending gates, then fails once the health timeout passes', async () => {
    const backend = new FakeBackend(0)
    const gate = new ScriptedGate('target-health', () => ({ status: 'pending', detail: 'initial' }))
    const { run, clock } = setup(backend, { gates: [gate], healthTimeoutMs: 60_000 })
    const started = clock.now()
    const record = await run()
    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual([])
    expect(clock.now() - started).toBe(60_000)
    expect(record.failure).toContain(
      'still pending after the health timeout: target-health: initial'
    )
  })

  it('proceeds once a pending gate passes', async () => {
    const backend = new FakeBackend(0)
    const gate = new ScriptedGate('target-health', (n) =>
      n < 3 ? { status: 'pending', detail: 'initial' } : PASS
    )
    const record = await setup(backend, { gates: [gate], traffic: Split.ofPercent(10) }).run()
    expect(record.status).toBe('succeeded')
  })

  it('rolls back when AWS does not converge within the verify timeout', async () => {
    const backend = new FakeBackend(0)
    backend.pendingPolls = 1000
    const record = await setup(backend, { verifyTimeoutMs: 5000 }).run()
    expect(record.status).toBe('failed')
    expect(record.failure).toContain('did not converge on 10% green within 5s')
    expect(backend.applied).toEqual(['apply 10%', 'apply 0%'])
  })

  it('polls convergence with growing pauses', async () => {
    const backend = new FakeBackend(0)
    backend.pendingPolls = 3
    const { run, clock } = setup(backend, { traffic: Split.ofPercent(10), bakeMs: 0 })
    await run()
    expect(clock.sleeps).toEqual([250, 500, 1000])
  })

  it('plans without mutating in dry-run', async () => {
    const backend = new FakeBackend(0)
    const record = await setup(backend, { dryRun: true }).run()
    expect(record.status).toBe('planned')
    expect(backend.applied).toEqual([])
    expect(record.plannedCalls.map((c) => (c.parameters as { green: number }).green)).toEqual([
      100, 250, 500, 1000
    ])
    expect(record.steps).toHaveLength(4)
  })

  it('rolls back to a fixed percent when rollback-to says so', async () => {
    const backend = new FakeBackend(25)
    const gate = new ScriptedGate('alarm', (_n, c) =>
      c.phase === 'bake' && c.split.percent === 100 ? { status: 'fail', detail: 'x' } : PASS
    )
    const record = await setup(backend, { gates: [gate], rollbackTo: Split.BLUE }).run()
    expect(record.status).toBe('rolled-back')
    expect(backend.live.percent).toBe(0)
  })

  it('fails closed when a gate cannot be checked', async () => {
    const backend = new FakeBackend(0)
    const gate = new ScriptedGate('alarm', (_n, c) => {
      if (c.phase === 'bake') throw new Error('AccessDenied')
      return PASS
    })
    const record = await setup(backend, { gates: [gate] }).run()
    expect(record.status).toBe('rolled-back')
    expect(record.failure).toBe('Gate alarm failed: could not be checked: AccessDenied')
  })
})
