import { describe, expect, it } from '@jest/globals'
import type { Capacity, LiveState, Phase } from '../../src/backends/backend.js'
import { MemoryLogger } from '../../src/logger.js'
import { runShift, type RunnerOptions } from '../../src/runner.js'
import { readSavedRun } from '../../src/runner/saved.js'
import { parseSchedule } from '../../src/schedule.js'
import { Split } from '../../src/split.js'
import { FakeBackend, PASS, ScriptedGate } from '../helpers/fake-backend.js'
import { FakeClock } from '../helpers/fake-clock.js'

function serverError(): Error {
  return Object.assign(new Error('InternalFailure'), {
    name: 'InternalFailure',
    $fault: 'server',
    $metadata: { httpStatusCode: 500 }
  })
}

/** A backend whose rollback writes (toward 0 %) and blue health reads fail as scripted. */
class TroubledBackend extends FakeBackend {
  rollbackFailures = 0
  blueFailsForever = false
  override async apply(phase: Phase<{ permille: number }>): Promise<void> {
    if (phase.expect.split.permille < this.live.permille && this.rollbackFailures > 0) {
      this.rollbackFailures -= 1
      throw serverError()
    }
    return super.apply(phase)
  }
  override async blueCapacity(state: LiveState<{ permille: number }>): Promise<Capacity> {
    if (this.blueFailsForever) throw serverError()
    return super.blueCapacity(state)
  }
}

function setup(backend: FakeBackend, failAt: number, rollbackTimeoutMs?: number) {
  const clock = new FakeClock()
  const saved = new Map<string, string>()
  const gate = new ScriptedGate('alarm', (_n, c) =>
    c.phase === 'bake' && c.split.percent === failAt ? { status: 'fail', detail: 'ALARM' } : PASS
  )
  const options: RunnerOptions = {
    backend,
    gates: () => [gate],
    clock,
    logger: new MemoryLogger(),
    journal: { save: (key, value) => saved.set(key, value) },
    settings: {
      traffic: Split.GREEN,
      schedule: parseSchedule('steps', '10,25,50,100'),
      bakeMs: 60_000,
      rollbackTo: 'start',
      dryRun: false,
      verifyTimeoutMs: 30_000,
      healthTimeoutMs: 120_000,
      rollbackTimeoutMs
    }
  }
  return { clock, saved, run: () => runShift(options) }
}

describe('a rollback that persists', () => {
  it('keeps writing through a burst of 5xx until AWS is put back', async () => {
    const backend = new TroubledBackend(0)
    backend.rollbackFailures = 12
    const { run } = setup(backend, 25)
    const record = await run()
    expect(record.status).toBe('rolled-back')
    expect(backend.live.percent).toBe(0)
    expect(backend.applied).toEqual(['apply 10%', 'apply 25%', 'apply 0%'])
  })

  it('gives up at rollback-timeout, saying what it could not do', async () => {
    const backend = new TroubledBackend(0)
    backend.rollbackFailures = Infinity
    const { run, clock } = setup(backend, 10, 30_000)
    const failedAt = clock.now()
    const record = await run()
    expect(record.status).toBe('failed')
    expect(record.failure).toContain(
      "Rollback to 0% green failed: could not write set blue 1000 / green 0 within the rollback's 30s"
    )
    expect(record.failure).toContain('AWS now shows blue 900 / green 100')
    expect(clock.now() - failedAt).toBeGreaterThanOrEqual(30_000)
  })

  it("rolls back to the blue that carried traffic at the start when blue's health cannot be read", async () => {
    const backend = new TroubledBackend(0)
    backend.blueFailsForever = true
    const record = await setup(backend, 25).run()
    expect(record.status).toBe('rolled-back')
    expect(backend.live.percent).toBe(0)
    expect(record.warnings).toEqual([
      "Blue's health could not be read (could not read blue's health within the rollback's 240s " +
        '(last error: InternalFailure)): rolling back to the blue that carried 100% of the ' +
        'traffic at the start'
    ])
  })

  it('still refuses a blue that AWS reports unhealthy', async () => {
    const backend = new FakeBackend(0)
    backend.blueReady = { ok: false, detail: 'blue: 0 of 2 targets healthy' }
    const record = await setup(backend, 25).run()
    expect(record.status).toBe('failed')
    expect(record.failure).toContain('Blue cannot take traffic: blue: 0 of 2 targets healthy')
    expect(backend.live.percent).toBe(25)
  })
})

describe('what the run saves for the post step', () => {
  it('saves the start before the first write, each write before it is sent, and the verdict', async () => {
    const backend = new FakeBackend(0)
    const seenAtFirstWrite: string[] = []
    const { run, saved } = setup(backend, 25)
    const apply = backend.apply.bind(backend)
    backend.apply = async (phase) => {
      if (backend.applied.length === 0) seenAtFirstWrite.push(...saved.keys())
      // The phase is on record before AWS is asked.
      const flight = JSON.parse(saved.get('in-flight')!)
      expect(flight.phase.expect.permille).toBe(phase.expect.split.permille)
      return apply(phase)
    }
    const record = await run()
    expect(seenAtFirstWrite).toEqual(expect.arrayContaining(['run', 'verified', 'in-flight']))
    const restored = readSavedRun((key) => saved.get(key) ?? '')!
    expect(restored.mode).toBe('fake')
    expect(restored.start.split.equals(Split.BLUE)).toBe(true)
    expect(restored.start.native).toEqual({ permille: 0 })
    expect(restored.verified.detail).toBe('blue 1000 / green 0')
    expect(restored.inFlight).toBeUndefined()
    expect(restored.movedTraffic).toBe(true)
    expect(restored.verdict).toBe(record.status)
  })

  it('saves nothing to finish for a no-op', async () => {
    const backend = new FakeBackend(100)
    const { run, saved } = setup(backend, 25)
    await run()
    expect(saved.get('run')).toBeUndefined()
    expect(readSavedRun((key) => saved.get(key) ?? '')).toBeUndefined()
  })
})
