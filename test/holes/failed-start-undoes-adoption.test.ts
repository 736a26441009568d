/**
 * Issue 10, hole 2: a green group was added to the live forward action, and when target-health
 * then failed before the first shift the group stayed there. Inspection now refuses a green
 * with no targets (weighted-target-groups.test.ts); this holds the other half, through the
 * runner: whatever stops a run after its adoption and before traffic moved, the listener ends
 * deep-equal to how the run found it, with a fixed rollback-to as with `start`.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { Split } from '../../src/split.js'
import {
  elb,
  GREEN,
  plainBlue,
  statefulListener,
  topology
} from '../backends/weighted-target-groups-fixtures.js'
import { ScriptedGate } from '../helpers/fake-backend.js'
import { blueHealthy, weightedRun, writes } from './weighted-run.js'

beforeEach(() => {
  elb.reset()
  topology()
  blueHealthy()
})

describe('hole 2: a run stopped before its first shift leaves the listener as it found it', () => {
  it.each([
    ['start', 'start' as const],
    ['0 % (a fixed split)', Split.BLUE]
  ])(
    'undoes the adoption when target-health fails the ready check (rollback-to %s)',
    async (_, rollbackTo) => {
      const alb = statefulListener(plainBlue)
      const health = new ScriptedGate('target-health', () => ({
        status: 'fail',
        detail: 'green in shop: 0/2 targets healthy'
      }))
      const record = await weightedRun([health], { rollbackTo }).run()

      expect(record.failure).toContain('Gate target-health failed: before the first shift')
      // The adoption (green at weight 0), then the list put back: no write ever weighted green.
      const greenWeights = writes().map(
        (actions) =>
          actions[0].ForwardConfig?.TargetGroups?.find((group) => group.TargetGroupArn === GREEN)
            ?.Weight
      )
      expect(greenWeights).toEqual([0, undefined])
      expect(alb.actions()).toEqual([plainBlue])
      expect(record.restore).toEqual({ exact: true })
      expect(record.finalPercent).toBe(0)
    }
  )
})
