import { beforeEach, describe, expect, it } from '@jest/globals'
import type { TargetsSettings } from '../../src/backends/targets-settings.js'
import type { TargetsBackend } from '../../src/backends/targets.js'
import { SettleError } from '../../src/errors.js'
import { MemoryLogger } from '../../src/logger.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { FakeTargetGroup } from '../helpers/fake-target-group.js'
import {
  blueId as blue,
  greenId as green,
  range,
  migrate as migrateWith,
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

const migrate = (shifted: TargetsBackend, percents: number[]) =>
  migrateWith(shifted, clock, percents)

describe('TargetsBackend.settle: draining after the last bake (hole 8)', () => {
  it('waits for the targets this run deregistered, polling with the clock', async () => {
    group.delaySeconds = 120
    group.seed(...range(3, blue))
    const shifted = backend()
    const { state } = await migrate(shifted, [100])
    const deregistered = group.deregisterTimes[0]
    const sleeps = clock.sleeps.length
    const writes = group.writes()
    await shifted.settle(state)
    expect(group.states().draining).toBeUndefined()
    expect(clock.now() - deregistered).toBeGreaterThanOrEqual(120_000)
    expect(clock.now() - deregistered).toBeLessThan(126_000)
    expect(group.writes()).toBe(writes)
    const polls = clock.sleeps.slice(sleeps)
    expect(polls.length).toBeGreaterThan(10)
    expect(polls.every((ms) => ms <= 5000)).toBe(true)
    expect(logger.lines.map(short)).toContainEqual(
      expect.stringMatching(
        /^Waiting for 3 deregistered targets to finish draining \(deregistration delay 120s; at most \d+s more\): b1, b2, b3$/
      )
    )
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/^Draining finished 1\d\ds after the last deregistration$/)
    )
  })

  it('throws SettleError naming each target still draining past the delay and margin', async () => {
    group.seed(...range(3, blue))
    group.lingering.add(blue(2))
    const shifted = backend()
    const { state } = await migrate(shifted, [100])
    const writes = group.writes()
    const settled = shifted.settle(state)
    await expect(settled).rejects.toThrow(SettleError)
    await expect(settled).rejects.toThrow(
      'The shift is done but did not settle: 1 deregistered targets still draining 1m after the ' +
        'last deregistration, beyond the deregistration delay (30s) and a 30s margin: ' +
        'i-0b000000000000002'
    )
    expect(clock.now() - group.deregisterTimes[0]).toBe(60_000)
    // No traffic moves: settle only reads.
    expect(group.writes()).toBe(writes)
    expect(group.states().healthy?.map(short).sort()).toEqual(['g1', 'g2', 'g3', 'g4', 'g5'])
  })

  it('ends the wait when the run is cancelled', async () => {
    group.delaySeconds = 300
    group.seed(...range(3, blue))
    const shifted = backend()
    const { state } = await migrate(shifted, [100])
    const controller = new AbortController()
    const settled = shifted.settle(state, controller.signal)
    controller.abort()
    await expect(settled).rejects.toThrow('cancelled')
  })

  it('does not wait when wait-for-draining is false', async () => {
    group.delaySeconds = 120
    group.seed(...range(3, blue))
    const shifted = backend({ waitForDraining: false })
    const { state } = await migrate(shifted, [100])
    await shifted.settle(state)
    expect(group.states().draining?.map(short)).toEqual(['b1', 'b2', 'b3'])
    expect(logger.lines).toContain(
      'Not waiting for deregistered targets to drain (wait-for-draining: false)'
    )
  })

  it('waits only for targets this run deregistered, not ones a previous run left draining', async () => {
    group.delaySeconds = 120
    group.seed(blue(1), blue(2), green(1), green(2), green(3))
    group.targets.set(`${blue(3)}:80`, {
      id: blue(3),
      port: 80,
      registeredAt: clock.now() - 3_600_000,
      deregisteredAt: clock.now()
    })
    group.lingering.add(blue(3))
    const shifted = backend()
    const { state } = await migrate(shifted, [100])
    await shifted.settle(state)
    expect(group.states().draining?.map(short)).toEqual(['b3'])
  })
})
