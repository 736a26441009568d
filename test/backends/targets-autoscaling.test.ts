import { beforeEach, describe, expect, it } from '@jest/globals'
import { DescribeTrafficSourcesCommand } from '@aws-sdk/client-auto-scaling'
import type { TargetsSettings } from '../../src/backends/targets-settings.js'
import { MemoryLogger } from '../../src/logger.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { type Api, asgMock, FakeTargetGroup, TG_ARN } from '../helpers/fake-target-group.js'
import {
  blueId as blue,
  greenId as green,
  migrate,
  range,
  runPhases,
  short,
  targetsBackend
} from './targets-fixtures.js'

let clock: FakeClock
let group: FakeTargetGroup

const groups: Partial<TargetsSettings> = {
  blue: { autoScalingGroup: 'shop-blue' },
  green: { autoScalingGroup: 'shop-green' }
}
const backend = () => targetsBackend(clock, new MemoryLogger(), groups)

function fleets(blueAttached: boolean | Api = true): void {
  group.group('shop-blue', range(3, blue), blueAttached)
  group.group('shop-green', range(3, green))
  group.seed(...range(3, blue))
}

const attachedApi = (name: string) => group.attachedApi(group.groups.get(name)!)

beforeEach(() => {
  clock = new FakeClock()
  group = new FakeTargetGroup(clock)
})

describe('Auto Scaling hand-over: each group written with the API it was attached with (hole 7)', () => {
  it('attaches green’s group once green carries everything, then detaches blue’s', async () => {
    fleets()
    const { state } = await migrate(backend(), clock, [50, 100])
    expect(group.log.map(short)).toEqual([
      'register g1,g2',
      'deregister b3',
      'register g3',
      'attach shop-green',
      'detach shop-blue',
      'deregister b1,b2'
    ])
    expect(attachedApi('shop-green')).toBe('target-groups')
    expect(attachedApi('shop-blue')).toBeUndefined()
    // Converged while AWS still shows blue's attachment Removing (its instances drain).
    expect(state.detail).toContain(
      'blue group shop-blue detached; green group shop-green attached (LoadBalancerTargetGroups)'
    )
  })

  it('detaches a group attached with AttachTrafficSources with DetachTrafficSources', async () => {
    fleets('traffic-sources')
    const shifted = backend()
    const { state } = await migrate(shifted, clock, [50])
    const plan = shifted.plan(state, Split.GREEN)
    expect(plan.phases.map((phase) => phase.calls.map((call) => call.operation))).toEqual([
      ['RegisterTargets', 'AttachTrafficSources'],
      ['DetachTrafficSources', 'DeregisterTargets']
    ])
    expect(plan.phases[1].calls[0].parameters).toEqual({
      AutoScalingGroupName: 'shop-blue',
      TrafficSources: [{ Identifier: TG_ARN, Type: 'elbv2' }]
    })
    const run = await runPhases(shifted, clock, state, plan.phases)
    expect(run.outcomes.map((o) => o.verification.status)).toEqual(['converged', 'converged'])
    // DetachLoadBalancerTargetGroups would have left it attached: AWS documents it cannot.
    expect(attachedApi('shop-blue')).toBeUndefined()
    expect(attachedApi('shop-green')).toBe('traffic-sources')
    expect(
      asgMock
        .commandCalls(DescribeTrafficSourcesCommand)
        .every((call) => call.args[0].input.TrafficSourceType === 'elbv2')
    ).toBe(true)
  })

  it('attaches with AttachTrafficSources when neither group is attached', async () => {
    fleets(false)
    await migrate(backend(), clock, [100])
    expect(group.log.map(short)).toEqual([
      'register g1,g2,g3',
      'attach shop-green (traffic sources)',
      'deregister b1,b2,b3'
    ])
  })

  it('reverses the hand-over on rollback with the API blue’s group was attached with', async () => {
    fleets('traffic-sources')
    const shifted = backend()
    const { start, state } = await migrate(shifted, clock, [50, 100])
    const plan = shifted.restore(start, state)
    expect(plan.exact).toBe(true)
    const run = await runPhases(shifted, clock, state, plan.phases)
    expect(run.outcomes.map((o) => o.verification.status)).toEqual(['converged', 'converged'])
    expect(group.log.map(short).slice(-4)).toEqual([
      'register b1,b2,b3',
      'attach shop-blue (traffic sources)',
      'detach shop-green (traffic sources)',
      'deregister g1,g2,g3'
    ])
    expect(attachedApi('shop-blue')).toBe('traffic-sources')
    expect(attachedApi('shop-green')).toBeUndefined()
    expect(run.state.fingerprint).toBe(start.fingerprint)
  })

  it('stops, naming it, when someone detaches a group while a step converges', async () => {
    fleets()
    const shifted = backend()
    const { state } = await shifted.inspect()
    const plan = shifted.plan(state, shifted.quantize(Split.ofPercent(50), state))
    const run = await runPhases(shifted, clock, state, plan.phases, {
      between: (poll) => {
        if (poll === 1) group.groups.get('shop-blue')!.attachment = null
      }
    })
    expect(run.outcomes[0].verification).toEqual(
      expect.objectContaining({
        status: 'diverged',
        detail: "blue's Auto Scaling group shop-blue was detached by someone else"
      })
    )
  })
})

describe('Auto Scaling’s own activity during a run is neither an edit nor undone', () => {
  it('a scale-in of blue while green comes up', async () => {
    fleets()
    const shifted = backend()
    const { state } = await shifted.inspect()
    const plan = shifted.plan(state, shifted.quantize(Split.ofPercent(50), state))
    const run = await runPhases(shifted, clock, state, plan.phases, {
      between: (poll) => poll === 2 && group.terminate('shop-blue', blue(1))
    })
    expect(run.outcomes.map((o) => o.verification.status)).toEqual(['converged', 'converged'])
    // Blue keeps its healthiest in service; b1 is gone and not registered again.
    expect(group.log.map(short)).toEqual(['register g1,g2', 'deregister b3'])
    expect(run.state.native.sides.blue.targets.map((t) => short(t.id))).toEqual(['b2', 'b3'])
    expect(run.state.fingerprint).toBe(plan.phases[1].expect.fingerprint)
  })

  it('a scale-out into attached green, and a replacement in unattached green', async () => {
    fleets()
    const shifted = backend()
    const { state: half } = await migrate(shifted, clock, [50])
    // Green is not attached yet: a replaced instance is not registered by Auto Scaling.
    group.terminate('shop-green', green(1))
    group.launch('shop-green', green(4))
    const replaced = await shifted.read()
    expect(replaced.fingerprint).toBe(half.fingerprint)
    expect(replaced.detail).toMatch(/^green 1\/3 healthy, blue 2\/3 registered/)
    // The next step owns green's InService instances of now: g4 joins, g1 is not asked for.
    const plan = shifted.plan(replaced, Split.GREEN)
    expect(short(plan.phases[0].summary)).toBe(
      "register 2 green targets (g3, g4), attach green's Auto Scaling group shop-green " +
        '(LoadBalancerTargetGroups), wait until g3, g4 are healthy'
    )
    const run = await runPhases(shifted, clock, replaced, plan.phases, {
      between: (poll) => poll === 3 && group.launch('shop-green', green(5))
    })
    expect(run.outcomes.map((o) => o.verification.status)).toEqual(['converged', 'converged'])
    clock.advance(10_000)
    const after = await shifted.read()
    expect(after.fingerprint).toBe(run.state.fingerprint)
    expect(group.states().healthy?.map(short).sort()).toEqual(['g2', 'g3', 'g4', 'g5'])
  })
})

describe('restore where Auto Scaling has moved on: the nearest state with the same split (hole 4)', () => {
  it('re-attaches blue’s group, which registers the instances it has now, not a terminated one', async () => {
    fleets()
    const shifted = backend()
    const { start, state } = await migrate(shifted, clock, [100])
    group.terminate('shop-blue', blue(1))
    group.launch('shop-blue', blue(4))
    const live = await shifted.read()
    const plan = shifted.restore(start, live)
    expect(plan.exact).toBe(false)
    expect(short(plan.note!)).toBe(
      "blue's Auto Scaling group shop-blue changed since the start: b1 no longer in service; b4 " +
        'in service since; attached again, it registers the instances it has now'
    )
    expect(plan.to).toEqual(start.split)
    const run = await runPhases(shifted, clock, live, plan.phases)
    expect(run.outcomes.map((o) => o.verification.status)).toEqual(['converged', 'converged'])
    expect(group.log.map(short).slice(-4)).toEqual([
      'register b2,b3,b4',
      'attach shop-blue',
      'detach shop-green',
      'deregister g1,g2,g3'
    ])
    expect(state.split).toEqual(Split.GREEN)
    expect(run.state.split).toEqual(Split.BLUE)
  })

  it('puts an InService stand-in where an individually registered blue instance was terminated', async () => {
    // A resumed hand-over: blue's instances registered one by one, its group not attached.
    fleets(false)
    const shifted = backend()
    const { start, state } = await migrate(shifted, clock, [50])
    expect(group.log.map(short)).toEqual(['register g1,g2', 'deregister b3'])
    group.terminate('shop-blue', blue(1))
    group.launch('shop-blue', blue(4))
    const live = await shifted.read()
    const plan = shifted.restore(start, live)
    expect(plan.exact).toBe(false)
    expect(short(plan.note!)).toBe(
      "blue's b1 of Auto Scaling group shop-blue no longer in service (terminated or replaced " +
        'by Auto Scaling), so b4 take their place'
    )
    const run = await runPhases(shifted, clock, live, plan.phases)
    expect(run.outcomes.map((o) => o.verification.status)).toEqual(['converged', 'converged'])
    expect(group.log.map(short).slice(-2)).toEqual(['register b3,b4', 'deregister g1,g2'])
    expect(run.state.split).toEqual(start.split)
    expect(state.split.percent).toBe(50)
  })
})
