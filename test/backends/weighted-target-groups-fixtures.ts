/** Shared ARNs, actions and an SDK-boundary ALB for the weighted-target-groups tests. */
import {
  type Action,
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  type TargetGroup
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import { createClients } from '../../src/aws/clients.js'
import { WeightedTargetGroupsBackend } from '../../src/backends/weighted-target-groups.js'
import type { WeightedSettings } from '../../src/backends/weighted-settings.js'
import type { WeightedNative, WeightedTarget } from '../../src/backends/weighted-plan.js'

export const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
export const LB = `${ARN}:loadbalancer/app/shop/50dc6c495c0c9188`
export const OTHER_LB = `${ARN}:loadbalancer/app/admin/0a1b2c3d4e5f6a7b`
export const LISTENER = `${ARN}:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2`
export const RULE = `${ARN}:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`
export const BLUE = `${ARN}:targetgroup/shop-blue/73e2d6bc24d8a067`
export const GREEN = `${ARN}:targetgroup/shop-green/2453ed029918f21f`
export const OTHER = `${ARN}:targetgroup/shop-shadow/0123456789abcdef`

export const elb = mockClient(ElasticLoadBalancingV2Client)

export const TARGET: WeightedTarget = {
  arn: LISTENER,
  kind: 'listener',
  pair: { blue: BLUE, green: GREEN }
}

export function backend(settings: Partial<WeightedSettings> = {}): WeightedTargetGroupsBackend {
  return new WeightedTargetGroupsBackend(
    { listenerArn: LISTENER, blueTargetGroup: BLUE, greenTargetGroup: GREEN, ...settings },
    createClients('us-east-1').get(ElasticLoadBalancingV2Client)
  )
}

/** A forward action to [arn, weight] pairs, as AWS shows it. */
export function forward(groups: [string, number][], extra: Partial<Action> = {}): Action {
  return {
    Type: 'forward',
    Order: 2,
    ForwardConfig: {
      TargetGroups: groups.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })),
      TargetGroupStickinessConfig: { Enabled: false }
    },
    ...extra
  }
}

export function weighted(blue: number, green: number, extra: Partial<Action> = {}): Action {
  return forward(
    [
      [BLUE, blue],
      [GREEN, green]
    ],
    extra
  )
}

/** A plain forward to blue, as AWS shows one made with TargetGroupArn alone. */
export const plainBlue: Action = {
  Type: 'forward',
  Order: 1,
  TargetGroupArn: BLUE,
  ForwardConfig: {
    TargetGroups: [{ TargetGroupArn: BLUE, Weight: 1 }],
    TargetGroupStickinessConfig: { Enabled: false }
  }
}

export const oidc: Action = {
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

export function native(...actions: Action[]): WeightedNative {
  return { actions, loadBalancerArn: LB }
}

export function listenerWith(...actions: Action[]): void {
  elb.on(DescribeListenersCommand).resolves({
    Listeners: [{ ListenerArn: LISTENER, LoadBalancerArn: LB, DefaultActions: actions }]
  })
}

export function group(arn: string, overrides: Partial<TargetGroup> = {}): TargetGroup {
  return {
    TargetGroupArn: arn,
    Protocol: 'HTTP',
    ProtocolVersion: 'HTTP1',
    TargetType: 'instance',
    VpcId: 'vpc-1',
    LoadBalancerArns: [LB],
    ...overrides
  }
}

/** A healthy topology: blue and green serve LB, green has two registered targets. */
export function topology(green: Partial<TargetGroup> = {}, greenTargets = 2): void {
  elb.on(DescribeTargetGroupsCommand, { TargetGroupArns: [BLUE] }).resolves({
    TargetGroups: [group(BLUE)]
  })
  elb.on(DescribeTargetGroupsCommand, { TargetGroupArns: [GREEN] }).resolves({
    TargetGroups: [group(GREEN, { LoadBalancerArns: [], ...green })]
  })
  elb.on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN }).resolves({
    TargetHealthDescriptions: Array.from({ length: greenTargets }, (_, i) => ({
      Target: { Id: `i-green${i}`, Port: 80 },
      TargetHealth: { State: 'unused', Reason: 'Target.NotInUse' }
    }))
  })
}

/**
 * A listener that keeps what ModifyListener wrote and shows it back the way AWS does: the
 * single-group shortcut, stickiness always given, the client secret flag never shown.
 */
export function statefulListener(...initial: Action[]): { actions: () => Action[] } {
  let actions = initial
  elb.on(DescribeListenersCommand).callsFake(() => ({
    Listeners: [{ ListenerArn: LISTENER, LoadBalancerArn: LB, DefaultActions: actions }]
  }))
  elb.on(ModifyListenerCommand).callsFake((input: { DefaultActions: Action[] }) => {
    actions = JSON.parse(JSON.stringify(input.DefaultActions.map(asAwsShows))) as Action[]
    return {}
  })
  return { actions: () => actions }
}

function asAwsShows(action: Action): Action {
  if (action.AuthenticateOidcConfig) {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { UseExistingClientSecret, ...config } = action.AuthenticateOidcConfig
    return { ...action, AuthenticateOidcConfig: config as typeof action.AuthenticateOidcConfig }
  }
  if (action.Type !== 'forward') return action
  const groups = action.ForwardConfig?.TargetGroups ?? [
    { TargetGroupArn: action.TargetGroupArn, Weight: 1 }
  ]
  const sticky = action.ForwardConfig?.TargetGroupStickinessConfig
  return {
    Type: 'forward',
    Order: action.Order,
    TargetGroupArn: groups.length === 1 ? groups[0].TargetGroupArn : undefined,
    ForwardConfig: {
      TargetGroups: groups.map((tuple) => ({ ...tuple, Weight: tuple.Weight ?? 1 })),
      TargetGroupStickinessConfig: sticky?.Enabled
        ? { Enabled: true, DurationSeconds: sticky.DurationSeconds }
        : { Enabled: false }
    }
  }
}
