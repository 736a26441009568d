/** Mode weighted-target-groups against ELBv2, mocked at the SDK boundary. */
import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ListenerNotFoundException,
  ModifyListenerCommand,
  ModifyRuleCommand,
  RuleNotFoundException,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { createClients } from '../../src/aws/clients.js'
import { albMetrics } from '../../src/backends/sides.js'
import { WeightedTargetGroupsBackend } from '../../src/backends/weighted-target-groups.js'
import { TopologyError } from '../../src/errors.js'
import { Split } from '../../src/split.js'
import {
  backend,
  BLUE,
  elb,
  forward,
  GREEN,
  LB,
  LISTENER,
  listenerWith,
  oidc,
  OTHER,
  OTHER_LB,
  plainBlue,
  RULE,
  statefulListener,
  topology,
  weighted
} from './weighted-target-groups-fixtures.js'

beforeEach(() => {
  elb.reset()
})

async function refusal(run: Promise<unknown>): Promise<TopologyError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught
  )
  expect(error).toBeInstanceOf(TopologyError)
  // Inspection is read-only: whatever it refuses, nothing was written.
  expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0)
  expect(elb.commandCalls(ModifyRuleCommand)).toHaveLength(0)
  return error as TopologyError
}

describe('inspect', () => {
  it('finds the topology and describes both sides for the gates', async () => {
    listenerWith(plainBlue)
    topology()
    const found = await backend().inspect()
    expect(found.state.split).toEqual(Split.BLUE)
    expect(found.state.native).toEqual({ actions: [plainBlue], loadBalancerArn: LB })
    expect(found.sides.blue.targetGroups).toEqual([
      { arn: BLUE, loadBalancerArns: [LB], metrics: albMetrics(BLUE, [LB]) }
    ])
    expect(found.sides.green.targetGroups).toEqual([
      { arn: GREEN, loadBalancerArns: [LB], metrics: albMetrics(GREEN, [LB]) }
    ])
    expect(found.sides.loadBalancers).toEqual([
      {
        arn: LB,
        metrics: [
          {
            namespace: 'AWS/ApplicationELB',
            dimensions: [{ name: 'LoadBalancer', value: 'app/shop/50dc6c495c0c9188' }]
          }
        ]
      }
    ])
    expect(found.warnings).toEqual([])
  })

  it('refuses a blue group the listener does not forward to, instead of reading 0 / 100', async () => {
    listenerWith(
      forward([
        [OTHER, 900],
        [GREEN, 100]
      ])
    )
    topology()
    const error = await refusal(backend().inspect())
    expect(error.input).toBe('blue-target-group')
    expect(error.message).toContain(`forwards to ${OTHER} (weight 900), ${GREEN} (weight 100)`)
  })

  it('refuses a green group of another load balancer before ModifyListener would', async () => {
    listenerWith(plainBlue)
    topology({ LoadBalancerArns: [OTHER_LB] })
    const error = await refusal(backend().inspect())
    expect(error.input).toBe('green-target-group')
    expect(error.message).toContain(`it serves ${OTHER_LB}`)
  })

  it('refuses a green group with no registered targets before adopting it', async () => {
    listenerWith(plainBlue)
    topology({}, 0)
    const error = await refusal(backend().inspect())
    expect(error.input).toBe('green-target-group')
    expect(error.message).toContain('no registered targets')
  })

  it.each([
    [{ TargetType: 'alb', Protocol: 'TCP' }, 'type alb'],
    [{ Protocol: 'TCP' }, 'a TCP target group'],
    [{ ProtocolVersion: 'GRPC' }, 'protocol version GRPC'],
    [{ VpcId: 'vpc-2' }, 'VPC vpc-2']
  ])('refuses a green group an ALB cannot forward to beside blue: %j', async (green, shows) => {
    listenerWith(plainBlue)
    topology(green as never)
    const error = await refusal(backend().inspect())
    expect(error.input).toBe('green-target-group')
    expect(error.message).toContain(shows)
  })

  it('accepts a lambda green group (no protocol, no VPC)', async () => {
    listenerWith(plainBlue)
    topology({ TargetType: 'lambda', Protocol: undefined, VpcId: undefined })
    await expect(backend().inspect()).resolves.toBeDefined()
  })

  it.each([
    ['listener-arn', new ListenerNotFoundException({ message: 'not found', $metadata: {} })],
    ['rule-arn', new RuleNotFoundException({ message: 'not found', $metadata: {} })]
  ])('names %s when it does not exist', async (input, notFound) => {
    elb.on(DescribeListenersCommand).rejects(notFound)
    elb.on(DescribeRulesCommand).rejects(notFound)
    topology()
    const settings = input === 'rule-arn' ? { listenerArn: undefined, ruleArn: RULE } : {}
    const error = await refusal(backend(settings).inspect())
    expect(error.input).toBe(input)
    expect(error.message).toContain('no such resource')
  })

  it('names the target group that does not exist', async () => {
    listenerWith(plainBlue)
    topology()
    elb
      .on(DescribeTargetGroupsCommand, { TargetGroupArns: [GREEN] })
      .rejects(new TargetGroupNotFoundException({ message: 'not found', $metadata: {} }))
    expect((await refusal(backend().inspect())).input).toBe('green-target-group')
  })

  it('refuses a listener without a forward action', async () => {
    listenerWith({ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } })
    topology()
    const error = await refusal(backend().inspect())
    expect(error.input).toBe('listener-arn')
    expect(error.message).toContain('its actions are: fixed-response')
  })

  it('refuses a forward action with no room for green (ALB allows 5 groups)', async () => {
    listenerWith(forward([BLUE, ...[1, 2, 3, 4].map((n) => `${OTHER}${n}`)].map((a) => [a, 200])))
    topology()
    const error = await refusal(backend().inspect())
    expect(error.input).toBe('listener-arn')
    expect(error.message).toContain('at most 5 target groups')
  })

  it('refuses, before any write, weights that cannot reach both ends keeping the others share', async () => {
    listenerWith(
      forward([
        [BLUE, 999],
        [GREEN, 999],
        [OTHER, 1]
      ])
    )
    topology()
    const error = await refusal(backend().inspect())
    expect(error.input).toBe('listener-arn')
    expect(error.message).toContain('one side alone would need weight 1998')
  })

  it('accepts blue 90 / green 0 / other 10 (no minimum pair total)', async () => {
    listenerWith(
      forward([
        [BLUE, 90],
        [GREEN, 0],
        [OTHER, 10]
      ])
    )
    topology()
    expect((await backend().inspect()).state.split).toEqual(Split.BLUE)
  })

  it('refuses ARNs outside the client region before any AWS call', async () => {
    const inEurope = new WeightedTargetGroupsBackend(
      { listenerArn: LISTENER, blueTargetGroup: BLUE, greenTargetGroup: GREEN },
      createClients('eu-west-1').get(ElasticLoadBalancingV2Client)
    )
    await expect(inEurope.inspect()).rejects.toThrow('(eu-west-1, from aws-region or AWS_REGION)')
    expect(elb.calls()).toHaveLength(0)
  })

  it('warns that sticky clients keep their group', async () => {
    listenerWith(
      weighted(999, 0, {
        ForwardConfig: {
          TargetGroups: [{ TargetGroupArn: BLUE, Weight: 999 }],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 }
        }
      })
    )
    topology()
    expect((await backend().inspect()).warnings[0]).toContain('group stickiness (3600 s)')
  })
})

describe('read, apply and verify', () => {
  it('reads the split, the whole action list and its fingerprint', async () => {
    listenerWith(oidc, weighted(900, 100))
    const seen = await backend().read()
    expect(seen.split.percent).toBe(10)
    expect(seen.detail).toBe('blue 900 / green 100 (ALB weights)')
    expect(seen.native.actions).toEqual([oidc, weighted(900, 100)])
    expect(seen.fingerprint).toContain('"weight":900')
  })

  it('applies the planned call exactly and verifies it converged', async () => {
    const alb = statefulListener(oidc, weighted(900, 100))
    const weightedBackend = backend()
    const from = await weightedBackend.read()
    const [phase] = weightedBackend.plan(from, Split.ofPercent(25)).phases
    await weightedBackend.apply(phase)
    expect(elb.commandCalls(ModifyListenerCommand)[0].args[0].input).toEqual(
      phase.calls[0].parameters
    )
    expect((await weightedBackend.verify(phase, from)).status).toBe('converged')
    expect(alb.actions()[1].ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: BLUE, Weight: 750 },
      { TargetGroupArn: GREEN, Weight: 250 }
    ])
  })

  it('stops on an edit made while a step converges, saying what changed', async () => {
    listenerWith(weighted(900, 100))
    const weightedBackend = backend()
    const from = await weightedBackend.read()
    const [phase] = weightedBackend.plan(from, Split.ofPercent(50)).phases
    expect((await weightedBackend.verify(phase, from)).status).toBe('pending')
    listenerWith(weighted(0, 999))
    const verdict = await weightedBackend.verify(phase, from)
    expect(verdict.status).toBe('diverged')
    expect(verdict.detail).toBe(
      'expected blue 500 / green 500 (ALB weights), found blue 0 / green 999 (ALB weights)'
    )
    listenerWith({ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } })
    const gone = await weightedBackend.verify(phase, from)
    expect(gone.status).toBe('diverged')
    expect(gone.detail).toContain('has no forward action (its actions: fixed-response)')
  })

  it('works on a listener rule through DescribeRules and ModifyRule', async () => {
    elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: RULE, Actions: [weighted(1, 0)] }] })
    elb.on(ModifyRuleCommand).resolves({})
    const rule = backend({ listenerArn: undefined, ruleArn: RULE })
    const from = await rule.read()
    expect(from.split.percent).toBe(0)
    expect(from.native.loadBalancerArn).toBe(LB)
    await rule.apply(rule.plan(from, Split.ofPercent(10)).phases[0])
    const input = elb.commandCalls(ModifyRuleCommand)[0].args[0].input
    expect(input.RuleArn).toBe(RULE)
    expect(input.Actions?.[0].ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: BLUE, Weight: 900 },
      { TargetGroupArn: GREEN, Weight: 100 }
    ])
    expect(elb.commandCalls(DescribeListenersCommand)).toHaveLength(0)
  })
})

describe('a whole run at the SDK boundary', () => {
  const steps = [10, 50, 100].map((percent) => Split.ofPercent(percent))

  it('dry-run chains plans into exactly the calls a real run makes', async () => {
    const initial: Action[] = [oidc, { ...plainBlue, Order: 2 }]
    statefulListener(...initial)
    topology()
    const dryBackend = backend({ stickinessSeconds: 300 })
    let state = (await dryBackend.inspect()).state
    const dry: unknown[] = []
    for (const step of steps) {
      const planned = dryBackend.plan(state, dryBackend.quantize(step, state))
      dry.push(...planned.phases.flatMap((phase) => phase.calls.map((call) => call.parameters)))
      state = planned.phases.at(-1)?.expect ?? state
    }
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0)

    const real = backend({ stickinessSeconds: 300 })
    let live = (await real.inspect()).state
    for (const step of steps) {
      for (const phase of real.plan(live, real.quantize(step, live)).phases) {
        const from = live
        await real.apply(phase)
        expect((await real.verify(phase, from)).status).toBe('converged')
        live = await real.read()
      }
    }
    const sent = elb.commandCalls(ModifyListenerCommand).map((call) => call.args[0].input)
    expect(sent).toEqual(dry)
    expect(sent).toHaveLength(4) // adoption, 10 %, 50 %, 100 %
  })

  it('a rollback leaves the listener deep-equal to how the run found it', async () => {
    const initial: Action[] = [oidc, { ...plainBlue, Order: 2 }]
    const alb = statefulListener(...initial)
    topology()
    const run = backend({ stickinessSeconds: 300 })
    const start = (await run.inspect()).state
    for (const phase of run.plan(start, Split.ofPercent(10)).phases) await run.apply(phase)
    const back = run.restore(start, await run.read())
    expect(back.exact).toBe(true)
    for (const phase of back.phases) await run.apply(phase)
    expect(alb.actions()).toEqual(initial)
    expect((await run.read()).fingerprint).toBe(start.fingerprint)
  })
})

describe('blueCapacity', () => {
  it.each([
    [['healthy', 'unhealthy'], true, '1 healthy of 2'],
    [['unhealthy', 'draining'], false, '0 healthy of 2'],
    [[], false, '0 healthy of 0']
  ])('blue with targets %j can carry traffic: %s', async (states, ok, detail) => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: states.map((State, i) => ({
        Target: { Id: `10.0.0.${i}`, Port: 80 },
        TargetHealth: { State: State as 'healthy' }
      }))
    })
    listenerWith(weighted(900, 100))
    const weightedBackend = backend()
    const answer = await weightedBackend.blueCapacity(await weightedBackend.read())
    expect(answer.ok).toBe(ok)
    expect(answer.detail).toContain(detail)
    expect(elb.commandCalls(DescribeTargetHealthCommand)[0].args[0].input).toEqual({
      TargetGroupArn: BLUE
    })
  })
})
