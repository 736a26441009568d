/**
 * The ELBv2 control plane through the real SDK client: resources, the forward-action shapes AWS
 * returns, whole-list replacement, and the AWS error codes the SDK surfaces for bad requests.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  type Action,
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { elbClient, failure, rawRequest } from './sandbox-helpers.js'

let sandbox: Sandbox
let elb: ElasticLoadBalancingV2Client
let lbArn: string
let listenerArn: string
const groups: string[] = []

async function createGroup(name: string): Promise<string> {
  const out = await elb.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-1',
      TargetType: 'ip'
    })
  )
  return out.TargetGroups![0].TargetGroupArn!
}

const weighted = (...weights: [string, number][]): Action[] => [
  {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: weights.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight }))
    }
  }
]

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 0.01 })
  elb = elbClient(sandbox)
  const lb = await elb.send(
    new CreateLoadBalancerCommand({ Name: 'api-test', Subnets: ['subnet-a', 'subnet-b'] })
  )
  lbArn = lb.LoadBalancers![0].LoadBalancerArn!
  for (let i = 0; i < 6; i += 1) groups.push(await createGroup(`tg-${i}`))
  const listener = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lbArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groups[0] }]
    })
  )
  listenerArn = listener.Listeners![0].ListenerArn!
})

afterAll(async () => {
  elb.destroy()
  await sandbox.close()
})

describe('load balancers and target groups', () => {
  it('creates a load balancer with AWS-shaped ARN and DNS name, found by ARN and by name', async () => {
    expect(lbArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:loadbalancer\/app\/api-test\/[0-9a-f]{16}$/
    )
    const byName = await elb.send(new DescribeLoadBalancersCommand({ Names: ['api-test'] }))
    expect(byName.LoadBalancers![0]).toMatchObject({
      LoadBalancerArn: lbArn,
      Type: 'application',
      State: { Code: 'active' },
      Scheme: 'internet-facing'
    })
    expect(byName.LoadBalancers![0].DNSName).toMatch(
      /^api-test-\d+\.us-east-1\.elb\.amazonaws\.com$/
    )
    expect(byName.LoadBalancers![0].CreatedTime).toBeInstanceOf(Date)
    const error = await failure(
      elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [`${lbArn}0`] }))
    )
    expect(error.name).toBe('LoadBalancerNotFoundException')
    expect(error.$metadata.httpStatusCode).toBe(400)
  })

  it("describes target groups with AWS's health-check defaults, by ARN and by load balancer", async () => {
    const byArn = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [groups[0]] }))
    expect(byArn.TargetGroups![0]).toMatchObject({
      TargetGroupName: 'tg-0',
      TargetType: 'ip',
      HealthCheckPath: '/',
      HealthCheckPort: 'traffic-port',
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [lbArn]
    })
    const byLb = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }))
    expect(byLb.TargetGroups!.map((g) => g.TargetGroupArn)).toEqual([groups[0]])
    const error = await failure(
      elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [`${groups[0]}x`] }))
    )
    expect(error.name).toBe('TargetGroupNotFoundException')
  })

  it('rejects health-check settings outside AWS ranges', async () => {
    const error = await failure(
      elb.send(
        new CreateTargetGroupCommand({
          Name: 'bad',
          Protocol: 'HTTP',
          Port: 80,
          VpcId: 'v',
          HealthCheckIntervalSeconds: 301
        })
      )
    )
    expect(error.name).toBe('ValidationError')
    expect(error.message).toContain('less than or equal to 300')
  })

  it('reads and modifies target group attributes, all-or-nothing', async () => {
    const defaults = await elb.send(
      new DescribeTargetGroupAttributesCommand({ TargetGroupArn: groups[1] })
    )
    const value = (key: string, list = defaults.Attributes) =>
      list!.find((a) => a.Key === key)?.Value
    expect(value('deregistration_delay.timeout_seconds')).toBe('300')
    expect(value('stickiness.enabled')).toBe('false')
    const modified = await elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: groups[1],
        Attributes: [
          { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
          { Key: 'stickiness.enabled', Value: 'true' }
        ]
      })
    )
    expect(value('deregistration_delay.timeout_seconds', modified.Attributes)).toBe('30')
    const error = await failure(
      elb.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: groups[1],
          Attributes: [
            { Key: 'deregistration_delay.timeout_seconds', Value: '5' },
            { Key: 'deregistration_delay.timeout_seconds', Value: '3601' }
          ]
        })
      )
    )
    expect(error.name).toBe('ValidationError')
    const after = await elb.send(
      new DescribeTargetGroupAttributesCommand({ TargetGroupArn: groups[1] })
    )
    expect(value('deregistration_delay.timeout_seconds', after.Attributes)).toBe('30')
  })
})

describe('listeners and forward actions', () => {
  it('returns a single-group forward with both the TargetGroupArn shortcut and ForwardConfig', async () => {
    const out = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))
    expect(out.Listeners![0].DefaultActions).toEqual([
      {
        Type: 'forward',
        TargetGroupArn: groups[0],
        ForwardConfig: {
          TargetGroups: [{ TargetGroupArn: groups[0], Weight: 1 }],
          TargetGroupStickinessConfig: { Enabled: false }
        }
      }
    ])
    expect(sandbox.elb.listenerUrl(listenerArn)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(out.Listeners![0].Port).toBe(80)
  })

  it('modifies weights and stickiness; a multi-group forward has no TargetGroupArn', async () => {
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: groups[0], Weight: 900 },
                { TargetGroupArn: groups[1], Weight: 100 }
              ],
              TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 }
            }
          }
        ]
      })
    )
    const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))
    const [action] = out.Listeners![0].DefaultActions!
    expect(action.TargetGroupArn).toBeUndefined()
    expect(action.ForwardConfig).toEqual({
      TargetGroups: [
        { TargetGroupArn: groups[0], Weight: 900 },
        { TargetGroupArn: groups[1], Weight: 100 }
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 }
    })
    const used = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }))
    expect(used.TargetGroups!.map((g) => g.TargetGroupArn).sort()).toEqual(
      [groups[0], groups[1]].sort()
    )
  })

  it('replaces the whole action list, authenticate actions included', async () => {
    const oidc: Action = {
      Type: 'authenticate-oidc',
      Order: 1,
      AuthenticateOidcConfig: {
        Issuer: 'https://issuer.example',
        AuthorizationEndpoint: 'https://issuer.example/auth',
        TokenEndpoint: 'https://issuer.example/token',
        UserInfoEndpoint: 'https://issuer.example/userinfo',
        ClientId: 'client',
        AuthenticationRequestExtraParams: { prompt: 'login' }
      }
    }
    const forward: Action = { Type: 'forward', Order: 2, TargetGroupArn: groups[0] }
    await elb.send(
      new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: [oidc, forward] })
    )
    let out = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))
    expect(out.Listeners![0].DefaultActions![0]).toEqual(oidc)
    expect(out.Listeners![0].DefaultActions![1]).toMatchObject({ Type: 'forward', Order: 2 })
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: weighted([groups[0], 1])
      })
    )
    out = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))
    expect(out.Listeners![0].DefaultActions!.map((a) => a.Type)).toEqual(['forward'])
  })

  const sticky = (DurationSeconds: number): Action[] => [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [{ TargetGroupArn: groups[0], Weight: 1 }],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds }
      }
    }
  ]
  const invalid: Record<string, [() => Action[], string]> = {
    'a weight above 999': [() => weighted([groups[0], 1000]), 'ValidationError'],
    'a negative weight': [() => weighted([groups[0], -1]), 'ValidationError'],
    'all-zero weights': [() => weighted([groups[0], 0], [groups[1], 0]), 'ValidationError'],
    'six target groups': [
      () => weighted(...groups.map((g): [string, number] => [g, 1])),
      'TooManyTargetGroupsException'
    ],
    'an unknown target group': [
      () => weighted([groups[0], 1], [`${groups[1]}0`, 1]),
      'TargetGroupNotFoundException'
    ],
    'the same group twice': [() => weighted([groups[0], 1], [groups[0], 2]), 'ValidationError'],
    'stickiness of 0 s': [() => sticky(0), 'ValidationError'],
    'stickiness above 604800 s': [() => sticky(604801), 'ValidationError']
  }

  it.each(Object.keys(invalid))('rejects %s and leaves the listener unchanged', async (what) => {
    const [actions, code] = invalid[what]
    const before = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))
    const error = await failure(
      elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: actions() }))
    )
    expect(error.name).toBe(code)
    expect(error.$metadata.httpStatusCode).toBe(400)
    expect(error.$fault).toBe('client')
    const after = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }))
    expect(after.Listeners).toEqual(before.Listeners)
  })

  it('names an unknown listener ListenerNotFound', async () => {
    const error = await failure(
      elb.send(
        new ModifyListenerCommand({
          ListenerArn: `${listenerArn}0`,
          DefaultActions: weighted([groups[0], 1])
        })
      )
    )
    expect(error.name).toBe('ListenerNotFoundException')
    expect(error.message).toBe('One or more listeners not found')
  })

  it('refuses to share a target group between load balancers', async () => {
    const other = await elb.send(new CreateLoadBalancerCommand({ Name: 'other-lb' }))
    const error = await failure(
      elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: other.LoadBalancers![0].LoadBalancerArn!,
          Port: 80,
          DefaultActions: weighted([groups[0], 1])
        })
      )
    )
    expect(error.name).toBe('TargetGroupAssociationLimitException')
  })

  it('refuses a second listener on the same port', async () => {
    const error = await failure(
      elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lbArn,
          Port: 80,
          DefaultActions: weighted([groups[0], 1])
        })
      )
    )
    expect(error.name).toBe('DuplicateListenerException')
  })
})

describe('rules', () => {
  it('creates, lists (default rule last), modifies and deletes rules', async () => {
    const created = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
        Actions: weighted([groups[2], 1])
      })
    )
    const ruleArn = created.Rules![0].RuleArn!
    expect(ruleArn).toContain(':listener-rule/app/api-test/')
    const listed = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))
    expect(listed.Rules!.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ['10', false],
      ['default', true]
    ])
    expect(listed.Rules![0].Conditions![0]).toMatchObject({
      Field: 'path-pattern',
      Values: ['/api/*'],
      PathPatternConfig: { Values: ['/api/*'] }
    })
    await elb.send(
      new ModifyRuleCommand({ RuleArn: ruleArn, Actions: weighted([groups[2], 5], [groups[3], 5]) })
    )
    const modified = await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))
    expect(modified.Rules![0].Actions![0].ForwardConfig!.TargetGroups).toHaveLength(2)
    expect(modified.Rules![0].Conditions).toHaveLength(1)
    const duplicate = await failure(
      elb.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 10,
          Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['x.example'] } }],
          Actions: weighted([groups[2], 1])
        })
      )
    )
    expect(duplicate.name).toBe('PriorityInUseException')
    await elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }))
    const missing = await failure(
      elb.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: weighted([groups[2], 1]) }))
    )
    expect(missing.name).toBe('RuleNotFoundException')
  })
})

describe('targets and tags', () => {
  it('describes an unregistered target as unused/Target.NotRegistered and deregisters it without error', async () => {
    await elb.send(
      new DeregisterTargetsCommand({
        TargetGroupArn: groups[4],
        Targets: [{ Id: '127.0.0.1', Port: 9 }]
      })
    )
    const out = await elb.send(
      new DescribeTargetHealthCommand({
        TargetGroupArn: groups[4],
        Targets: [{ Id: '127.0.0.1', Port: 9 }]
      })
    )
    expect(out.TargetHealthDescriptions![0].TargetHealth).toEqual({
      State: 'unused',
      Reason: 'Target.NotRegistered',
      Description: 'Target is not registered to the target group'
    })
  })

  it('rejects targets that cannot exist for the target type', async () => {
    const notIp = await failure(
      elb.send(
        new RegisterTargetsCommand({
          TargetGroupArn: groups[4],
          Targets: [{ Id: 'i-0123456789abcdef0' }]
        })
      )
    )
    expect(notIp.name).toBe('InvalidTargetException')
    const instances = await elb.send(
      new CreateTargetGroupCommand({ Name: 'instances', Protocol: 'HTTP', Port: 80, VpcId: 'v' })
    )
    const unknown = await failure(
      elb.send(
        new RegisterTargetsCommand({
          TargetGroupArn: instances.TargetGroups![0].TargetGroupArn!,
          Targets: [{ Id: 'i-0123456789abcdef0' }]
        })
      )
    )
    expect(unknown.name).toBe('InvalidTargetException')
  })

  it('adds and describes tags; an unknown ARN is NotFound of its kind', async () => {
    await elb.send(
      new AddTagsCommand({
        ResourceArns: [lbArn, groups[0]],
        Tags: [{ Key: 'team', Value: 'shop' }]
      })
    )
    const out = await elb.send(new DescribeTagsCommand({ ResourceArns: [groups[0]] }))
    expect(out.TagDescriptions).toEqual([
      { ResourceArn: groups[0], Tags: [{ Key: 'team', Value: 'shop' }] }
    ])
    const error = await failure(
      elb.send(new DescribeTagsCommand({ ResourceArns: [`${listenerArn}0`] }))
    )
    expect(error.name).toBe('ListenerNotFoundException')
  })
})

describe('malformed requests', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    rawRequest(`${sandbox.endpoints.elbv2}/`, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }
    })

  it.each([
    ['no Action', 'Version=2015-12-01', 400, 'MissingAction'],
    ['an unknown Action', 'Action=Frobnicate&Version=2015-12-01', 400, 'InvalidAction'],
    ['a wrong Version', 'Action=DescribeLoadBalancers&Version=2012-06-01', 400, 'InvalidAction'],
    [
      'a bad list index',
      'Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.0=x',
      400,
      'ValidationError'
    ],
    [
      'a member that is both value and list',
      'Action=DescribeLoadBalancers&Version=2015-12-01&Names=a&Names.member.1=b',
      400,
      'ValidationError'
    ],
    [
      'a non-numeric number',
      'Action=DescribeLoadBalancers&Version=2015-12-01&PageSize=ten',
      400,
      'ValidationError'
    ],
    [
      'a missing required member',
      'Action=ModifyListener&Version=2015-12-01',
      400,
      'ValidationError'
    ],
    ['percent garbage', 'Action=%ZZ%&Version=2015-12-01', 400, 'InvalidAction']
  ])('answers %s with an XML error, not a crash', async (_what, body, status, code) => {
    const response = await post(body)
    expect(response.status).toBe(status)
    expect(response.body).toContain(`<Code>${code}</Code>`)
    expect(response.body).toMatch(
      /<ErrorResponse xmlns="http:\/\/elasticloadbalancing\.amazonaws\.com\/doc\/2015-12-01\/"><Error><Type>Sender<\/Type>/
    )
    expect(response.body).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/)
  })

  it('refuses an unsigned request and an oversized body', async () => {
    const unsigned = await fetch(`${sandbox.endpoints.elbv2}/`, {
      method: 'POST',
      body: 'Action=DescribeLoadBalancers&Version=2015-12-01'
    })
    expect(unsigned.status).toBe(403)
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>')
    const huge = await post(
      `Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=${'x'.repeat(1_100_000)}`
    )
    expect(huge.status).toBe(413)
  })

  it('also answers the query protocol over GET', async () => {
    const response = await rawRequest(
      `${sandbox.endpoints.elbv2}/?Action=DescribeLoadBalancers&Version=2015-12-01`,
      { method: 'GET' }
    )
    expect(response.status).toBe(200)
    expect(response.body).toContain('<DescribeLoadBalancersResponse')
    expect(response.body).toContain('<LoadBalancerName>api-test</LoadBalancerName>')
  })
})
