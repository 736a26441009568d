import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '../../src/logger.js'
import { runShift, type RunnerOptions } from '../../src/runner.js'
import { resumeRollback } from '../../src/runner/resume.js'
import { readSavedRun } from '../../src/runner/saved.js'
import { parseSchedule } from '../../src/schedule.js'
import { Split } from '../../src/split.js'
import { FakeBackend, PASS, ScriptedGate } from '../helpers/fake-backend.js'
import { FakeClock } from '../helpers/fake-clock.js'

const settings: RunnerOptions['settings'] = {
  traffic: Split.GREEN,
  schedule: parseSchedule('steps', '10,25,50,100'),
  bakeMs: 60_000,
  rollbackTo: 'start',
  dryRun: false,
  verifyTimeoutMs: 30_000,
  healthTimeoutMs: 120_000,
  rollbackTimeoutMs: 120_000
}

/** A backend whose process "dies" (never answers again) at the call `dies` picks. */
class DyingBackend extends FakeBackend {
  dies: (call: 'read' | 'verify', percent: number) => boolean = () => false
  dead = false
  override read() {
    return this.hangs('read') ?? super.read()
  }
  override verify(...args: Parameters<FakeBackend['verify']>) {
    return this.hangs('verify') ?? super.verify(...args)
  }
  private hangs(call: 'read' | 'verify'): Promise<never> | undefined {
    if (!this.dead && !this.dies(call, this.live.percent)) return undefined
    this.dead = true
    return new Promise<never>(() => {})
  }
}

/**
 * Runs the main step until the backend stops answering, as a SIGKILL would stop it, and returns
 * what it saved by then.
 */
async function killedRun(backend: DyingBackend) {
  const saved = new Map<string, string>()
  void runShift({
    backend,
    gates: () => [new ScriptedGate('alarm', () => PASS)],
    clock: new FakeClock(),
    logger: new MemoryLogger(),
    settings,
    journal: { save: (key, value) => saved.set(key, value) }
  })
  for (let turn = 0; turn < 10_000 && !backend.dead; turn += 1) {
    await new Promise((resolve) => setImmediate(resolve))
  }
  expect(backend.dead).toBe(true)
  // The post step is another process: it finds AWS answering.
  backend.dead = false
  backend.dies = () => false
  return readSavedRun((key) => saved.get(key) ?? '')!
}

function post(backend: FakeBackend, saved: ReturnType<typeof readSavedRun>) {
  return resumeRollback(
    { backend, clock: new FakeClock(), logger: new MemoryLogger(), settings },
    saved!,
    'killed'
  )
}

describe('the post step resumes a rollback from what the main step saved', () => {
  it('restores the start after a kill between steps', async () => {
    const backend = new DyingBackend(0)
    // Killed after the 25 % bake, before the next step's read.
    backend.dies = (call, percent) => call === 'read' && percent === 25
    const saved = await killedRun(backend)
    expect(saved.verdict).toBeUndefined()
    expect(backend.live.percent).toBe(25)
    const record = await post(backend, saved)
    expect(record.status).toBe('rolled-back')
    expect(backend.live.percent).toBe(0)
    expect(record.failure).toBe('The main step ended without a verdict (killed)')
    expect(record.startPercent).toBe(0)
  })

  it("stops without writing over someone else's change made after the kill", async () => {
    const backend = new DyingBackend(0)
    // Killed after the 25 % bake, before the next step's read.
    backend.dies = (call, percent) => call === 'read' && percent === 25
    const saved = await killedRun(backend)
    backend.live = Split.ofPercent(60) // an operator moved it by hand
    const applied = backend.applied.length
    const record = await post(backend, saved)
    expect(record.status).toBe('failed')
    expect(record.failure).toContain('changed outside this run')
    expect(backend.applied.length).toBe(applied)
    expect(backend.live.percent).toBe(60)
  })

  it('counts a phase in flight at the kill as its own and restores from it', async () => {
    const backend = new DyingBackend(0)
    // Killed after writing 50 %, before AWS was seen to converge.
    backend.dies = (call, percent) => call === 'verify' && percent === 50
    const saved = await killedRun(backend)
    expect(saved.inFlight?.phase.expect.split.percent).toBe(50)
    expect(saved.verified.split.percent).toBe(25)
    const record = await post(backend, saved)
    expect(record.status).toBe('rolled-back')
    expect(backend.live.percent).toBe(0)
  })

  it('verifies to the end a rollback the main step wrote but had no time to see converge', async () => {
    // The main step: cancelled at 10 %, its rollback written, still converging at the grace.
    const backend = new FakeBackend(0)
    const controller = new AbortController()
    const saved = new Map<string, string>()
    const gate = new ScriptedGate('alarm', (_n, c) => {
      if (c.phase === 'bake' && c.split.percent === 10) {
        controller.abort()
        backend.pendingPolls = 1_000_000
      }
      return PASS
    })
    const main = await runShift({
      backend,
      gates: () => [gate],
      clock: new FakeClock(),
      logger: new MemoryLogger(),
      settings,
      signal: controller.signal,
      journal: { save: (key, value) => saved.set(key, value) }
    })
    expect(main.status).toBe('failed')
    const state = readSavedRun((key) => saved.get(key) ?? '')!
    expect(state.verdict).toBeUndefined()
    expect(state.inFlight?.phase.expect.split.percent).toBe(0)

    // The post step: AWS converges after three more polls; nothing is written again.
    let polls = 0
    const verify = backend.verify.bind(backend)
    backend.verify = async (phase, from) => {
      polls += 1
      const answer = await verify(phase, from)
      return polls > 3 && answer.status === 'pending' ? { ...answer, status: 'converged' } : answer
    }
    const applied = backend.applied.length
    const record = await post(backend, state)
    expect(record.status).toBe('rolled-back')
    expect(polls).toBe(4)
    expect(backend.applied.length).toBe(applied)
    expect(backend.live.percent).toBe(0)
  })
})
