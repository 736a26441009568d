import { describe, expect, it } from '@jest/globals'
import type { Phase } from '../../src/backends/backend.js'
import { AwsCallError } from '../../src/errors.js'
import { type Lease, LeaseHeldError, LeaseLostError, type Release } from '../../src/lease/lease.js'
import { MemoryLogger } from '../../src/logger.js'
import { runShift } from '../../src/runner.js'
import { resumeRollback } from '../../src/runner/resume.js'
import { readSavedRun, type SavedRun } from '../../src/runner/saved.js'
import { parseSchedule } from '../../src/schedule.js'
import { Split } from '../../src/split.js'
import { FakeBackend } from '../helpers/fake-backend.js'
import { FakeClock } from '../helpers/fake-clock.js'

const OTHER = 'https://github.com/octo/shop/actions/runs/6/attempts/1'

/** A lease in memory, for the runner's side of the contract: when it is taken, guarded, released. */
class ScriptedLease implements Lease {
  readonly resource = 'fake-listener'
  readonly identity = {
    runUrl: 'https://github.com/octo/shop/actions/runs/7/attempts/1',
    leaseId: 'me'
  }
  readonly log: string[] = []
  refuse = false
  /** resume() (the post step) finds the lease taken by another run. */
  takenBy?: string
  /** resume() cannot read the lease (AWS errors after the SDK's retries). */
  resumeUnreadable = false
  /** The guard before this write (1-based) finds the lease taken by another run. */
  lostAtWrite?: number
  /** The guard before this write (1-based) and every later one cannot read the lease. */
  unreadableFromWrite?: number
  private writes = 0

  async peek(): Promise<string | undefined> {
    this.log.push('peek')
    return this.refuse ? `A run now would refuse: held by ${OTHER}` : undefined
  }

  async acquire(): Promise<string[]> {
    this.log.push('acquire')
    if (this.refuse)
      throw new LeaseHeldError(this.resource, {
        runUrl: OTHER,
        leaseId: 'x',
        startedAt: 0,
        expiresAt: Date.UTC(2030, 0, 1)
      })
    return ['taking over an expired lease']
  }

  async guard<N>(phase: Phase<N>): Promise<Phase<N>> {
    this.writes += 1
    this.log.push(`guard ${phase.expect.split.percent}%`)
    if (this.writes === this.lostAtWrite) throw new LeaseLostError(this.resource, OTHER)
    if (this.unreadableFromWrite !== undefined && this.writes >= this.unreadableFromWrite)
      throw new AwsCallError('DescribeTags', this.resource, new Error('Throttling: Rate exceeded'))
    return phase
  }

  async resume(): Promise<void> {
    this.log.push('resume')
    if (this.takenBy) throw new LeaseLostError(this.resource, this.takenBy)
    if (this.resumeUnreadable)
      throw new AwsCallError('DescribeTags', this.resource, new Error('Throttling: Rate exceeded'))
  }

  async release(outcome: Release): Promise<void> {
    this.log.push(`release ${outcome.status} moved=${outcome.movedTraffic}`)
  }
}

function setupSettings(traffic = Split.GREEN, dryRun = false) {
  return {
    traffic,
    schedule: parseSchedule('steps', '10,50,100'),
    bakeMs: 0,
    rollbackTo: 'start' as const,
    dryRun,
    verifyTimeoutMs: 30_000,
    healthTimeoutMs: 60_000
  }
}

function setup(lease: ScriptedLease, traffic = Split.GREEN, dryRun = false, start = 0) {
  const backend = new FakeBackend(start)
  const run = () =>
    runShift({
      backend,
      gates: () => [],
      clock: new FakeClock(),
      logger: new MemoryLogger(),
      lease,
      settings: setupSettings(traffic, dryRun)
    })
  return { backend, run }
}

describe('the runner and its lease', () => {
  it('takes the lease before the first write, guards every write, releases at the end', async () => {
    const lease = new ScriptedLease()
    const { backend, run } = setup(lease)
    const record = await run()
    expect(record.status).toBe('succeeded')
    expect(lease.log).toEqual([
      'acquire',
      'guard 10%',
      'guard 50%',
      'guard 100%',
      'release succeeded moved=true'
    ])
    expect(backend.applied).toEqual(['apply 10%', 'apply 50%', 'apply 100%'])
    expect(record.warnings).toEqual(['taking over an expired lease'])
  })

  it('saves its lease identity with the run, before the first write', async () => {
    const lease = new ScriptedLease()
    const backend = new FakeBackend(0)
    let savedRun: string | undefined
    let appliedAtSave = -1
    await runShift({
      backend,
      gates: () => [],
      clock: new FakeClock(),
      logger: new MemoryLogger(),
      lease,
      settings: setupSettings(),
      journal: {
        save: (key, value) => {
          if (key !== 'run') return
          savedRun = value
          appliedAtSave = backend.applied.length
        }
      }
    })
    expect(appliedAtSave).toBe(0)
    expect(readSavedRun((key) => (key === 'run' ? savedRun! : ''))!.lease).toEqual(lease.identity)
  })

  it('refuses before any write when another run holds the lease, naming it', async () => {
    const lease = new ScriptedLease()
    lease.refuse = true
    const { backend, run } = setup(lease)
    const record = await run()
    expect(record.status).toBe('failed')
    expect(record.failure).toContain(OTHER)
    expect(record.failure).toContain('2030-01-01T00:00:00.000Z')
    expect(backend.applied).toEqual([])
    // A lease it never took is not released (the lease itself knows it holds nothing).
    expect(lease.log).toEqual(['acquire', 'release failed moved=false'])
  })

  it('stops at its next write without writing or rolling back once it lost the lease', async () => {
    const lease = new ScriptedLease()
    lease.lostAtWrite = 2
    const { backend, run } = setup(lease)
    const record = await run()
    expect(record.status).toBe('failed')
    expect(record.failure).toContain(`lost its lease on fake-listener to ${OTHER}`)
    expect(backend.applied).toEqual(['apply 10%'])
    expect(record.events.map((e) => e.kind)).toContain('out-of-band')
    expect(record.events.map((e) => e.kind)).not.toContain('rollback')
  })

  it('rolls back although the lease cannot be read, but never moves forward without it', async () => {
    const lease = new ScriptedLease()
    lease.unreadableFromWrite = 2
    const { backend, run } = setup(lease)
    const record = await run()
    expect(record.status).toBe('rolled-back')
    expect(record.failure).toContain('DescribeTags on fake-listener failed: Throttling')
    // Step 2 was never written; the rollback to the start was.
    expect(backend.applied).toEqual(['apply 10%', 'apply 0%'])
    expect(lease.log).toEqual([
      'acquire',
      'guard 10%',
      'guard 50%',
      'guard 0%',
      'release rolled-back moved=true'
    ])
  })

  it('does not roll back over a run that took the lease while this one failed', async () => {
    const lease = new ScriptedLease()
    lease.unreadableFromWrite = 2
    lease.lostAtWrite = 3
    const { backend, run } = setup(lease)
    const record = await run()
    expect(record.status).toBe('failed')
    expect(record.failure).toContain(`lost its lease on fake-listener to ${OTHER}`)
    expect(backend.applied).toEqual(['apply 10%'])
  })

  it('takes no lease for a dry run or a run with nothing to do', async () => {
    const dry = new ScriptedLease()
    await setup(dry, Split.GREEN, true).run()
    const noop = new ScriptedLease()
    await setup(noop, Split.GREEN, false, 100).run()
    expect(dry.log.filter((line) => line !== 'release planned moved=false')).toEqual(['peek'])
    expect(noop.log.filter((line) => line !== 'release no-op moved=false')).toEqual([])
  })

  it('says in a dry run that a real run would refuse', async () => {
    const lease = new ScriptedLease()
    lease.refuse = true
    const record = await setup(lease, Split.GREEN, true).run()
    expect(record.status).toBe('planned')
    expect(record.warnings).toEqual([`A run now would refuse: held by ${OTHER}`])
  })
})

describe('the post step and the main step’s lease', () => {
  /** What a main step killed at 50 % saved, read back from a real backend's states. */
  async function killedAt50(backend: FakeBackend, lease: ScriptedLease): Promise<SavedRun> {
    const start = await backend.read()
    backend.live = Split.ofPercent(50)
    const verified = await backend.read()
    return {
      mode: backend.mode,
      target: backend.target,
      lease: lease.identity,
      start,
      verified,
      towardBlue: false,
      movedTraffic: true
    }
  }

  function post(backend: FakeBackend, lease: ScriptedLease, saved: SavedRun) {
    return resumeRollback(
      {
        backend,
        clock: new FakeClock(),
        logger: new MemoryLogger(),
        settings: setupSettings(),
        lease
      },
      saved,
      'killed'
    )
  }

  it('holds it again, guards the rollback write, releases it with its own outcome', async () => {
    const lease = new ScriptedLease()
    const backend = new FakeBackend(0)
    const record = await post(backend, lease, await killedAt50(backend, lease))
    expect(record.status).toBe('rolled-back')
    expect(backend.live.percent).toBe(0)
    expect(lease.log).toEqual(['resume', 'guard 0%', 'release rolled-back moved=true'])
  })

  it('writes nothing once another run took the lease, and says who holds it', async () => {
    const lease = new ScriptedLease()
    lease.takenBy = OTHER
    const backend = new FakeBackend(0)
    const saved = await killedAt50(backend, lease)
    const record = await post(backend, lease, saved)
    expect(record.status).toBe('failed')
    expect(record.failure).toContain(`lost its lease on fake-listener to ${OTHER}`)
    expect(backend.applied).toEqual([])
    expect(backend.live.percent).toBe(50)
    expect(lease.log).toEqual(['resume'])
  })

  it('rolls back with a warning when the lease cannot be read, as the main step’s rollback would', async () => {
    const lease = new ScriptedLease()
    lease.resumeUnreadable = true
    const backend = new FakeBackend(0)
    const record = await post(backend, lease, await killedAt50(backend, lease))
    expect(record.status).toBe('rolled-back')
    expect(backend.live.percent).toBe(0)
    // The write is still guarded: a lease another run holds by then would stop it.
    expect(lease.log).toEqual(['resume', 'guard 0%', 'release rolled-back moved=true'])
  })
})
