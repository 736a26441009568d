/**
 * The real runner on the real weighted-target-groups backend, ELBv2 mocked at the SDK boundary:
 * for holes whose regression only shows where the runner meets a backend that adopts, restores
 * a native state and sees someone else's edit (the in-memory FakeBackend cannot show them: its
 * restore is a plan to the starting split and it never adopts).
 */
import {
  type Action,
  DescribeListenersCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Gate } from '../../src/gates/gate.js'
import { MemoryLogger } from '../../src/logger.js'
import { runShift, type RunnerOptions } from '../../src/runner.js'
import { parseSchedule } from '../../src/schedule.js'
import { Split } from '../../src/split.js'
import { backend, BLUE, elb, LB, LISTENER } from '../backends/weighted-target-groups-fixtures.js'
import { FakeClock } from '../helpers/fake-clock.js'

export const VERIFY_TIMEOUT_MS = 60_000

/**
 * Blue has a healthy target, so a rollback toward it is allowed: without this a rollback would
 * stop at the capacity check, and a test of "no rollback was written" could not fail.
 */
export function blueHealthy(): void {
  elb.on(DescribeTargetHealthCommand, { TargetGroupArn: BLUE }).resolves({
    TargetHealthDescriptions: [
      { Target: { Id: 'i-0b0000000000000b1', Port: 80 }, TargetHealth: { State: 'healthy' } }
    ]
  })
}

export function weightedRun(
  gates: Gate[],
  settings: Partial<RunnerOptions['settings']> = {}
): { clock: FakeClock; logger: MemoryLogger; run: () => ReturnType<typeof runShift> } {
  const clock = new FakeClock()
  const logger = new MemoryLogger()
  const options: RunnerOptions = {
    backend: backend(),
    gates: () => gates,
    clock,
    logger,
    settings: {
      traffic: Split.GREEN,
      schedule: parseSchedule('steps', '10,50,100'),
      bakeMs: 30_000,
      rollbackTo: 'start',
      dryRun: false,
      verifyTimeoutMs: VERIFY_TIMEOUT_MS,
      healthTimeoutMs: 60_000,
      ...settings
    }
  }
  return { clock, logger, run: () => runShift(options) }
}

/** The DefaultActions of every ModifyListener the run sent, in order. */
export function writes(): Action[][] {
  return elb
    .commandCalls(ModifyListenerCommand)
    .map((call) => call.args[0].input.DefaultActions ?? [])
}

export interface LaggingListener {
  /** The action list as last written (by the run or by `edit`). */
  actions(): Action[]
  /** Someone else's ModifyListener, visible at once. */
  edit(actions: Action[]): void
  /** Called at each DescribeListeners, before it answers: writes so far, reads since the last. */
  onRead?: (writes: number, readsSinceWrite: number) => void
}

/**
 * A listener whose reads lag its writes, as ALB's eventually consistent Describe* calls may:
 * after a ModifyListener the next `lagReads` DescribeListeners still show the list from
 * before.
 */
export function laggingListener(initial: Action[], lagReads: number): LaggingListener {
  let written = initial
  let shown = initial
  let lag = 0
  let writeCount = 0
  let readsSinceWrite = 0
  const listener: LaggingListener = {
    actions: () => written,
    edit: (actions) => {
      written = actions
      shown = actions
      lag = 0
    }
  }
  elb.on(DescribeListenersCommand).callsFake(() => {
    readsSinceWrite += 1
    listener.onRead?.(writeCount, readsSinceWrite)
    if (lag > 0) lag -= 1
    else shown = written
    return { Listeners: [{ ListenerArn: LISTENER, LoadBalancerArn: LB, DefaultActions: shown }] }
  })
  elb.on(ModifyListenerCommand).callsFake((input: { DefaultActions: Action[] }) => {
    written = JSON.parse(JSON.stringify(input.DefaultActions)) as Action[]
    lag = lagReads
    writeCount += 1
    readsSinceWrite = 0
    return {}
  })
  return listener
}
