import { beforeEach, describe, expect, it } from '@jest/globals'
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import {
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { PlannedCall } from '../../src/backends/backend.js'
import { TargetsAws } from '../../src/backends/targets-aws.js'
import { choose, countsAt, type Standing } from '../../src/backends/targets-counts.js'
import {
  parseTarget,
  readTargetsSettings,
  type TargetsSettings
} from '../../src/backends/targets-settings.js'
import { TargetsBackend } from '../../src/backends/targets.js'
import { InputError } from '../../src/errors.js'
import type { Gate } from '../../src/gates/gate.js'
import { MemoryLogger } from '../../src/logger.js'
import { runShift, type RunnerOptions } from '../../src/runner.js'
import { parseSchedule } from '../../src/schedule.js'
import { readCommonSettings } from '../../src/settings.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { elbMock, FakeTargetGroup, TG_ARN } from '../helpers/fake-target-group.js'

const blue = (n: number) => `i-0b${String(n).padStart(15, '0')}`
const green = (n: number) => `i-0e${String(n).padStart(15, '0')}`
const range = (count: number, id: (n: number) => string) =>
  Array.from({ length: count }, (_, i) => id(i + 1))
/** "register i-0e000000000000001" → "register g1", so logs read like the plan. */
const short = (text: string) => text.replace(/i-0b0*(\d+)/g, 'b$1').replace(/i-0e0*(\d+)/g, 'g$1')
const list = (ids: string[]) => ({ targets: ids.map((id) => ({ id, kind: 'instance' as const })) })

/** Reads this mode's settings the way run.ts does: common inputs first, then the mode's. */
function readTargets(read: (name: string) => string): TargetsSettings {
  return readTargetsSettings(read, readCommonSettings(read, ['targets']))
}

let clock: FakeClock
let group: FakeTargetGroup
let logger: MemoryLogger

beforeEach(() => {
  clock = new FakeClock()
  group = new FakeTargetGroup(clock)
  logger = new MemoryLogger()
})

function settings(overrides: Partial<TargetsSettings> = {}): TargetsSettings {
  return {
    targetGroupArn: TG_ARN,
    blue: list(range(3, blue)),
    green: list(range(5, green)),
    waitForDraining: true,
    traffic: Split.GREEN,
    bakeMs: 60_000,
    healthTimeoutMs: 120_000,
    ...overrides
  }
}

function backend(overrides: Partial<TargetsSettings> = {}) {
  const aws = new TargetsAws(
    new ElasticLoadBalancingV2Client({ region: 'us-east-1' }),
    () => new AutoScalingClient({ region: 'us-east-1' })
  )
  return new TargetsBackend(settings(overrides), aws, clock, logger)
}

function run(
  overrides: Partial<TargetsSettings> = {},
  options: {
    steps?: string
    gates?: Gate[]
    signal?: AbortSignal
    verifyTimeoutMs?: number
    dryRun?: boolean
  } = {}
) {
  const shifted = backend(overrides)
  const s = settings(overrides)
  const runner: RunnerOptions = {
    backend: shifted,
    gates: options.gates ?? [],
    clock,
    logger,
    signal: options.signal,
    settings: {
      traffic: s.traffic,
      schedule: parseSchedule('steps', options.steps ?? '10,25,50,100'),
      bakeMs: s.bakeMs,
      rollbackTo: 'start',
      dryRun: options.dryRun ?? false,
      checkIntervalMs: 10_000,
      verifyTimeoutMs: options.verifyTimeoutMs ?? 300_000,
      healthTimeoutMs: s.healthTimeoutMs
    }
  }
  return runShift(runner)
}

/** A gate that fails once the live split reaches a percent (during a bake). */
function failsAt(percent: number): Gate {
  return {
    name: 'alarm',
    intervalMs: 10_000,
    check: async ({ split }) =>
      split.percent >= percent
        ? { status: 'fail', detail: `errors at ${split.percent}%` }
        : { status: 'pass', detail: 'ok' }
  }
}

describe('countsAt: green registered = ceil(P·G), blue kept = B − floor(P·B)', () => {
  it.each([
    // 3 blue → 5 green
    [3, 5, 0, 0, 3],
    [3, 5, 10, 1, 3],
    [3, 5, 25, 2, 3],
    [3, 5, 50, 3, 2],
    [3, 5, 75, 4, 1],
    [3, 5, 100, 5, 0],
    // 4 blue → 4 green
    [4, 4, 10, 1, 4],
    [4, 4, 25, 1, 3],
    [4, 4, 50, 2, 2],
    [4, 4, 75, 3, 1],
    [4, 4, 100, 4, 0],
    // 5 blue → 3 green, and a 0.1 % step on a large fleet
    [5, 3, 50, 2, 3],
    [400, 400, 0.1, 1, 400]
  ])('%d blue → %d green at %d %%: %d green, %d blue', (b, g, percent, wantGreen, wantBlue) => {
    expect(countsAt(Split.ofPercent(percent), b, g)).toEqual({ green: wantGreen, blue: wantBlue })
  })
})

describe('choose', () => {
  const keys = ['a', 'b', 'c', 'd']
  const standing =
    (map: Record<string, Standing>) =>
    (key: string): Standing =>
      map[key] ?? 'absent'

  it('grows by adding in list order and keeps what is registered', () => {
    expect([...choose(keys, standing({ c: 'healthy' }), 2)]).toEqual(['c', 'a'])
  })

  it('shrinks by keeping the healthiest first, then list order, and registers nothing', () => {
    const now = standing({ a: 'broken', b: 'healthy', c: 'waiting', d: 'healthy' })
    expect([...choose(keys, now, 2)]).toEqual(['b', 'd'])
    expect([...choose(keys, now, 3)]).toEqual(['b', 'd', 'c'])
  })

  it('re-registers draining targets only after fresh ones', () => {
    expect([...choose(keys, standing({ a: 'draining' }), 3)]).toEqual(['b', 'c', 'd'])
    expect([...choose(keys, standing({ a: 'draining' }), 4)]).toEqual(['b', 'c', 'd', 'a'])
  })
})

describe('readTargetsSettings', () => {
  const base: Record<string, string> = {
    mode: 'targets',
    'target-group-arn': TG_ARN,
    'blue-targets': 'i-0b000000000000001, i-0b000000000000002',
    'green-targets': 'i-0e000000000000001\ni-0e000000000000002:8080'
  }
  const read = (overrides: Record<string, string>) => (name: string) =>
    ({ ...base, ...overrides })[name] ?? ''

  it('reads lists, ports and defaults', () => {
    const parsed = readTargets(read({}))
    expect(parsed.blue).toEqual(list(['i-0b000000000000001', 'i-0b000000000000002']))
    expect(parsed.green).toEqual({
      targets: [
        { id: 'i-0e000000000000001', kind: 'instance' },
        { id: 'i-0e000000000000002', port: 8080, kind: 'instance' }
      ]
    })
    expect(parsed.waitForDraining).toBe(true)
    expect(parsed.traffic.percent).toBe(100)
  })

  it('takes the common settings it is given instead of reading them again', () => {
    const common = readCommonSettings(read({ traffic: '100' }), ['targets'])
    const parsed = readTargetsSettings(read({ traffic: '100' }), {
      ...common,
      traffic: Split.ofPercent(25),
      bakeMs: 1000,
      healthTimeoutMs: 2000
    })
    expect(parsed).toEqual(
      expect.objectContaining({ traffic: Split.ofPercent(25), bakeMs: 1000, healthTimeoutMs: 2000 })
    )
  })

  it('reads Auto Scaling groups and wait-for-draining', () => {
    const parsed = readTargets(
      read({
        'blue-targets': '',
        'green-targets': '',
        'blue-auto-scaling-group': 'shop-blue',
        'green-auto-scaling-group': 'shop green 2',
        'wait-for-draining': 'false'
      })
    )
    expect(parsed.blue).toEqual({ autoScalingGroup: 'shop-blue' })
    expect(parsed.green).toEqual({ autoScalingGroup: 'shop green 2' })
    expect(parsed.waitForDraining).toBe(false)
  })

  it.each([
    ['10.0.1.7', { id: '10.0.1.7', kind: 'ip' }],
    ['10.0.1.7:8080', { id: '10.0.1.7', port: 8080, kind: 'ip' }],
    ['[2001:db8::7]:443', { id: '2001:db8::7', port: 443, kind: 'ip' }],
    ['[2001:db8::7]', { id: '2001:db8::7', kind: 'ip' }],
    ['i-12345678', { id: 'i-12345678', kind: 'instance' }],
    ['i-0123456789abcdef0:65535', { id: 'i-0123456789abcdef0', port: 65535, kind: 'instance' }]
  ])('parses %s', (raw, parsed) => {
    expect(parseTarget('green-targets', raw)).toEqual(parsed)
  })

  it.each([
    [{ 'target-group-arn': '' }, 'target-group-arn', 'targetgroup/'],
    [{ 'target-group-arn': 'shop' }, 'target-group-arn', 'targetgroup/'],
    [{ 'blue-targets': '' }, 'blue-targets', 'one of them is required'],
    [{ 'blue-targets': ' , ,' }, 'blue-targets', 'at least one'],
    [{ 'blue-auto-scaling-group': 'shop-blue' }, 'blue-auto-scaling-group', 'not both'],
    [{ 'green-targets': 'i-0e00000000000000Z' }, 'green-targets', 'instance ids'],
    [{ 'green-targets': 'i-123' }, 'green-targets', 'instance ids'],
    [{ 'green-targets': 'web-1' }, 'green-targets', 'instance ids'],
    [{ 'green-targets': '10.0.1.300:80' }, 'green-targets', 'IP addresses'],
    [{ 'green-targets': '2001:db8::7' }, 'green-targets', 'IP addresses'],
    [{ 'green-targets': '10.0.1.7:0' }, 'green-targets', 'a port is 1-65535'],
    [{ 'green-targets': '10.0.1.7:65536' }, 'green-targets', 'a port is 1-65535'],
    [{ 'green-targets': '10.0.1.7:080' }, 'green-targets', 'a port is 1-65535'],
    [{ 'green-targets': '10.0.1.7:' }, 'green-targets', 'a port is 1-65535'],
    [{ 'green-targets': 'i-0e000000000000001,i-0e000000000000001' }, 'green-targets', 'once'],
    [{ 'green-targets': 'i-0e000000000000001,10.0.1.7:80' }, 'green-targets', 'one kind'],
    [{ 'green-targets': '10.0.1.7:80' }, 'green-targets', 'same kind as the other side'],
    [{ 'green-targets': 'i-0b000000000000002' }, 'green-targets', 'not also in blue-targets'],
    [
      { 'blue-targets': '10.0.1.7:80', 'green-targets': '', 'green-auto-scaling-group': 'g' },
      'blue-targets',
      'an Auto Scaling group registers instances'
    ],
    [
      {
        'blue-targets': '',
        'blue-auto-scaling-group': 'shop',
        'green-targets': '',
        'green-auto-scaling-group': 'shop'
      },
      'green-auto-scaling-group',
      'other than blue-auto-scaling-group'
    ],
    [
      { 'blue-targets': '', 'blue-auto-scaling-group': 'arn:aws:autoscaling:x' },
      'blue-auto-scaling-group',
      'no colon'
    ],
    [{ 'wait-for-draining': 'yes' }, 'wait-for-draining', 'true or false'],
    [{ traffic: '101' }, 'traffic', 'from 0 to 100']
  ])('rejects %j naming %s', (overrides, input, accepted) => {
    let error: unknown
    try {
      readTargets(read(overrides))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as InputError).message).toContain(accepted)
  })
})

describe('TargetsBackend: prepare refuses before any write', () => {
  const writes = () =>
    group.log.length + elbMock.commandCalls(DescribeTargetGroupsCommand).filter(() => false).length

  it.each([
    [
      'a target type other than the lists',
      () => (group.targetType = 'ip'),
      {},
      'takes ip targets, but blue-targets gives instances'
    ],
    ['a lambda target group', () => (group.targetType = 'lambda'), {}, 'target type lambda'],
    [
      'a group no load balancer uses',
      () => (group.loadBalancers = []),
      {},
      'not used by any load balancer'
    ],
    [
      'a missing Auto Scaling group',
      () => undefined,
      { green: { autoScalingGroup: 'shop-green' } },
      'Auto Scaling group shop-green (green-auto-scaling-group) does not exist'
    ],
    [
      'an Auto Scaling group without InService instances',
      () => group.group('shop-green', ['i-0e0000000000000dead']),
      { green: { autoScalingGroup: 'shop-green' } },
      'has no InService instances'
    ],
    [
      'a target on both sides once the group port is known',
      () => (group.targetType = 'ip'),
      {
        blue: { targets: [{ id: '10.0.1.7', kind: 'ip' as const }] },
        green: { targets: [{ id: '10.0.1.7', port: 80, kind: 'ip' as const }] }
      },
      'Target 10.0.1.7:80 is both blue and green'
    ]
  ])('%s', async (_, arrange, overrides, message) => {
    arrange()
    await expect(backend(overrides).prepare()).rejects.toThrow(message)
    expect(writes()).toBe(0)
  })

  it('names the operation and the group when the target group does not exist', async () => {
    elbMock.on(DescribeTargetGroupsCommand).rejects(
      new TargetGroupNotFoundException({
        message: 'One or more target groups not found',
        $metadata: {}
      })
    )
    await expect(backend().prepare()).rejects.toThrow(
      `DescribeTargetGroups on ${TG_ARN} failed: TargetGroupNotFoundException`
    )
  })
})

describe('TargetsBackend: a migration', () => {
  it('moves 3 blue → 5 green in whole targets: registers, waits for healthy, then deregisters', async () => {
    group.seed(...range(3, blue))
    const record = await run()
    expect(record.status).toBe('succeeded')
    expect(group.log.map(short)).toEqual([
      'register g1',
      'register g2',
      'register g3',
      'deregister b3',
      'register g4,g5',
      'deregister b1,b2'
    ])
    // Make-before-break: every green registered so far was healthy when blue left.
    expect(group.healthyAtDeregister.map((ids) => ids.map(short).sort())).toEqual([
      ['b1', 'b2', 'b3', 'g1', 'g2', 'g3'],
      ['b1', 'b2', 'g1', 'g2', 'g3', 'g4', 'g5']
    ])
    // The live split after each step is green's share of serving targets.
    const converged = record.events.filter((event) => event.kind === 'converged')
    expect(converged.map((event) => event.percent)).toEqual([25, 40, 60, 100])
    expect(record.steps.map((step) => step.native)).toEqual([
      'green 1/5, blue 3/3 targets registered; the 1m bake covers the 30s drain',
      'green 2/5, blue 3/3 targets registered; the 1m bake covers the 30s drain',
      'green 3/5, blue 2/3 targets registered; the 1m bake covers the 30s drain',
      'green 5/5, blue 0/3 targets registered; the 1m bake covers the 30s drain; success waits for draining'
    ])
    expect(record.finalNative).toBe(
      'green 5/5 healthy, blue 0/3 registered (100% of serving targets)'
    )
  })

  it('moves 4 blue → 4 green one for one', async () => {
    group.seed(...range(4, blue))
    const record = await run({ blue: list(range(4, blue)), green: list(range(4, green)) })
    expect(record.status).toBe('succeeded')
    expect(group.log.map(short)).toEqual([
      'register g1',
      'deregister b4',
      'register g2',
      'deregister b3',
      'register g3,g4',
      'deregister b1,b2'
    ])
    expect(record.events.filter((e) => e.kind === 'converged').map((e) => e.percent)).toEqual([
      20, 25, 50, 100
    ])
  })

  it('says when a drain outlasts the bake', async () => {
    group.delaySeconds = 120
    group.seed(...range(3, blue))
    const shifted = backend()
    await shifted.prepare()
    await shifted.read()
    expect(shifted.describe(Split.ofPercent(50))).toBe(
      'green 3/5, blue 2/3 targets registered; removed targets drain 120s, beyond the 1m bake'
    )
  })

  it('resumes a half-migrated group from the targets it finds', async () => {
    group.seed(blue(1), blue(2), green(1), green(2))
    const record = await run({ blue: list(range(4, blue)), green: list(range(4, green)) })
    expect(record.startPercent).toBe(50)
    expect(record.steps.map((step) => step.toPercent)).toEqual([100])
    expect(group.log.map(short)).toEqual(['register g3,g4', 'deregister b1,b2'])
  })

  it('waits for green a cancelled run left starting before it removes blue', async () => {
    group.seed(blue(1), blue(2), blue(3), blue(4))
    group.register(green(1), 80)
    group.register(green(2), 80)
    const record = await run({ blue: list(range(4, blue)), green: list(range(4, green)) })
    expect(record.status).toBe('succeeded')
    expect(group.log.map(short)).toEqual([
      'deregister b4',
      'deregister b3',
      'register g3,g4',
      'deregister b1,b2'
    ])
    expect(group.healthyAtDeregister[0].map(short)).toContain('g1')
  })

  it('ends a partial run exactly at the requested split, so a re-run is a no-op', async () => {
    group.seed(...range(4, blue))
    const four = { blue: list(range(4, blue)), green: list(range(4, green)) }
    const first = await run({ ...four, traffic: Split.ofPercent(10) })
    expect(first.status).toBe('succeeded')
    expect(first.finalPercent).toBe(10)
    expect(first.finalNative).toBe(
      'green 1/4 healthy, blue 4/4 registered (20% of serving targets)'
    )
    const again = await run({ ...four, traffic: Split.ofPercent(10) })
    expect(again.status).toBe('no-op')
  })

  it('stops without touching anything when blue changed between steps', async () => {
    group.seed(...range(3, blue))
    let reads = 0
    elbMock.on(DescribeTargetGroupsCommand).callsFake(() => {
      reads += 1
      return {
        TargetGroups: [
          { TargetGroupName: 'shop', TargetType: 'instance', Port: 80, LoadBalancerArns: ['lb'] }
        ]
      }
    })
    const gate: Gate = {
      name: 'meddler',
      intervalMs: 60_000,
      check: async ({ phase }) => {
        if (phase === 'bake') group.deregister(blue(1), 80)
        return { status: 'pass', detail: 'ok' }
      }
    }
    const record = await run({}, { gates: [gate] })
    expect(reads).toBe(1)
    expect(record.status).toBe('failed')
    expect(record.failure).toContain('changed outside this run')
    expect(group.log.map(short)).toEqual(['register g1'])
  })
})

describe('TargetsBackend: draining after the last bake (settle)', () => {
  it('waits for draining after the bake, outside verify-timeout, polling with the clock', async () => {
    group.delaySeconds = 120
    group.seed(...range(3, blue))
    const deregistered = group.deregisterTimes
    // A verify-timeout shorter than the delay: the step converges without waiting for draining.
    const record = await run({}, { steps: 'all-at-once', verifyTimeoutMs: 60_000 })
    expect(record.status).toBe('succeeded')
    expect(group.states().draining).toBeUndefined()
    const step = record.steps[0]
    expect(deregistered).toHaveLength(1)
    expect(step.convergedAt! - deregistered[0]).toBeLessThan(10_000)
    const settled = record.events.find((event) => event.kind === 'settled')!
    expect(settled.at - deregistered[0]).toBeGreaterThanOrEqual(120_000)
    expect(settled.at - deregistered[0]).toBeLessThan(126_000)
    expect(settled.at).toBeGreaterThanOrEqual(step.finishedAt!)
    expect(logger.lines.map(short)).toContainEqual(
      expect.stringMatching(
        /^Waiting for 3 deregistered targets to finish draining \(deregistration delay 120s; at most \d+s more\): b1, b2, b3$/
      )
    )
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/^Draining finished 1\d\ds after the last deregistration$/)
    )
    // Draining is polled with the clock, backing off to 5 s: every sleep after the bake is short.
    const bake = clock.sleeps.lastIndexOf(60_000)
    expect(bake).toBeGreaterThan(0)
    const polls = clock.sleeps.slice(bake + 1)
    expect(polls.length).toBeGreaterThan(10)
    expect(polls.every((ms) => ms <= 5000)).toBe(true)
  })

  it('succeeds with AWS’s default 300 s delay and the default 5m verify-timeout', async () => {
    group.delaySeconds = 300
    group.seed(...range(3, blue))
    const record = await run()
    expect(record.status).toBe('succeeded')
    expect(group.states().draining).toBeUndefined()
    expect(record.steps.at(-1)!.native).toBe(
      'green 5/5, blue 0/3 targets registered; removed targets drain 300s, beyond the 1m bake; ' +
        'success waits for draining'
    )
  })

  it('fails naming the targets still draining past the delay and margin, then rolls back', async () => {
    group.seed(...range(3, blue))
    group.lingering.add(blue(2))
    const deregistered = group.deregisterTimes
    const record = await run({ bakeMs: 10_000 }, { steps: 'all-at-once' })
    expect(record.status).toBe('rolled-back')
    expect(record.failure).toBe(
      'Deregistered targets still draining 1m after the last deregistration, beyond the ' +
        'deregistration delay (30s) and a 30s margin: i-0b000000000000002'
    )
    const failedAt = record.events.find((event) => event.kind === 'error')!.at
    expect(failedAt - deregistered[0]).toBe(60_000)
    expect(group.log.map(short).slice(-2)).toEqual([
      'register b1,b2,b3',
      'deregister g1,g2,g3,g4,g5'
    ])
    expect(record.finalPercent).toBe(0)
  })

  it('rolls back when cancelled while waiting for draining', async () => {
    group.delaySeconds = 300
    // Blue must pass its health checks again within the 6 s a cancelled run has to roll back.
    group.healthyAfterMs = 2000
    group.seed(...range(3, blue))
    const controller = new AbortController()
    const sleep = clock.sleep.bind(clock)
    clock.sleep = async (ms, signal) => {
      if (logger.lines.some((line) => line.startsWith('Waiting for 3 deregistered'))) {
        controller.abort()
      }
      return sleep(ms, signal)
    }
    const record = await run({}, { steps: 'all-at-once', signal: controller.signal })
    expect(record.status).toBe('rolled-back')
    expect(record.events.map((event) => event.kind)).toContain('cancelled')
    expect(record.events.map((event) => event.kind)).not.toContain('settled')
    expect(group.log.map(short)).toEqual([
      'register g1,g2,g3,g4,g5',
      'deregister b1,b2,b3',
      'register b1,b2,b3',
      'deregister g1,g2,g3,g4,g5'
    ])
    expect(record.finalPercent).toBe(0)
  })

  it('does not wait when wait-for-draining is false', async () => {
    group.delaySeconds = 120
    group.seed(...range(3, blue))
    const record = await run({ waitForDraining: false, bakeMs: 0 }, { steps: 'all-at-once' })
    expect(record.status).toBe('succeeded')
    expect(group.states().draining?.map(short)).toEqual(['b1', 'b2', 'b3'])
    expect(logger.lines).toContain(
      'Not waiting for deregistered targets to drain (wait-for-draining: false)'
    )
  })

  it('waits for green to drain on a run back to blue', async () => {
    group.delaySeconds = 120
    group.seed(...range(5, green))
    const record = await run({ traffic: Split.BLUE }, { steps: 'all-at-once' })
    expect(record.status).toBe('succeeded')
    expect(group.log.map(short)).toEqual(['register b1,b2,b3', 'deregister g1,g2,g3,g4,g5'])
    expect(group.states()).toEqual({ healthy: range(3, blue) })
  })

  it('waits only for targets this run deregistered, not ones a previous run left draining', async () => {
    group.delaySeconds = 120
    group.seed(blue(1), blue(2), green(1), green(2), green(3))
    // A killed run deregistered b3, and AWS is slow to finish draining it.
    group.targets.set(`${blue(3)}:80`, {
      id: blue(3),
      port: 80,
      registeredAt: clock.now() - 3_600_000,
      deregisteredAt: clock.now()
    })
    group.lingering.add(blue(3))
    const record = await run({}, { steps: 'all-at-once' })
    expect(record.status).toBe('succeeded')
    expect(group.states().draining?.map(short)).toEqual(['b3'])
  })
})

describe('TargetsBackend: failures and rollback', () => {
  it('rolls back before any blue target is removed when green never becomes healthy', async () => {
    group.seed(...range(3, blue))
    group.fates.set(green(1), 'unhealthy')
    const record = await run()
    expect(record.status).toBe('rolled-back')
    expect(record.failure).toContain(
      'Targets did not become healthy, so this step deregistered nothing: i-0e000000000000001 ' +
        'unhealthy (Target.ResponseCodeMismatch)'
    )
    expect(group.log.map(short)).toEqual(['register g1', 'deregister g1'])
    expect(record.finalPercent).toBe(0)
  })

  it('gives up on a target still starting after health-timeout, with its reason', async () => {
    group.seed(...range(3, blue))
    group.fates.set(green(1), 'stuck')
    const record = await run({ healthTimeoutMs: 60_000 })
    expect(record.status).toBe('rolled-back')
    expect(record.failure).toContain(
      'i-0e000000000000001 initial (Elb.InitialHealthChecking) still not healthy after ' +
        'health-timeout 1m'
    )
    expect(group.log.map(short)).toEqual(['register g1', 'deregister g1'])
  })

  it('names at most ten failing targets, so a large fleet keeps the message short', async () => {
    group.seed(...range(3, blue))
    for (const id of range(12, green)) group.fates.set(id, 'unhealthy')
    const record = await run({ green: list(range(12, green)) }, { steps: 'all-at-once' })
    expect(record.status).toBe('rolled-back')
    expect(record.failure).toMatch(/i-0e000000000000010 unhealthy \([^)]*\); and 2 more/)
    expect(record.failure).not.toContain('i-0e000000000000011')
  })

  it('rolls back by re-registering blue, waiting for it, then removing green all at once', async () => {
    group.seed(...range(4, blue))
    const record = await run(
      { blue: list(range(4, blue)), green: list(range(4, green)) },
      { gates: [failsAt(50)] }
    )
    expect(record.status).toBe('rolled-back')
    expect(group.log.map(short)).toEqual([
      'register g1',
      'deregister b4',
      'register g2',
      'deregister b3',
      'register b3,b4',
      'deregister g1,g2'
    ])
    // Blue was back and healthy before green left.
    expect(group.healthyAtDeregister.at(-1)!.map(short).sort()).toEqual(
      ['b1', 'b2', 'b3', 'b4', 'g1', 'g2'].sort()
    )
    expect(record.finalPercent).toBe(0)
  })

  it('rolls back when green breaks after blue is gone: reads the registrations, re-registers blue first', async () => {
    group.seed(...range(3, blue))
    // Green passes until the 100 % step has removed blue, then every green target fails.
    const gate: Gate = {
      name: 'alarm',
      intervalMs: 10_000,
      check: async ({ phase, split }) => {
        if (phase !== 'bake' || split.percent < 100) return { status: 'pass', detail: 'ok' }
        for (const id of range(5, green)) group.fates.set(id, 'unhealthy')
        return { status: 'fail', detail: 'errors at 100%' }
      }
    }
    const record = await run({}, { steps: '50,100', gates: [gate] })
    expect(record.status).toBe('rolled-back')
    expect(group.log.map(short)).toEqual([
      'register g1,g2,g3',
      'deregister b3',
      'register g4,g5',
      'deregister b1,b2',
      'register b1,b2,b3',
      'deregister g1,g2,g3,g4,g5'
    ])
    // Blue was back and healthy before the (broken) green left.
    expect(group.healthyAtDeregister.at(-1)!.map(short).sort()).toEqual(['b1', 'b2', 'b3'])
    expect(record.finalPercent).toBe(0)
    expect(group.states().healthy?.map(short).sort()).toEqual(['b1', 'b2', 'b3'])
  })

  it('reads a group with no healthy target by its registrations and says so', async () => {
    group.seed(...range(5, green))
    for (const id of range(5, green)) group.fates.set(id, 'unhealthy')
    const shifted = backend()
    await shifted.prepare()
    const live = await shifted.read()
    expect(live.split.percent).toBe(100)
    expect(live.detail).toBe(
      'green 0/5 healthy, blue 0/3 registered (no healthy target: 5 green registered, none ' +
        'healthy; 100% by registered targets)'
    )
  })

  it('runs a manual traffic: 0 with every green target unhealthy: blue back, then green out', async () => {
    group.seed(...range(5, green))
    for (const id of range(5, green)) group.fates.set(id, 'unhealthy')
    const record = await run({ traffic: Split.BLUE }, { steps: 'all-at-once' })
    expect(record.status).toBe('succeeded')
    expect(record.startPercent).toBe(100)
    expect(group.log.map(short)).toEqual(['register b1,b2,b3', 'deregister g1,g2,g3,g4,g5'])
    expect(group.healthyAtDeregister[0].map(short).sort()).toEqual(['b1', 'b2', 'b3'])
    expect(record.finalPercent).toBe(0)
  })

  it('rolls back to exactly the targets a resumed run started from', async () => {
    group.seed(...range(3, blue), green(1))
    const record = await run({}, { gates: [failsAt(60)] })
    expect(record.startPercent).toBe(25)
    expect(record.status).toBe('rolled-back')
    expect(group.log.map(short)).toEqual([
      'register g2,g3',
      'deregister b3',
      'register b3',
      'deregister g2,g3'
    ])
    expect(record.finalPercent).toBe(25)
  })

  it('rolls back when cancelled, and removes only green', async () => {
    group.seed(...range(3, blue))
    const controller = new AbortController()
    const gate: Gate = {
      name: 'cancel',
      intervalMs: 10_000,
      check: async ({ phase, split }) => {
        if (phase === 'bake' && split.percent > 0) controller.abort()
        return { status: 'pass', detail: 'ok' }
      }
    }
    const record = await run({}, { gates: [gate], signal: controller.signal })
    expect(record.status).toBe('rolled-back')
    expect(group.log.map(short)).toEqual(['register g1', 'deregister g1'])
  })
})

describe('TargetsBackend: Auto Scaling hand-over', () => {
  const groups = {
    blue: { autoScalingGroup: 'shop-blue' },
    green: { autoScalingGroup: 'shop-green' }
  }

  beforeEach(() => {
    group.group('shop-blue', range(3, blue), true)
    group.group('shop-green', range(3, green))
    group.seed(...range(3, blue))
  })

  it('attaches green’s group once green carries everything, then detaches blue’s', async () => {
    const record = await run(groups, { steps: '50,100' })
    expect(record.status).toBe('succeeded')
    expect(group.log.map(short)).toEqual([
      'register g1,g2',
      'deregister b3',
      'register g3',
      'attach shop-green',
      'detach shop-blue',
      'deregister b1,b2'
    ])
    expect(group.groups.get('shop-green')!.attached).toBe(true)
    expect(group.groups.get('shop-blue')!.attached).toBe(false)
    expect(record.finalNative).toContain(
      'blue group shop-blue detached; green group shop-green attached'
    )
  })

  it('waits for the instances a detached group leaves draining', async () => {
    group.delaySeconds = 120
    const record = await run(groups, { steps: '50,100' })
    expect(record.status).toBe('succeeded')
    expect(logger.lines.map(short)).toContainEqual(
      expect.stringMatching(/^Waiting for 2 deregistered targets to finish draining .*: b1, b2$/)
    )
    expect(group.states().draining).toBeUndefined()
  })

  it('reverses the hand-over on rollback: blue’s group back first, then green’s leaves', async () => {
    const record = await run(groups, { steps: '50,100', gates: [failsAt(100)] })
    expect(record.status).toBe('rolled-back')
    expect(group.log.map(short).slice(-4)).toEqual([
      'register b1,b2,b3',
      'attach shop-blue',
      'detach shop-green',
      'deregister g1,g2,g3'
    ])
    expect(group.groups.get('shop-blue')!.attached).toBe(true)
    expect(group.groups.get('shop-green')!.attached).toBe(false)
  })

  it('reads green’s targets from its InService instances', async () => {
    group.group('shop-green', [green(1), green(2), 'i-0e0000000000000dead'])
    const shifted = backend(groups)
    await shifted.prepare()
    await shifted.read()
    expect(shifted.describe(Split.GREEN)).toMatch(/^green 2\/2, blue 0\/3/)
  })
})

describe('TargetsBackend: the shared gates and dry-run', () => {
  it('points target health at the whole group, then also at green’s registered targets', async () => {
    group.seed(...range(3, blue))
    const shifted = backend()
    expect(shifted.healthScope()).toEqual([{ targetGroupArn: TG_ARN }])
    await shifted.prepare()
    await shifted.read()
    expect(shifted.healthScope()).toEqual([{ targetGroupArn: TG_ARN }])
    await shifted.apply(Split.ofPercent(25))
    clock.advance(10_000)
    while (!(await shifted.converged(Split.ofPercent(25)))) clock.advance(1000)
    expect(shifted.healthScope()).toEqual([
      { targetGroupArn: TG_ARN, targetIds: [green(1), green(2)] },
      { targetGroupArn: TG_ARN }
    ])
  })

  it('plans the calls a step would make without making them', async () => {
    group.seed(...range(3, blue))
    const shifted = backend()
    await shifted.prepare()
    const calls = await shifted.plan(Split.ofPercent(50))
    expect(calls.map((call) => [call.operation, call.parameters])).toEqual([
      [
        'RegisterTargets',
        { TargetGroupArn: TG_ARN, Targets: range(3, green).map((Id) => ({ Id, Port: 80 })) }
      ],
      ['DeregisterTargets', { TargetGroupArn: TG_ARN, Targets: [{ Id: blue(3), Port: 80 }] }]
    ])
    expect(group.log).toEqual([])
  })

  it('chains a dry-run’s steps: each lists only its own calls, the ones a real run makes', async () => {
    const asCalls = (calls: PlannedCall[]) =>
      calls.map((call) => {
        const { Targets } = call.parameters as { Targets: { Id: string }[] }
        const verb = call.operation === 'RegisterTargets' ? 'register' : 'deregister'
        return short(`${verb} ${Targets.map((target) => target.Id).join(',')}`)
      })
    group.seed(...range(3, blue))
    const dry = await run({}, { dryRun: true })
    expect(dry.status).toBe('planned')
    expect(group.log).toEqual([])
    expect(asCalls(dry.plannedCalls)).toEqual([
      'register g1',
      'register g2',
      'register g3',
      'deregister b3',
      'register g4,g5',
      'deregister b1,b2'
    ])

    group = new FakeTargetGroup(clock)
    group.seed(...range(3, blue))
    const real = await run()
    expect(real.status).toBe('succeeded')
    expect(group.log.map(short)).toEqual(asCalls(dry.plannedCalls))
  })

  it('chains a dry-run’s Auto Scaling hand-over too', async () => {
    group.group('shop-blue', range(3, blue), true)
    group.group('shop-green', range(3, green))
    group.seed(...range(3, blue))
    const groups = {
      blue: { autoScalingGroup: 'shop-blue' },
      green: { autoScalingGroup: 'shop-green' }
    }
    const dry = await run(groups, { steps: '50,100', dryRun: true })
    expect(dry.plannedCalls.map((call) => call.operation)).toEqual([
      'RegisterTargets',
      'DeregisterTargets',
      'RegisterTargets',
      'AttachLoadBalancerTargetGroups',
      'DetachLoadBalancerTargetGroups',
      'DeregisterTargets'
    ])
    expect(dry.plannedCalls.at(-1)!.parameters).toEqual({
      TargetGroupArn: TG_ARN,
      Targets: [blue(1), blue(2)].map((Id) => ({ Id, Port: 80 }))
    })
    expect(group.log).toEqual([])
  })

  it('leaves other targets of the group alone and says they are there', async () => {
    group.seed(...range(3, blue), 'i-0ffffffffffffffff')
    const record = await run()
    expect(record.status).toBe('succeeded')
    expect(group.states().healthy).toContain('i-0ffffffffffffffff')
    expect(record.finalNative).toContain('1 other targets in the group')
  })
})
