import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  InvalidTargetException,
  RegisterTargetsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { PlannedCall } from '../../src/backends/backend.js'
import type { TargetsSettings } from '../../src/backends/targets-settings.js'
import type { TargetsBackend } from '../../src/backends/targets.js'
import { MemoryLogger } from '../../src/logger.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { elbMock, FakeTargetGroup, TG_ARN } from '../helpers/fake-target-group.js'
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

describe('TargetsBackend: a migration, make before break', () => {
  it('moves 3 blue → 5 green in whole targets, reporting the splits they carry (hole 5)', async () => {
    group.seed(...range(3, blue))
    const { carried } = await migrate(backend(), [10, 50, 100])
    // "10 %" of 3 → 5 is 1 green beside 3 blue: 25 %, and that is what the run says.
    expect(carried).toEqual([25, 60, 100])
    expect(group.log.map(short)).toEqual([
      'register g1',
      'register g2,g3',
      'deregister b3',
      'register g4,g5',
      'deregister b1,b2'
    ])
    // Every green registered so far was healthy when blue left.
    expect(group.healthyAtDeregister.map((ids) => ids.map(short).sort())).toEqual([
      ['b1', 'b2', 'b3', 'g1', 'g2', 'g3'],
      ['b1', 'b2', 'g1', 'g2', 'g3', 'g4', 'g5']
    ])
  })

  it('quantizes "10 %" to 25 % and the plan arrives exactly there', async () => {
    group.seed(...range(3, blue))
    const shifted = backend()
    const { state } = await shifted.inspect()
    const to = shifted.quantize(Split.ofPercent(10), state)
    expect(to.percent).toBe(25)
    const plan = shifted.plan(state, to)
    expect(plan.to).toEqual(to)
    expect(plan.phases.map((phase) => phase.expect.split.percent)).toEqual([25])
    const { state: live } = await runPhases(shifted, clock, state, plan.phases)
    expect(live.split).toEqual(to)
    expect(live.detail).toBe('green 1/5 healthy, blue 3/3 registered (25% of serving targets)')
  })

  it('splits a step into register-and-wait, then deregister', async () => {
    group.seed(...range(3, blue))
    const shifted = backend()
    const { state } = await shifted.inspect()
    const plan = shifted.plan(state, shifted.quantize(Split.ofPercent(50), state))
    expect(plan.phases.map((phase) => short(phase.summary))).toEqual([
      'register 3 green targets (g1, g2, g3), wait until g1, g2, g3 are healthy',
      'deregister 1 blue target (b3)'
    ])
    expect(plan.phases.map((phase) => phase.movesTraffic)).toEqual([true, true])
    expect(plan.phases[1].expect.native.registrations.map((r) => [short(r.id), r.state])).toEqual([
      ['b1', 'healthy'],
      ['b2', 'healthy'],
      ['b3', 'draining'],
      ['g1', 'healthy'],
      ['g2', 'healthy'],
      ['g3', 'healthy']
    ])
  })

  it('is pending while registered targets are initial, naming them with AWS’s reason', async () => {
    group.seed(...range(3, blue))
    const shifted = backend()
    const { state } = await shifted.inspect()
    const [make] = shifted.plan(state, shifted.quantize(Split.ofPercent(10), state)).phases
    await shifted.apply(make)
    const pending = await shifted.verify(make, state)
    expect(pending.status).toBe('pending')
    expect(short(pending.detail)).toBe('waiting: g1 (green) initial (Elb.InitialHealthChecking)')
    clock.advance(10_000)
    expect((await shifted.verify(make, state)).status).toBe('converged')
  })

  it('waits for green a killed run left starting before it removes blue', async () => {
    group.seed(...range(4, blue))
    group.register(green(1), 80)
    group.register(green(2), 80)
    const shifted = backend(four)
    const { state } = await shifted.inspect()
    expect(state.split.percent).toBe(0)
    const to = shifted.quantize(Split.ofPercent(10), state)
    const plan = shifted.plan(state, to)
    expect(to.percent).toBe(33.3)
    expect(plan.phases.map((phase) => [short(phase.summary), phase.calls])).toEqual([
      ['wait until g1, g2 are healthy', []]
    ])
    const { outcomes } = await runPhases(shifted, clock, state, plan.phases)
    expect(outcomes[0].verification.status).toBe('converged')
    expect(group.log).toEqual([])
  })

  it('resumes a half-migrated group from the targets it finds', async () => {
    group.seed(blue(1), blue(2), green(1), green(2))
    const { carried } = await migrate(backend(four), [100])
    expect(carried).toEqual([100])
    expect(group.log.map(short)).toEqual(['register g3,g4', 'deregister b1,b2'])
  })

  it('plans nothing for a split AWS already carries, so a re-run is a no-op', async () => {
    group.seed(...range(4, blue))
    const first = await migrate(backend(four), [10])
    expect(first.carried).toEqual([20])
    const again = backend(four)
    const { state } = await again.inspect()
    const to = again.quantize(Split.ofPercent(10), state)
    expect(to).toEqual(state.split)
    expect(again.plan(state, to).phases).toEqual([])
  })

  it('leaves other targets of the group alone and says they are there', async () => {
    group.seed(...range(3, blue), 'i-0ffffffffffffffff')
    const { state } = await migrate(backend(), [100])
    expect(group.states().healthy).toContain('i-0ffffffffffffffff')
    expect(state.detail).toContain('1 other targets in the group')
  })

  it('chains a dry-run’s plans through their expected states: the calls a real run makes', async () => {
    const asCalls = (calls: PlannedCall[]) =>
      calls.map((call) => {
        const { Targets } = call.parameters as { Targets: { Id: string }[] }
        const verb = call.operation === 'RegisterTargets' ? 'register' : 'deregister'
        return short(`${verb} ${Targets.map((target) => target.Id).join(',')}`)
      })
    group.seed(...range(3, blue))
    const dry = backend()
    let state = (await dry.inspect()).state
    const planned: PlannedCall[] = []
    for (const percent of [10, 50, 100]) {
      const plan = dry.plan(state, dry.quantize(Split.ofPercent(percent), state))
      planned.push(...plan.phases.flatMap((phase) => phase.calls))
      state = plan.phases.at(-1)!.expect
    }
    expect(group.log).toEqual([])
    expect(JSON.parse(JSON.stringify(state.native))).toEqual(state.native)

    await migrate(backend(), [10, 50, 100])
    expect(group.log.map(short)).toEqual(asCalls(planned))
  })
})

describe('TargetsBackend.verify: read-only, and someone else’s edit is diverged (hole 1)', () => {
  async function firstPhase(percent: number) {
    group.seed(...range(3, blue))
    const shifted = backend()
    const { state } = await shifted.inspect()
    const plan = shifted.plan(state, shifted.quantize(Split.ofPercent(percent), state))
    return { shifted, state, plan }
  }

  it('names a target of ours someone deregistered while the step converged, and never writes', async () => {
    const { shifted, state, plan } = await firstPhase(50)
    await shifted.apply(plan.phases[0])
    const writes = group.writes()
    clock.advance(2000)
    group.deregister(green(2), 80)
    let verification
    for (let poll = 0; poll < 20; poll += 1) {
      verification = await shifted.verify(plan.phases[0], state)
      if (verification.status !== 'pending') break
      clock.advance(1000)
    }
    expect(verification!.status).toBe('diverged')
    expect(short(verification!.detail)).toBe(
      'g2 (green) was registered by this run, then deregistered by ' + 'someone else'
    )
    // The old converged() registered g2 again here.
    expect(group.writes()).toBe(writes)
    expect(group.states().draining?.map(short)).toEqual(['g2'])
  })

  it('names a blue target someone removed while green was coming up', async () => {
    const { shifted, state, plan } = await firstPhase(50)
    const run = await runPhases(shifted, clock, state, plan.phases, {
      between: (poll) => poll === 1 && group.deregister(blue(1), 80)
    })
    expect(run.outcomes.map((o) => o.verification.status)).toEqual(['diverged'])
    expect(short(run.outcomes[0].verification.detail)).toBe(
      'b1 (blue) was deregistered by someone else'
    )
    expect(group.log.map(short)).toEqual(['register g1,g2,g3'])
  })

  it('names a target of ours someone registered', async () => {
    const { shifted, state, plan } = await firstPhase(10)
    const run = await runPhases(shifted, clock, state, plan.phases, {
      between: (poll) => poll === 0 && group.register(green(4), 80)
    })
    expect(run.outcomes[0].verification.status).toBe('diverged')
    expect(short(run.outcomes[0].verification.detail)).toContain(
      'g4 (green) was registered by someone else'
    )
  })

  it('fails, with AWS’s reason, when a target it waits for is unhealthy; nothing is removed', async () => {
    group.fates.set(green(2), 'unhealthy')
    const { shifted, state, plan } = await firstPhase(50)
    const run = await runPhases(shifted, clock, state, plan.phases)
    expect(run.outcomes.map((o) => o.verification.status)).toEqual(['failed'])
    expect(short(run.outcomes[0].verification.detail)).toBe(
      'targets will not become healthy: g2 (green) unhealthy (Target.ResponseCodeMismatch)'
    )
    expect(group.log.map(short)).toEqual(['register g1,g2,g3'])
  })

  it('names at most ten failing targets, so a large fleet keeps the message short', async () => {
    group.seed(...range(3, blue))
    for (const id of range(12, green)) group.fates.set(id, 'unhealthy')
    const shifted = backend({ green: listOf(range(12, green)) })
    const { state } = await shifted.inspect()
    const plan = shifted.plan(state, Split.GREEN)
    const run = await runPhases(shifted, clock, state, plan.phases)
    const detail = run.outcomes[0].verification.detail
    expect(detail).toMatch(/i-0e000000000000010 \(green\) unhealthy \([^)]*\); and 2 more$/)
    expect(detail).not.toContain('i-0e000000000000011')
  })

  it('is pending until a deregistration shows, then converged while the targets drain', async () => {
    const { shifted, state, plan } = await firstPhase(50)
    const [make, brk] = plan.phases
    const made = await runPhases(shifted, clock, state, [make])
    // Nothing sent yet: b3 still registered.
    expect(short((await shifted.verify(brk, made.state)).detail)).toBe(
      'waiting: b3 (blue) still registered'
    )
    await shifted.apply(brk)
    const verification = await shifted.verify(brk, made.state)
    expect(verification.status).toBe('converged')
    expect(group.states().draining?.map(short)).toEqual(['b3'])
  })
})

describe('TargetsBackend.apply: only writes', () => {
  it('lets verify judge a write the SDK retried after a lost response', async () => {
    group.seed(...range(3, blue))
    const shifted = backend()
    const { state } = await shifted.inspect()
    const [make] = shifted.plan(state, Split.GREEN).phases
    elbMock.on(RegisterTargetsCommand).callsFakeOnce((input) => {
      // The first attempt landed; the retry's answer is what the SDK returns.
      for (const t of input.Targets) group.register(t.Id, t.Port)
      throw new InvalidTargetException({ message: 'Duplicate', $metadata: { attempts: 2 } })
    })
    await expect(shifted.apply(make)).resolves.toBeUndefined()
    expect(logger.lines).toContainEqual(expect.stringContaining('RegisterTargets was retried'))
    clock.advance(10_000)
    expect((await shifted.verify(make, state)).status).toBe('converged')
  })

  it('throws a refusal that was not a retry', async () => {
    group.seed(...range(3, blue))
    group.terminated.add(green(1))
    const shifted = backend()
    const { state } = await shifted.inspect()
    await expect(shifted.apply(shifted.plan(state, Split.GREEN).phases[0])).rejects.toThrow(
      `RegisterTargets on ${TG_ARN} failed: InvalidTargetException`
    )
  })
})
