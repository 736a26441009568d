import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  DescribeTargetGroupsCommand,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { TargetsSettings } from '../../src/backends/targets-settings.js'
import { InputError, TopologyError } from '../../src/errors.js'
import { MemoryLogger } from '../../src/logger.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { asgMock, elbMock, FakeTargetGroup, LB_ARN, TG_ARN } from '../helpers/fake-target-group.js'
import { blueId, greenId, range, targetsBackend } from './targets-fixtures.js'

let clock: FakeClock
let group: FakeTargetGroup

beforeEach(() => {
  clock = new FakeClock()
  group = new FakeTargetGroup(clock)
})

function backend(overrides: Partial<TargetsSettings> = {}, region = 'us-east-1') {
  return targetsBackend(clock, new MemoryLogger(), overrides, region)
}

async function refusal(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('inspect() accepted it')
}

describe('TargetsBackend.inspect: refuses before any write, naming the input', () => {
  beforeEach(() => group.seed(...range(3, blueId)))

  it.each([
    [
      'a target type other than the lists',
      () => (group.targetType = 'ip'),
      {},
      'blue-targets',
      'takes ip targets, but blue-targets gives instances'
    ],
    [
      'a lambda target group',
      () => (group.targetType = 'lambda'),
      {},
      'target-group-arn',
      'target type lambda'
    ],
    [
      'a group no load balancer uses',
      () => (group.loadBalancers = []),
      {},
      'target-group-arn',
      'not used by any load balancer'
    ],
    [
      'a missing Auto Scaling group',
      () => undefined,
      { green: { autoScalingGroup: 'shop-green' } },
      'green-auto-scaling-group',
      'no Auto Scaling group shop-green (green-auto-scaling-group)'
    ],
    [
      'an Auto Scaling group without InService instances',
      () => group.group('shop-green', []),
      { green: { autoScalingGroup: 'shop-green' } },
      'green-auto-scaling-group',
      'has no InService instances'
    ],
    [
      'a target on both sides once the group port is known',
      () => (group.targetType = 'ip'),
      {
        blue: { targets: [{ id: '10.0.1.7', kind: 'ip' as const }] },
        green: { targets: [{ id: '10.0.1.7', port: 80, kind: 'ip' as const }] }
      },
      'green-targets',
      'target 10.0.1.7:80 is both blue and green'
    ],
    [
      'a listed target that is also an InService instance of the other side’s group',
      () => group.group('shop-blue', [blueId(1), greenId(1)], true),
      { blue: { autoScalingGroup: 'shop-blue' } },
      'green-targets',
      `target ${greenId(1)} is both blue and green (with blue-auto-scaling-group)`
    ],
    [
      // Hole 10: the same instance given twice was registered and deregistered as two targets.
      'the same instance twice, once with the group’s own port',
      () => (group.port = 8080),
      {
        green: {
          targets: [
            { id: greenId(1), kind: 'instance' as const },
            { id: greenId(1), port: 8080, kind: 'instance' as const }
          ]
        }
      },
      'green-targets',
      `target group port 8080, so ${greenId(1)} and ${greenId(1)}:8080 are the same target`
    ],
    [
      'a group where neither side is registered',
      () => group.targets.clear(),
      {},
      'target-group-arn',
      "none of blue's or green's targets registered"
    ]
  ])('%s', async (_, arrange, overrides, input, message) => {
    arrange()
    const error = await refusal(backend(overrides as Partial<TargetsSettings>).inspect())
    expect(error).toBeInstanceOf(TopologyError)
    expect(error.input).toBe(input)
    expect(error.message).toContain(message)
    expect(group.writes()).toBe(0)
  })

  it('refuses a target group of another region before any AWS call (hole 10)', async () => {
    const error = await refusal(backend({}, 'eu-west-1').inspect())
    expect(error.input).toBe('target-group-arn')
    expect(error.message).toContain('the region the AWS clients use (eu-west-1')
    expect(elbMock.calls()).toHaveLength(0)
    expect(asgMock.calls()).toHaveLength(0)
  })

  it('names the input when the target group does not exist', async () => {
    elbMock.on(DescribeTargetGroupsCommand).rejects(
      new TargetGroupNotFoundException({
        message: 'One or more target groups not found',
        $metadata: {}
      })
    )
    const error = await refusal(backend().inspect())
    expect(error.input).toBe('target-group-arn')
    expect(error.message).toContain('no target group of that ARN')
  })
})

describe('TargetsBackend.inspect: what the gates and the run get', () => {
  it('describes both sides in the one shared group, with no per-side ALB metrics', async () => {
    group.seed(...range(3, blueId))
    group.group('shop-green', range(2, greenId))
    const inspection = await backend({ green: { autoScalingGroup: 'shop-green' } }).inspect()
    expect(inspection.sides.blue).toEqual({
      targetGroups: [
        { arn: TG_ARN, loadBalancerArns: [LB_ARN], targetIds: range(3, blueId), metrics: [] }
      ],
      records: [],
      autoScalingGroups: []
    })
    expect(inspection.sides.green).toEqual({
      targetGroups: [
        { arn: TG_ARN, loadBalancerArns: [LB_ARN], targetIds: range(2, greenId), metrics: [] }
      ],
      records: [],
      autoScalingGroups: ['shop-green']
    })
    expect(inspection.sides.loadBalancers).toEqual([
      {
        arn: LB_ARN,
        metrics: [
          {
            namespace: 'AWS/ApplicationELB',
            dimensions: [{ name: 'LoadBalancer', value: 'app/shop/50dc6c495c0c9188' }]
          }
        ]
      }
    ])
    expect(inspection.state.split).toEqual(expect.objectContaining({ permille: 0 }))
    expect(inspection.state.detail).toBe(
      'green 0/2 healthy, blue 3/3 registered (0% of serving targets); green group shop-green ' +
        'detached'
    )
  })

  it('warns of a drain longer than the bake and of other targets in the group', async () => {
    group.delaySeconds = 120
    group.seed(...range(3, blueId), 'i-0ffffffffffffffff')
    const { warnings } = await backend().inspect()
    expect(warnings).toEqual([
      'Removed targets drain for 120s (deregistration_delay.timeout_seconds), longer than the ' +
        '60s bake; success waits for draining',
      '1 other targets are registered in the group; they take traffic too and this run leaves ' +
        'them alone'
    ])
  })
})
