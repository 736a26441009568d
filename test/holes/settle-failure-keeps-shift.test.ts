/**
 * Issue 10, hole 8: a settle failure after every bake passed sent traffic back to blue. The
 * drain past its bound (SettleError) is held in runner-contract.test.ts; the same holds when
 * settle cannot finish for another reason, here an AWS error while it reads what is draining:
 * the shift passed every bake, so the run fails, says why, and moves no traffic
 * (docs/architecture.md, "Settle"). Cancellation still rolls back (runner.test.ts).
 */
import { describe, expect, it } from '@jest/globals'
import { AwsCallError } from '../../src/errors.js'
import { MemoryLogger } from '../../src/logger.js'
import { runShift } from '../../src/runner.js'
import { parseSchedule } from '../../src/schedule.js'
import { Split } from '../../src/split.js'
import { FakeBackend } from '../helpers/fake-backend.js'
import { FakeClock } from '../helpers/fake-clock.js'

const GROUP =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/73e2d6bc24d8a067'

function run(backend: FakeBackend) {
  return runShift({
    backend,
    gates: () => [],
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
}

describe('hole 8: a settle that cannot finish keeps the finished shift', () => {
  it('fails without a rollback when reading the drain fails after every bake passed', async () => {
    const backend = new FakeBackend(0)
    backend.settleWith = async () => {
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })
      throw new AwsCallError('DescribeTargetHealth', GROUP, throttled)
    }
    const record = await run(backend)

    expect(record.status).toBe('failed')
    expect(backend.applied).toEqual(['apply 10%', 'apply 50%', 'apply 100%'])
    expect(backend.live).toEqual(Split.GREEN)
    expect(record.failure).toContain('The shift is done but did not settle')
    expect(record.failure).toContain(`DescribeTargetHealth on ${GROUP} failed`)
    expect(record.steps.map((step) => step.outcome)).toEqual(['passed', 'passed', 'passed'])
  })

  it('succeeds when the last read, for the record, fails after settle finished', async () => {
    const backend = new FakeBackend(0)
    let settled = false
    backend.settleWith = async () => {
      settled = true
    }
    // One read fails (throttled past the SDK's retries); AWS answers again right after.
    backend.onRead = () => {
      if (!settled) return
      settled = false
      throw new Error('DescribeTargetHealth: ThrottlingException: Rate exceeded')
    }
    const record = await run(backend)

    expect(record.status).toBe('succeeded')
    expect(backend.applied).toEqual(['apply 10%', 'apply 50%', 'apply 100%'])
    expect(record.finalPercent).toBe(100)
  })
})
