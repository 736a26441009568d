import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import { createClients } from '../../src/aws/clients.js'
import {
  checkForward,
  pairWeights,
  readWeightedSettings,
  WeightedTargetGroupsBackend,
  type WeightedSettings
} from '../../src/backends/weighted-target-groups.js'
import { InputError } from '../../src/errors.js'
import { Split } from '../../src/split.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
const LISTENER = `${ARN}:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2`
const RULE = `${ARN}:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`
const BLUE = `${ARN}:targetgroup/shop-blue/73e2d6bc24d8a067`
const GREEN = `${ARN}:targetgroup/shop-green/2453ed029918f21f`
const OTHER = `${ARN}:targetgroup/shop-shadow/0123456789abcdef`

const elb = mockClient(ElasticLoadBalancingV2Client)

function backend(settings: Partial<WeightedSettings> = {}) {
  return new WeightedTargetGroupsBackend(
    { listenerArn: LISTENER, blueTargetGroup: BLUE, greenTargetGroup: GREEN, ...settings },
    createClients('us-east-1').elbv2
  )
}

function weighted(blue: number, green: number, extra: Partial<Action> = {}): Action {
  return {
    Type: 'forward',
    Order: 2,
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: BLUE, Weight: blue },
        { TargetGroupArn: GREEN, Weight: green }
      ],
      TargetGroupStickinessConfig: { Enabled: false }
    },
    ...extra
  }
}

const oidc: Action = {
  Type: 'authenticate-oidc',
  Order: 1,
  AuthenticateOidcConfig: {
    Issuer: 'https://idp.example.com',
    AuthorizationEndpoint: 'https://idp.example.com/auth',
    TokenEndpoint: 'https://idp.example.com/token',
    UserInfoEndpoint: 'https://idp.example.com/userinfo',
    ClientId: 'shop'
  }
}

function listenerWith(...actions: Action[]) {
  elb.on(DescribeListenersCommand).resolves({
    Listeners: [{ ListenerArn: LISTENER, DefaultActions: actions }]
  })
}

function modifiedActions(call = 0): Action[] {
  return elb.commandCalls(ModifyListenerCommand)[call].args[0].input.DefaultActions ?? []
}

beforeEach(() => {
  elb.reset()
  elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [] })
})

describe('pairWeights', () => {
  it.each([
    [0, 999, 0],
    [0.1, 999, 1],
    [10, 900, 100],
    [12.5, 875, 125],
    [50, 500, 500],
    [99.9, 1, 999],
    [100, 0, 999]
  ])('%d %% green is blue %d / green %d on the 0-999 scale', (percent, blue, green) => {
    const split = Split.ofPercent(percent)
    expect(pairWeights(split, undefined)).toEqual([blue, green])
    expect(Split.ofWeights(blue, green).percent).toBe(percent)
  })

  it('keeps the pair total beside other target groups', () => {
    expect(pairWeights(Split.ofPercent(25), 200)).toEqual([150, 50])
  })

  it('keeps both sides at weight 1 or more between the ends', () => {
    expect(pairWeights(Split.ofPercent(0.1), 100)).toEqual([99, 1])
    expect(pairWeights(Split.ofPercent(99.9), 100)).toEqual([1, 99])
    expect(pairWeights(Split.BLUE, 100)).toEqual([100, 0])
    expect(pairWeights(Split.GREEN, 100)).toEqual([0, 100])
  })
})

describe('readWeightedSettings', () => {
  const base: Record<string, string> = {
    'listener-arn': LISTENER,
    'blue-target-group': BLUE,
    'green-target-group': GREEN
  }
  const read = (overrides: Record<string, string>) => (name: string) =>
    ({ ...base, ...overrides })[name] ?? ''

  it('reads a listener setup', () => {
    expect(readWeightedSettings(read({}))).toEqual({
      listenerArn: LISTENER,
      ruleArn: undefined,
      blueTargetGroup: BLUE,
      greenTargetGroup: GREEN,
      stickinessSeconds: undefined
    })
  })

  it.each([
    ['1h', 3600],
    ['300s', 300],
    ['7d', undefined],
    ['off', 0],
    ['604800s', 604800]
  ])('stickiness-duration %s', (raw, seconds) => {
    if (seconds === undefined) {
      expect(() => readWeightedSettings(read({ 'stickiness-duration': raw }))).toThrow(
        "Input 'stickiness-duration'"
      )
    } else {
      expect(readWeightedSettings(read({ 'stickiness-duration': raw })).stickinessSeconds).toBe(
        seconds
      )
    }
  })

  it.each([
    [{ 'rule-arn': RULE }, 'rule-arn', 'either listener-arn or rule-arn, not both'],
    [{ 'listener-arn': '' }, 'listener-arn', 'an ALB listener ARN'],
    [{ 'listener-arn': BLUE }, 'listener-arn', 'listener/app/'],
    [{ 'blue-target-group': '' }, 'blue-target-group', 'required'],
    [{ 'green-target-group': LISTENER }, 'green-target-group', 'targetgroup/'],
    [{ 'green-target-group': BLUE }, 'green-target-group', 'other than blue-target-group'],
    [{ 'stickiness-duration': '604801s' }, 'stickiness-duration', '604800s'],
    [{ 'stickiness-duration': '1.5s' }, 'stickiness-duration', '1s to 168h'],
    [{ 'stickiness-duration': '-1' }, 'stickiness-duration', 'off']
  ])('rejects %j naming %s', (overrides, input, accepted) => {
    let error: unknown
    try {
      readWeightedSettings(read(overrides))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as InputError).message).toContain(accepted)
  })
})

describe('WeightedTargetGroupsBackend', () => {
  it('reads the split from the forward weights', async () => {
    listenerWith(weighted(900, 100))
    const seen = await backend().read()
    expect(seen.split.percent).toBe(10)
    expect(seen.detail).toBe('blue 900 / green 100 (ALB weights)')
    expect(seen.fingerprint).toBe('blue=900;green=100')
  })

  it('rewrites only our weights and keeps every other action as it was', async () => {
    listenerWith(oidc, weighted(900, 100, { ForwardConfig: undefined }))
    elb.on(DescribeListenersCommand).resolves({
      Listeners: [
        {
          DefaultActions: [
            oidc,
            {
              Type: 'forward',
              Order: 2,
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: BLUE, Weight: 900 },
                  { TargetGroupArn: GREEN, Weight: 100 }
                ],
                TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 600 }
              }
            }
          ]
        }
      ]
    })
    elb.on(ModifyListenerCommand).resolves({})
    const calls = await backend().apply(Split.ofPercent(25))
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(1)
    expect(elb.commandCalls(ModifyListenerCommand)[0].args[0].input).toEqual({
      ListenerArn: LISTENER,
      DefaultActions: [
        {
          ...oidc,
          AuthenticateOidcConfig: { ...oidc.AuthenticateOidcConfig, UseExistingClientSecret: true }
        },
        {
          Type: 'forward',
          Order: 2,
          TargetGroupArn: undefined,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: BLUE, Weight: 750 },
              { TargetGroupArn: GREEN, Weight: 250 }
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 600 }
          }
        }
      ]
    })
    expect(calls).toHaveLength(1)
    expect(calls[0].operation).toBe('ModifyListener')
  })

  it('keeps other target groups and their share of traffic', async () => {
    listenerWith({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: BLUE, Weight: 180 },
          { TargetGroupArn: GREEN, Weight: 20 },
          { TargetGroupArn: OTHER, Weight: 50 }
        ]
      }
    })
    elb.on(ModifyListenerCommand).resolves({})
    await backend().apply(Split.ofPercent(50))
    expect(modifiedActions()[0].ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: BLUE, Weight: 100 },
      { TargetGroupArn: GREEN, Weight: 100 },
      { TargetGroupArn: OTHER, Weight: 50 }
    ])
  })

  it('says when group stickiness keeps clients on their group whatever the weights', async () => {
    listenerWith(
      weighted(999, 0, {
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE, Weight: 999 },
            { TargetGroupArn: GREEN, Weight: 0 }
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 }
        }
      })
    )
    expect((await backend().read()).detail).toBe(
      'blue 999 / green 0 (ALB weights); group stickiness 3600 s: sticky clients keep their group until it expires'
    )
  })

  it('does not write when the weights are already there (resume)', async () => {
    listenerWith(weighted(500, 500))
    expect(await backend().apply(Split.ofPercent(50))).toEqual([])
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0)
  })

  it('adopts a listener that forwards to blue alone, with green at weight 0', async () => {
    listenerWith({ Type: 'forward', TargetGroupArn: BLUE, Order: 1 })
    elb.on(ModifyListenerCommand).resolves({})
    const prepared = await backend().prepare(false)
    expect(prepared.changes[0]).toContain('Adopted')
    expect(modifiedActions()).toEqual([
      {
        Type: 'forward',
        Order: 1,
        TargetGroupArn: undefined,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE, Weight: 1 },
            { TargetGroupArn: GREEN, Weight: 0 }
          ],
          TargetGroupStickinessConfig: undefined
        }
      }
    ])
  })

  it('only describes the adoption in dry-run', async () => {
    listenerWith({ Type: 'forward', TargetGroupArn: BLUE })
    const prepared = await backend().prepare(true)
    expect(prepared.changes[0]).toMatch(/^Would adopt/)
    expect(prepared.calls[0].operation).toBe('ModifyListener')
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0)
  })

  it('checks that both target groups exist before anything else', async () => {
    elb.on(DescribeTargetGroupsCommand).rejects(
      new TargetGroupNotFoundException({
        message: 'One or more target groups not found',
        $metadata: {}
      })
    )
    await expect(backend().prepare(false)).rejects.toThrow(
      `DescribeTargetGroups on ${BLUE}, ${GREEN} failed: TargetGroupNotFoundException: One or more target groups not found`
    )
    expect(elb.commandCalls(DescribeTargetGroupsCommand)[0].args[0].input).toEqual({
      TargetGroupArns: [BLUE, GREEN]
    })
  })

  it('sets group stickiness on the forward config when asked', async () => {
    listenerWith(weighted(900, 100))
    elb.on(ModifyListenerCommand).resolves({})
    await backend({ stickinessSeconds: 3600 }).apply(Split.ofPercent(25))
    expect(modifiedActions()[0].ForwardConfig?.TargetGroupStickinessConfig).toEqual({
      Enabled: true,
      DurationSeconds: 3600
    })
  })

  it('writes a stickiness change even when the weights are right', async () => {
    listenerWith(weighted(900, 100))
    elb.on(ModifyListenerCommand).resolves({})
    await backend({ stickinessSeconds: 60 }).apply(Split.ofPercent(10))
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(1)
  })

  it('refuses a sixth target group', async () => {
    listenerWith({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [BLUE, ...[1, 2, 3, 4].map((n) => `${OTHER}${n}`)].map((arn) => ({
          TargetGroupArn: arn,
          Weight: 200
        }))
      }
    })
    await expect(backend().prepare(false)).rejects.toThrow('ALB allows at most 5')
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0)
  })

  it('refuses a listener whose forward action has neither blue nor green', async () => {
    listenerWith({ Type: 'forward', TargetGroupArn: OTHER })
    await expect(backend().read()).rejects.toThrow('includes neither blue-target-group')
  })

  it('refuses a listener without a forward action', async () => {
    listenerWith({ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } })
    await expect(backend().read()).rejects.toThrow(
      'has no forward action (its actions: fixed-response)'
    )
  })

  it('refuses all-zero weights and weights outside 0-999 before they reach AWS', () => {
    const zero = [
      { TargetGroupArn: BLUE, Weight: 0 },
      { TargetGroupArn: GREEN, Weight: 0 }
    ]
    expect(() => checkForward(LISTENER, zero)).toThrow('Refusing to write all-zero weights')
    expect(() => checkForward(LISTENER, [{ TargetGroupArn: BLUE, Weight: 1000 }])).toThrow(
      'outside 0-999'
    )
    expect(() => checkForward(LISTENER, [{ TargetGroupArn: BLUE, Weight: 999 }])).not.toThrow()
  })

  it('converges only when the read-back weights are the ones written', async () => {
    listenerWith(weighted(900, 100))
    expect(await backend().converged(Split.ofPercent(10))).toBe(true)
    expect(await backend().converged(Split.ofPercent(25))).toBe(false)
  })

  it('works on a listener rule through DescribeRules and ModifyRule', async () => {
    elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: RULE, Actions: [weighted(1, 0)] }] })
    elb.on(ModifyRuleCommand).resolves({})
    const rule = backend({ listenerArn: undefined, ruleArn: RULE })
    expect((await rule.read()).split.percent).toBe(0)
    await rule.apply(Split.ofPercent(10))
    expect(elb.commandCalls(ModifyRuleCommand)[0].args[0].input.RuleArn).toBe(RULE)
    expect(
      elb.commandCalls(ModifyRuleCommand)[0].args[0].input.Actions?.[0].ForwardConfig?.TargetGroups
    ).toEqual([
      { TargetGroupArn: BLUE, Weight: 900 },
      { TargetGroupArn: GREEN, Weight: 100 }
    ])
    expect(elb.commandCalls(DescribeListenersCommand)).toHaveLength(0)
  })

  it('plans the exact call apply would make, without making it', async () => {
    listenerWith(weighted(900, 100))
    const [call] = await backend().plan(Split.ofPercent(50))
    expect(call.operation).toBe('ModifyListener')
    expect(
      (call.parameters as { DefaultActions: Action[] }).DefaultActions[0].ForwardConfig
        ?.TargetGroups
    ).toEqual([
      { TargetGroupArn: BLUE, Weight: 500 },
      { TargetGroupArn: GREEN, Weight: 500 }
    ])
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0)
  })

  it('refuses a pair too light to shift in steps beside other target groups', async () => {
    listenerWith({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: BLUE, Weight: 1 },
          { TargetGroupArn: OTHER, Weight: 1 }
        ]
      }
    })
    await expect(backend().prepare(false)).rejects.toThrow(
      'gives blue and green a total weight of 1 beside 1 other target groups: too coarse'
    )
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0)
  })

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
    const answer = await backend().blueCanCarry()
    expect(answer.ok).toBe(ok)
    expect(answer.detail).toContain(detail)
    expect(elb.commandCalls(DescribeTargetHealthCommand)[0].args[0].input).toEqual({
      TargetGroupArn: BLUE
    })
  })

  it('watches green for target health', () => {
    expect(backend().healthScope()).toEqual([{ targetGroupArn: GREEN }])
  })
})
