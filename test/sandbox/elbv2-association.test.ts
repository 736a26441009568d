/**
 * A target group serves one Application Load Balancer: every write that would make a forward
 * action name a group another load balancer already uses is refused with
 * TargetGroupAssociationLimit ("You've reached the limit on the number of load balancers per
 * target group"), and changes nothing. The action's inspection relies on that refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  type Action,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { elbClient, failure } from './sandbox-helpers.js'

let sandbox: Sandbox
let elbv2: ElasticLoadBalancingV2Client
/** Used by load balancer A's listener. */
let taken: string
/** Used by no load balancer yet. */
let free: string
/** Load balancer B's listener and rule, which forward to `free`. */
let listenerB: string
let ruleB: string
let defaultRuleB: string

function forwardTo(...arns: string[]): Action[] {
  return [
    {
      Type: 'forward',
      ForwardConfig: { TargetGroups: arns.map((arn) => ({ TargetGroupArn: arn, Weight: 1 })) }
    }
  ]
}

const pathIs = (path: string) => [{ Field: 'path-pattern', Values: [path] }]

beforeAll(async () => {
  sandbox = await startSandbox()
  elbv2 = elbClient(sandbox)
  const lb = async (name: string) =>
    (await elbv2.send(new CreateLoadBalancerCommand({ Name: name }))).LoadBalancers![0]
  const a = await lb('assoc-a')
  const b = await lb('assoc-b')
  const group = async (name: string) =>
    (
      await elbv2.send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: a.VpcId,
          TargetType: 'ip'
        })
      )
    ).TargetGroups![0].TargetGroupArn!
  taken = await group('assoc-taken')
  free = await group('assoc-free')
  await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: a.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: forwardTo(taken)
    })
  )
  const listener = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: b.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: forwardTo(free)
    })
  )
  listenerB = listener.Listeners![0].ListenerArn!
  const rule = await elbv2.send(
    new CreateRuleCommand({
      ListenerArn: listenerB,
      Priority: 10,
      Conditions: pathIs('/api/*'),
      Actions: forwardTo(free)
    })
  )
  ruleB = rule.Rules![0].RuleArn!
  const rules = await elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerB }))
  defaultRuleB = rules.Rules!.find((r) => r.IsDefault)!.RuleArn!
})

afterAll(async () => {
  elbv2.destroy()
  await sandbox.close()
})

async function stateOfB() {
  const listeners = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [listenerB] }))
  const rules = await elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerB }))
  return { listeners: listeners.Listeners, rules: rules.Rules }
}

const writes: Record<string, () => Promise<unknown>> = {
  'ModifyListener (weighted beside its own group)': () =>
    elbv2.send(
      new ModifyListenerCommand({ ListenerArn: listenerB, DefaultActions: forwardTo(free, taken) })
    ),
  'ModifyListener (TargetGroupArn shortcut)': () =>
    elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: listenerB,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: taken }]
      })
    ),
  CreateRule: () =>
    elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerB,
        Priority: 20,
        Conditions: pathIs('/other/*'),
        Actions: forwardTo(taken)
      })
    ),
  ModifyRule: () =>
    elbv2.send(new ModifyRuleCommand({ RuleArn: ruleB, Actions: forwardTo(free, taken) })),
  'ModifyRule (the default rule)': () =>
    elbv2.send(new ModifyRuleCommand({ RuleArn: defaultRuleB, Actions: forwardTo(taken) }))
}

describe('a target group of another load balancer', () => {
  it.each(Object.keys(writes))('is refused by %s, which changes nothing', async (what) => {
    const before = await stateOfB()
    const error = await failure(writes[what]())
    expect(error.name).toBe('TargetGroupAssociationLimitException')
    expect(error.$metadata.httpStatusCode).toBe(400)
    expect(error.message).toContain(taken)
    expect(await stateOfB()).toEqual(before)
  })

  it('is no refusal for groups of the same load balancer', async () => {
    const out = await elbv2.send(
      new ModifyRuleCommand({ RuleArn: ruleB, Actions: forwardTo(free) })
    )
    expect(out.Rules![0].Actions![0].ForwardConfig!.TargetGroups![0].TargetGroupArn).toBe(free)
  })
})
