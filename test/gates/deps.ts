import type { HealthScope, TrafficBackend } from '../../src/backends/backend.js'
import { createClients } from '../../src/aws/clients.js'
import type { GateDeps } from '../../src/gates/gate.js'
import type { InputReader } from '../../src/inputs.js'
import { MemoryLogger } from '../../src/logger.js'
import { parseSchedule } from '../../src/schedule.js'
import type { CommonSettings } from '../../src/settings.js'
import { Split } from '../../src/split.js'
import { FakeBackend } from '../helpers/fake-backend.js'
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
    ...overrides
  }
}

export interface TestDeps extends GateDeps {
  clock: FakeClock
  logger: MemoryLogger
}

/** Gate dependencies with a fake clock, a backend watching `scope`, and real (mockable) clients. */
export function gateDeps(
  options: { scope?: HealthScope[]; settings?: Partial<CommonSettings> } = {}
): TestDeps {
  const backend: TrafficBackend = Object.assign(new FakeBackend(), {
    healthScope: () => options.scope ?? []
  })
  return {
    clients: createClients('us-east-1'),
    clock: new FakeClock(),
    logger: new MemoryLogger(),
    backend,
    settings: commonSettings(options.settings)
  }
}
