/** A gate's observation (its figures as data) reaches the step's record, as the report needs it. */
import { describe, expect, it } from '@jest/globals'
import type { GateResult } from '../src/gates/gate.js'
import { MemoryLogger } from '../src/logger.js'
import { runShift } from '../src/runner.js'
import { parseSchedule } from '../src/schedule.js'
import { Split } from '../src/split.js'
import { FakeBackend, PASS, ScriptedGate } from './helpers/fake-backend.js'
import { FakeClock } from './helpers/fake-clock.js'

describe('gate observations in the run record', () => {
  it("records each step's last observation on its gate verdict, and none where there was none", async () => {
    const observed = (percent: number): GateResult => ({
      status: 'pass',
      detail: `saw ${percent}`,
      observation: {
        window: { start: percent, end: percent + 60_000 },
        greenShare: percent / 100,
        green: { requests: percent, errors: 1, p99: 0.25 },
        evidence: [{ check: 'error-rate', status: 'pass', eValue: 0.5, threshold: 100 }]
      }
    })
    const gate = new ScriptedGate('canary', (_call, context) =>
      context.phase === 'bake' ? observed(context.split.percent) : PASS
    )
    const plain = new ScriptedGate('plain', () => PASS)
    const record = await runShift({
      backend: new FakeBackend(0),
      gates: () => [gate, plain],
      clock: new FakeClock(),
      logger: new MemoryLogger(),
      settings: {
        traffic: Split.GREEN,
        schedule: parseSchedule('steps', '10,100'),
        bakeMs: 5000,
        rollbackTo: 'start',
        dryRun: false,
        verifyTimeoutMs: 30_000,
        healthTimeoutMs: 60_000
      }
    })
    expect(record.status).toBe('succeeded')
    const canary = record.steps.map((step) => step.gates.find((check) => check.gate === 'canary'))
    expect(canary.map((check) => check?.observation)).toEqual([
      observed(10).observation,
      observed(100).observation
    ])
    const others = record.steps.map((step) => step.gates.find((check) => check.gate === 'plain'))
    expect(others.every((check) => check && !('observation' in check))).toBe(true)
  })
})
