import { beforeEach, describe, expect, it } from '@jest/globals'
import type { TargetsNative, TargetsState } from '../../src/backends/targets-native.js'
import type { TargetsSettings } from '../../src/backends/targets-settings.js'
import type { TargetsBackend } from '../../src/backends/targets.js'
import { MemoryLogger } from '../../src/logger.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { elbMock, FakeTargetGroup } from '../helpers/fake-target-group.js'
import {
  blueId as blue,
  greenId as green,
  listOf,
  range,
  migrate as migrateWith,
  runPhases,
  short,
  targetsBackend
} from './targets-fixtures.js'

let clock: FakeClock
let group: FakeTargetGroup
let logger: MemoryLogger

beforeEach(() => {
  clock = new FakeClock()
  group = new FakeTargetGroup(clock)
  logger = new MemoryLogger()
})

function backend(overrides: Partial<TargetsSettings> = {}) {
  return targetsBackend(clock, logger, overrides)
}

const four = { blue: listOf(range(4, blue)), green: listOf(range(4, green)) }

const migrate = (shifted: TargetsBackend, percents: number[]) =>
  migrateWith(shifted, clock, percents)

const registered = (native: TargetsNative) =>
  native.registrations
    .filter((r) => r.state !== 'draining')
    .map((r) => short(r.id))
    .sort()

describe('TargetsBackend.restore: back to the exact starting registrations (hole 4)', () => {
  async function restoreFrom(shifted: TargetsBackend, start: TargetsState, live: TargetsState) {
    const plan = shifted.restore(start, live)
    const run = await runPhases(shifted, clock, live, plan.phases)
    return { plan, ...run }
  }

  it('re-registers blue and waits for it, then removes green', async () => {
    group.seed(...range(4, blue))
    const shifted = backend(four)
    const start = (await shifted.inspect()).state
    const { state: live } = await migrate(shifted, [10, 50])
    const { plan, state, outcomes } = await restoreFrom(shifted, start, live)
    expect(plan.exact).toBe(true)
    expect(plan.note).toBeUndefined()
    expect(plan.to).toEqual(start.split)
    expect(plan.phases.map((phase) => short(phase.summary))).toEqual([
      'register 2 blue targets (b3, b4), wait until b3, b4 are healthy',
      'deregister 2 green targets (g1, g2)'
    ])
    expect(outcomes.map((o) => o.verification.status)).toEqual(['converged', 'converged'])
    // Blue was back and healthy before green left.
    expect(group.healthyAtDeregister.at(-1)!.map(short).sort()).toEqual(
      ['b1', 'b2', 'b3', 'b4', 'g1', 'g2'].sort()
    )
    expect(registered(state.native)).toEqual(registered(start.native))
    expect(state.fingerprint).toBe(start.fingerprint)
  })

  it('puts back blue when green broke after blue was gone', async () => {
    group.seed(...range(3, blue))
    const shifted = backend()
    const start = (await shifted.inspect()).state
    await migrate(shifted, [50, 100])
    for (const id of range(5, green)) group.fates.set(id, 'unhealthy')
    const live = await shifted.read()
    expect(live.split.percent).toBe(100)
    expect(live.detail).toBe(
      'green 0/5 healthy, blue 0/3 registered (no healthy target: 5 green registered, none ' +
        'healthy); 3 draining'
    )
    expect((await shifted.blueCapacity(live)).ok).toBe(true)
    const { state } = await restoreFrom(shifted, start, live)
    expect(group.log.map(short).slice(-2)).toEqual([
      'register b1,b2,b3',
      'deregister g1,g2,g3,g4,g5'
    ])
    expect(group.healthyAtDeregister.at(-1)!.map(short).sort()).toEqual(['b1', 'b2', 'b3'])
    expect(state.split).toEqual(Split.BLUE)
  })

  it('restores exactly the targets a resumed run started from', async () => {
    group.seed(...range(3, blue), green(1))
    const shifted = backend()
    const start = (await shifted.inspect()).state
    expect(start.split.percent).toBe(25)
    const { state: live } = await migrate(shifted, [50])
    const { state } = await restoreFrom(shifted, start, live)
    expect(group.log.map(short)).toEqual([
      'register g2,g3',
      'deregister b3',
      'register b3',
      'deregister g2,g3'
    ])
    expect(registered(state.native)).toEqual(['b1', 'b2', 'b3', 'g1'])
    expect(state.split).toEqual(start.split)
  })

  it('plans nothing when AWS is where the run started', async () => {
    group.seed(...range(3, blue))
    const shifted = backend()
    const start = (await shifted.inspect()).state
    expect(shifted.restore(start, await shifted.read()).phases).toEqual([])
  })
})

describe('TargetsBackend.blueCapacity', () => {
  it('answers from the health of blue’s targets in the state', async () => {
    group.seed(...range(3, blue))
    for (const id of range(3, blue)) group.fates.set(id, 'unhealthy')
    group.seed(green(1))
    const shifted = backend()
    const state = await shifted.read()
    const capacity = await shifted.blueCapacity(state)
    expect(capacity.ok).toBe(false)
    expect(capacity.detail).toBe(
      "none of blue's targets is healthy: i-0b000000000000001 unhealthy, i-0b000000000000002 " +
        'unhealthy, i-0b000000000000003 unhealthy'
    )
    const calls = elbMock.calls().length
    group.fates.clear()
    // From the state given, not from a new read.
    expect((await shifted.blueCapacity(state)).ok).toBe(false)
    expect(elbMock.calls()).toHaveLength(calls)
    expect(await shifted.blueCapacity(await shifted.read())).toEqual({
      ok: true,
      detail: 'blue has 3 of 3 targets healthy'
    })
  })
})
