/**
 * Issue 10, hole 4: a rollback restored the share, not the state (a run that started at blue
 * 100 / green 0 rolled back to 999 / 0). The backends' restore() is held in their own tests;
 * these hold the runner to using it, and to saying so when only the nearest state was possible.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import type { LiveState, RestorePlan } from '../../src/backends/backend.js'
import { MemoryLogger } from '../../src/logger.js'
import { runShift } from '../../src/runner.js'
import { parseSchedule } from '../../src/schedule.js'
import { Split } from '../../src/split.js'
import {
  elb,
  statefulListener,
  topology,
  weighted
} from '../backends/weighted-target-groups-fixtures.js'
import { FakeBackend, PASS, ScriptedGate } from '../helpers/fake-backend.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { blueHealthy, weightedRun, writes } from './weighted-run.js'

beforeEach(() => {
  elb.reset()
  topology()
  blueHealthy()
})

const failAtTen = () =>
  new ScriptedGate('cloudwatch-alarms', (_n, context) =>
    context.phase === 'bake' && context.split.percent === 10
      ? { status: 'fail', detail: 'shop-5xx in ALARM' }
      : PASS
  )

describe('hole 4: a rollback puts back the state the run started from', () => {
  it('puts a listener that started at blue 100 / green 0 back at 100 / 0, not 999 / 0', async () => {
    const alb = statefulListener(weighted(100, 0))
    const record = await weightedRun([failAtTen()]).run()

    expect(record.status).toBe('rolled-back')
    expect(writes()).toHaveLength(2)
    expect(alb.actions()).toEqual([weighted(100, 0)])
    expect(record.finalNative).toBe('blue 100 / green 0 (ALB weights)')
  })

  it('records and reports a restore that could only reach the nearest state', async () => {
    const note =
      "blue's b1 of Auto Scaling group shop-blue no longer in service, so b4 take its place"
    class MovedOn extends FakeBackend {
      override restore(
        start: LiveState<{ permille: number }>,
        live: LiveState<{ permille: number }>
      ) {
        const exact: RestorePlan<{ permille: number }> = super.restore(start, live)
        return { ...exact, exact: false, note }
      }
    }
    const backend = new MovedOn(0)
    const record = await runShift({
      backend,
      gates: () => [failAtTen()],
      clock: new FakeClock(),
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
    expect(record.restore).toEqual({ exact: false, note })
    const rollback = record.events.find((event) => event.kind === 'rollback')!
    expect(rollback.message).toBe(`Rolled back to blue 1000 / green 0 (nearest: ${note})`)
  })
})
