import { emptySide, type Sides, type TargetGroupRef } from '../../src/backends/sides.js'
import { createClients } from '../../src/aws/clients.js'
import type { GateDeps } from '../../src/gates/gate.js'
import type { InputReader } from '../../src/inputs.js'
import { MemoryLogger } from '../../src/logger.js'
import { parseSchedule } from '../../src/schedule.js'
import type { CommonSettings } from '../../src/settings.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'

/** Inputs from a map, as core.getInput would give them ('' when absent). */
export function inputs(values: Record<string, string> = {}): InputReader {
  return (name) => values[name] ?? ''
}

/** Common settings as a literal, so these tests do not depend on how the common inputs parse. */
export function commonSettings(overrides: Partial<CommonSettings> = {}): CommonSettings {
  return {
    mode: 'weighted-target-groups',
    traffic: Split.GREEN,
    schedule: parseSchedule('steps', '10,50,100'),
    bakeMs: 120_000,
    rollbackTo: 'start',
    dryRun: false,
    region: 'us-east-1',
    checkIntervalMs: 10_000,
    verifyTimeoutMs: 300_000,
    healthTimeoutMs: 300_000,
    rollbackTimeoutMs: 240_000,
    ...overrides
  }
}

export interface TestDeps extends GateDeps {
  clock: FakeClock
  logger: MemoryLogger
}

/** What the target-health gate watches: green's groups (and target ids in a shared group). */
export interface HealthScope {
  targetGroupArn: string
  targetIds?: string[]
}

/** Sides whose green runs through `scope`'s target groups. */
export function sidesWith(scope: HealthScope[] = [], overrides: Partial<Sides> = {}): Sides {
  const group = ({ targetGroupArn, targetIds }: HealthScope): TargetGroupRef => ({
    arn: targetGroupArn,
    loadBalancerArns: [],
    ...(targetIds && { targetIds }),
    metrics: []
  })
  return {
    blue: emptySide(),
    green: { ...emptySide(), targetGroups: scope.map(group) },
    nameServers: [],
    loadBalancers: [],
    ...overrides
  }
}

/** Gate dependencies with a fake clock, sides watching `scope`, and real (mockable) clients. */
export function gateDeps(
  options: { scope?: HealthScope[]; sides?: Sides; settings?: Partial<CommonSettings> } = {}
): TestDeps {
  const settings = commonSettings(options.settings)
  return {
    clients: createClients('us-east-1'),
    clock: new FakeClock(),
    logger: new MemoryLogger(),
    settings,
    mode: settings.mode,
    sides: options.sides ?? sidesWith(options.scope)
  }
}
