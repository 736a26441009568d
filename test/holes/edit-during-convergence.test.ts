/**
 * Issue 10, hole 1: an edit made while a step converges was overwritten (the run polled to
 * verify-timeout, then rolled back on top of it). Two guards stop that and each is held here on
 * its own, since the one left standing hides the loss of the other: verify's `diverged` stops
 * the run at once, and the rollback only undoes a live state it can explain as its own.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { topology, weighted, elb } from '../backends/weighted-target-groups-fixtures.js'
import { PASS, ScriptedGate } from '../helpers/fake-backend.js'
import {
  blueHealthy,
  laggingListener,
  VERIFY_TIMEOUT_MS,
  weightedRun,
  writes
} from './weighted-run.js'

beforeEach(() => {
  elb.reset()
  topology()
  blueHealthy()
})

const START = [weighted(999, 0)]
const OPERATOR = [weighted(0, 999)]

describe('hole 1: an edit while a step converges stops the run and is never written over', () => {
  it('stops at the first read that shows the edit, not at verify-timeout', async () => {
    // ALB's reads lag each write by two reads; the operator edits during step 2's verify.
    const listener = laggingListener(START, 2)
    listener.onRead = (writeCount, readsSinceWrite) => {
      if (writeCount === 2 && readsSinceWrite === 2) listener.edit(OPERATOR)
    }
    const { run } = weightedRun([])
    const record = await run()

    expect(record.status).toBe('failed')
    expect(writes()).toHaveLength(2) // 10 %, 50 %: nothing after the edit
    expect(listener.actions()).toEqual(OPERATOR)
    expect(record.failure).toMatch(
      /^The traffic split was changed outside this run: expected blue 500 \/ green 500 \(ALB weights\), found blue 0 \/ green 999 /
    )
    expect(record.failure).toContain('Stopping without overwriting it.')
    // Said once: the backend's account of the edit, not wrapped in the runner's own words again.
    expect(record.failure!.match(/expected/g)).toHaveLength(1)
    const shift = record.events.filter((event) => event.kind === 'shift')[1]
    const stopped = record.events.find((event) => event.kind === 'out-of-band')!
    // Polling on to the timeout would have let traffic sit on an unowned split for a minute.
    expect(stopped.at - shift.at).toBeLessThan(VERIFY_TIMEOUT_MS / 10)
  })

  it('does not roll back over an edit made as a gate fails while the step converges', async () => {
    // Step 1 stays unconverged (reads lag on); the operator escapes by hand as the alarm fires.
    const listener = laggingListener(START, 1000)
    const alarm = new ScriptedGate('cloudwatch-alarms', (_n, context) => {
      if (context.phase !== 'converge') return PASS
      listener.edit(OPERATOR)
      return { status: 'fail', detail: 'shop-5xx in ALARM' }
    })
    const record = await weightedRun([alarm]).run()

    expect(record.status).toBe('failed')
    expect(writes()).toHaveLength(1) // step 1 only: no rollback over the operator's edit
    expect(listener.actions()).toEqual(OPERATOR)
    expect(record.failure).toContain('Gate cloudwatch-alarms failed: shop-5xx in ALARM. ')
    expect(record.failure).toContain('found blue 0 / green 999 (ALB weights)')
    expect(record.events.map((event) => event.kind)).toContain('out-of-band')
  })
})
