import type { EventKind, GateCheck, RunEvent, RunRecord, StepRecord } from '../../src/record.js'

/** 2026-11-03 14:00:00 UTC: every test run starts here. */
export const T0 = Date.UTC(2026, 10, 3, 14, 0, 0)

export const SECOND = 1000

export function at(seconds: number): number {
  return T0 + seconds * SECOND
}

export function event(
  kind: EventKind,
  seconds: number,
  percent?: number,
  message: string = kind
): RunEvent {
  return { at: at(seconds), kind, percent, message }
}

export function gate(
  name: string,
  status: GateCheck['status'],
  detail: string,
  seconds = 0
): GateCheck {
  return { gate: name, status, detail, at: at(seconds) }
}

export function step(overrides: Partial<StepRecord> = {}): StepRecord {
  return {
    index: 0,
    fromPercent: 0,
    toPercent: 10,
    native: 'blue 900 / green 100',
    startedAt: at(5),
    convergedAt: at(8),
    bakeMs: 120 * SECOND,
    finishedAt: at(128),
    outcome: 'passed',
    gates: [gate('target-health', 'pass', '4/4 targets healthy', 127)],
    ...overrides
  }
}

/** A run that moved green 0 → 10 → 100 % in two steps and succeeded; override what a test needs. */
export function succeededRun(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    mode: 'weighted-target-groups',
    target: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/abc/def',
    context: {
      repository: 'octo/shop',
      runUrl: 'https://github.com/octo/shop/actions/runs/42',
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      actor: 'mona',
      workflow: 'Deploy',
      job: 'shift'
    },
    startedAt: T0,
    finishedAt: at(300),
    startPercent: 0,
    requestedPercent: 100,
    rollbackPercent: 0,
    schedule: [10, 100],
    dryRun: false,
    steps: [
      step(),
      step({
        index: 1,
        fromPercent: 10,
        toPercent: 100,
        native: 'blue 0 / green 999',
        startedAt: at(130),
        convergedAt: at(133),
        finishedAt: at(253),
        gates: [
          gate('target-health', 'pass', '4/4 targets healthy', 252),
          gate('alarms', 'pass', '2 alarms OK', 252)
        ]
      })
    ],
    events: [
      event('start', 0, undefined, 'Moving the listener toward 100% green'),
      event('planned', 1, 0, 'Live: blue 999 / green 0'),
      event('ready', 4, undefined, 'Gates pass before the first shift'),
      event('shift', 5, 10, 'Step 1/2: blue 900 / green 100'),
      event('converged', 8, 10, 'AWS reports blue 900 / green 100'),
      event('shift', 130, 100, 'Step 2/2: blue 0 / green 999'),
      event('converged', 133, 100, 'AWS reports blue 0 / green 999'),
      event('done', 300, 100, 'Run succeeded')
    ],
    plannedCalls: [],
    status: 'succeeded',
    finalPercent: 100,
    finalNative: 'blue 0 / green 999',
    ...overrides
  }
}

/** A run whose second step failed its alarm gate and rolled back to 0 %. */
export function rolledBackRun(overrides: Partial<RunRecord> = {}): RunRecord {
  const base = succeededRun()
  return {
    ...base,
    finishedAt: at(200),
    steps: [
      base.steps[0],
      step({
        index: 1,
        fromPercent: 10,
        toPercent: 100,
        native: 'blue 0 / green 999',
        startedAt: at(130),
        convergedAt: at(133),
        finishedAt: at(163),
        outcome: 'failed',
        gates: [
          gate('target-health', 'pass', '4/4 targets healthy', 162),
          gate('alarms', 'fail', 'shop-5xx is ALARM', 162)
        ]
      })
    ],
    events: [
      ...base.events.slice(0, 7),
      event('gate-failed', 163, undefined, 'Gate alarms failed: shop-5xx is ALARM'),
      event('rollback', 164, 0, 'Rolled back to blue 999 / green 0'),
      event('done', 200, 0, 'Run rolled-back')
    ],
    status: 'rolled-back',
    finalPercent: 0,
    finalNative: 'blue 999 / green 0',
    failure: 'Gate alarms failed: shop-5xx is ALARM',
    ...overrides
  }
}
