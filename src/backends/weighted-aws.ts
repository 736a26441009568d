/** Mode `weighted-target-groups`, the ELBv2 I/O: every call this mode makes, and nothing else. */
import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  type ModifyListenerCommandInput,
  ModifyRuleCommand,
  type ModifyRuleCommandInput,
  type TargetGroup,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { arnParts } from '../aws/arn.js'
import { awsCall } from '../aws/call.js'
import { describeTargetHealth } from '../aws/target-health.js'
import type { PlannedCall } from './backend.js'
import type { WeightedNative, WeightedTarget } from './weighted-plan.js'

export class WeightedAws {
  constructor(private readonly elbv2: ElasticLoadBalancingV2Client) {}

  /** The region the client sends to, or undefined when none is configured yet. */
  async clientRegion(): Promise<string | undefined> {
    try {
      return await this.elbv2.config.region()
    } catch {
      return undefined
    }
  }

  /** The listener's default actions or the rule's actions, and the load balancer they serve. */
  async readNative(target: WeightedTarget, signal?: AbortSignal): Promise<WeightedNative> {
    if (target.kind === 'listener') {
      const out = await awsCall(
        'DescribeListeners',
        target.arn,
        () =>
          this.elbv2.send(new DescribeListenersCommand({ ListenerArns: [target.arn] }), {
            abortSignal: signal
          }),
        signal
      )
      const listener = out.Listeners?.[0]
      return {
        actions: listener?.DefaultActions ?? [],
        loadBalancerArn: listener?.LoadBalancerArn ?? loadBalancerOf(target.arn)
      }
    }
    const out = await awsCall(
      'DescribeRules',
      target.arn,
      () =>
        this.elbv2.send(new DescribeRulesCommand({ RuleArns: [target.arn] }), {
          abortSignal: signal
        }),
      signal
    )
    const actions: Action[] = out.Rules?.[0]?.Actions ?? []
    return { actions, loadBalancerArn: loadBalancerOf(target.arn) }
  }

  async targetGroup(arn: string, signal?: AbortSignal): Promise<TargetGroup | undefined> {
    const out = await awsCall(
      'DescribeTargetGroups',
      arn,
      () =>
        this.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }), {
          abortSignal: signal
        }),
      signal
    )
    return out.TargetGroups?.[0]
  }

  async targetHealth(arn: string, signal?: AbortSignal): Promise<TargetHealthDescription[]> {
    return describeTargetHealth(this.elbv2, arn, signal)
  }

  /** Sends one planned ModifyListener / ModifyRule as it was planned. */
  async send(call: PlannedCall, signal?: AbortSignal): Promise<void> {
    if (call.operation === 'ModifyListener') {
      const input = call.parameters as ModifyListenerCommandInput
      await awsCall(
        'ModifyListener',
        input.ListenerArn ?? '',
        () => this.elbv2.send(new ModifyListenerCommand(input), { abortSignal: signal }),
        signal
      )
      return
    }
    if (call.operation === 'ModifyRule') {
      const input = call.parameters as ModifyRuleCommandInput
      await awsCall(
        'ModifyRule',
        input.RuleArn ?? '',
        () => this.elbv2.send(new ModifyRuleCommand(input), { abortSignal: signal }),
        signal
      )
      return
    }
    throw new Error(`Mode weighted-target-groups does not make ${call.operation} calls`)
  }
}

/**
 * The load balancer a listener or rule ARN belongs to: AWS builds both from it
 * (listener/app/NAME/LB-ID/LISTENER-ID, listener-rule/app/NAME/LB-ID/LISTENER-ID/RULE-ID).
 */
export function loadBalancerOf(arn: string): string {
  const { partition, service, region, account, resource } = arnParts(arn)
  const [, type, name, id] = resource.split('/')
  return `arn:${partition}:${service}:${region}:${account}:loadbalancer/${type}/${name}/${id}`
}
