/**
 * Issue 10, hole 6: gates were blind while traffic had moved but the run was waiting. The
 * convergence wait is held in runner-contract.test.ts; this holds the other such wait, settle
 * (blue draining after the last bake): an alarm there rolls back at once instead of the run
 * succeeding once draining ends.
 */
import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '../../src/logger.js'
import { runShift } from '../../src/runner.js'
import { parseSchedule } from '../../src/schedule.js'
import { Split } from '../../src/split.js'
import { FakeBackend, PASS, ScriptedGate } from '../helpers/fake-backend.js'
import { FakeClock } from '../helpers/fake-clock.js'

describe('hole 6: gates watch the drain after the last bake', () => {
  it('rolls back when a gate fails while blue drains', async () => {
    const clock = new FakeClock()
    const backend = new FakeBackend(0)
    // Blue's targets drain for 300 s (their deregistration delay), then settle ends.
    backend.settleWith = async (signal) => {
      await clock.sleep(300_000, signal)
    }
    let bakedAtFull = false
    const alarm = new ScriptedGate('cloudwatch-alarms', (_n, context) => {
      if (context.phase === 'bake' && context.split.equals(Split.GREEN)) bakedAtFull = true
      // After the last bake, the only wait left is settle's.
      return bakedAtFull && context.phase === 'converge'
        ? { status: 'fail', detail: 'shop-green-5xx in ALARM' }
        : PASS
    })
    const record = await runShift({
      backend,
      gates: () => [alarm],
      clock,
      logger: new MemoryLogger(),
      settings: {
        traffic: Split.GREEN,
        schedule: parseSchedule('steps', '10,50,100'),
        bakeMs: 30_000,
        rollbackTo: 'start',
        dryRun: false,
        verifyTimeoutMs: 60_000,
        healthTimeoutMs: 60_000
      }
    })

    expect(record.status).toBe('rolled-back')
    expect(record.failure).toBe('Gate cloudwatch-alarms failed: shop-green-5xx in ALARM')
    expect(backend.applied).toEqual(['apply 10%', 'apply 50%', 'apply 100%', 'apply 0%'])
    expect(record.steps.at(-1)!.gates).toContainEqual(
      expect.objectContaining({ gate: 'cloudwatch-alarms', status: 'fail', phase: 'converge' })
    )
  })
})
