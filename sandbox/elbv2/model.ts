/**
 * The ELBv2 control-plane state: load balancers, target groups (with their registered targets and
 * health), listeners and rules. It stores and looks things up; the operations validate requests
 * and the health checker and data plane act on what is stored here.
 */
import { randomBytes } from 'node:crypto'
import { notFound } from './errors.js'
import type { QueryNode } from './query.js'

export const ACCOUNT_ID = '123456789012'
export const SANDBOX_VPC_ID = 'vpc-0sandbox0000000001'

export interface LoadBalancer {
  arn: string
  name: string
  /** The last two ARN segments (`app/name/hex`), reused by listener and rule ARNs. */
  resourceId: string
  dnsName: string
  createdAt: Date
  scheme: 'internet-facing' | 'internal'
  vpcId: string
  subnets: string[]
  securityGroups: string[]
  ipAddressType: string
  /**
   * The address its DNS name answers (and a Route 53 alias to it): its own in 127.0.1.0/24, so
   * a client can tell load balancers apart by the answer, as by ALB's node addresses on AWS.
   */
  address: string
}

export interface HealthCheckSettings {
  enabled: boolean
  protocol: 'HTTP' | 'HTTPS'
  /** 'traffic-port' or a port number as text, as AWS stores it. */
  port: string
  path: string
  intervalSeconds: number
  timeoutSeconds: number
  healthyThreshold: number
  unhealthyThreshold: number
  /** HTTP codes: '200', '200,202' or '200-299'. */
  matcher: string
}

export type TargetState =
  'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable'

export interface Target {
  id: string
  port: number
  state: TargetState
  reason?: string
  description?: string
  /** Consecutive health-check results, reset by the opposite result. */
  passes: number
  failures: number
  /** Bumped on every state reset so a late health-check answer cannot land on a newer state. */
  generation: number
}

export interface TargetGroup {
  arn: string
  name: string
  protocol: 'HTTP' | 'HTTPS'
  protocolVersion: string
  port: number
  vpcId: string
  targetType: 'instance' | 'ip'
  ipAddressType: string
  healthCheck: HealthCheckSettings
  attributes: Map<string, string>
  targets: Map<string, Target>
}

export interface TargetGroupWeight {
  targetGroupArn: string
  weight: number
}

export interface ForwardConfig {
  targetGroups: TargetGroupWeight[]
  stickiness: { enabled: boolean; durationSeconds?: number }
}

/** A listener or rule action. Actions the sandbox does not act on are kept verbatim. */
export type Action =
  | { type: 'forward'; order?: number; forward: ForwardConfig }
  | {
      type: 'fixed-response'
      order?: number
      fixedResponse: { statusCode: string; contentType?: string; messageBody?: string }
    }
  | {
      type: 'redirect'
      order?: number
      redirect: {
        statusCode: string
        protocol?: string
        port?: string
        host?: string
        path?: string
        query?: string
      }
    }
  | { type: string; order?: number; raw: Record<string, QueryNode> }

export interface Condition {
  field: string
  values: string[]
  /** The condition as sent, echoed back on Describe. */
  raw: Record<string, QueryNode>
}

export interface Listener {
  arn: string
  loadBalancerArn: string
  port: number
  protocol: string
  defaultActions: Action[]
  /** The ARN of the listener's default rule (DescribeRules shows it with Priority 'default'). */
  defaultRuleArn: string
  /** Members the sandbox does not interpret (certificates, SSL policy, ALPN…), echoed back. */
  extra: Record<string, QueryNode>
}

export interface Rule {
  arn: string
  listenerArn: string
  priority: number
  conditions: Condition[]
  actions: Action[]
  extra: Record<string, QueryNode>
}

export function targetKey(id: string, port: number): string {
  return `${id}:${port}`
}

function hexId(): string {
  return randomBytes(8).toString('hex')
}

export class ElbModel {
  readonly loadBalancers = new Map<string, LoadBalancer>()
  /** Load balancers created so far: each takes the next address, never reused. */
  created = 0
  readonly targetGroups = new Map<string, TargetGroup>()
  readonly listeners = new Map<string, Listener>()
  readonly rules = new Map<string, Rule>()
  readonly tags = new Map<string, Map<string, string>>()

  constructor(readonly region = 'us-east-1') {}

  private arn(resource: string): string {
    return `arn:aws:elasticloadbalancing:${this.region}:${ACCOUNT_ID}:${resource}`
  }

  newLoadBalancerArn(name: string): { arn: string; resourceId: string } {
    const resourceId = `app/${name}/${hexId()}`
    return { arn: this.arn(`loadbalancer/${resourceId}`), resourceId }
  }

  newTargetGroupArn(name: string): string {
    return this.arn(`targetgroup/${name}/${hexId()}`)
  }

  newListenerArn(lb: LoadBalancer): string {
    return this.arn(`listener/${lb.resourceId}/${hexId()}`)
  }

  newRuleArn(listener: Listener): string {
    const listenerId = listener.arn.split(':listener/')[1]
    return this.arn(`listener-rule/${listenerId}/${hexId()}`)
  }

  loadBalancer(arn: string): LoadBalancer {
    const lb = this.loadBalancers.get(arn)
    if (!lb) throw notFound.loadBalancer()
    return lb
  }

  targetGroup(arn: string): TargetGroup {
    const tg = this.targetGroups.get(arn)
    if (!tg) throw notFound.targetGroup()
    return tg
  }

  listener(arn: string): Listener {
    const listener = this.listeners.get(arn)
    if (!listener) throw notFound.listener()
    return listener
  }

  /** A rule by ARN; a listener's default rule is synthesized from the listener. */
  rule(arn: string): Rule | { default: Listener } {
    const rule = this.rules.get(arn)
    if (rule) return rule
    for (const listener of this.listeners.values()) {
      if (listener.defaultRuleArn === arn) return { default: listener }
    }
    throw notFound.rule()
  }

  listenersOf(loadBalancerArn: string): Listener[] {
    return [...this.listeners.values()].filter((l) => l.loadBalancerArn === loadBalancerArn)
  }

  /** A listener's non-default rules, by ascending priority (the order ALB evaluates them). */
  rulesOf(listenerArn: string): Rule[] {
    return [...this.rules.values()]
      .filter((rule) => rule.listenerArn === listenerArn)
      .sort((a, b) => a.priority - b.priority)
  }

  /** Every action list of a listener: its rules' and its default actions. */
  private actionListsOf(listener: Listener): Action[][] {
    return [...this.rulesOf(listener.arn).map((rule) => rule.actions), listener.defaultActions]
  }

  /** The load balancers whose listeners or rules forward to the group (weight 0 included). */
  loadBalancersOf(targetGroupArn: string): string[] {
    const arns = new Set<string>()
    for (const listener of this.listeners.values()) {
      const used = this.actionListsOf(listener).some((actions) =>
        actions.some((action) => forwardsTo(action, targetGroupArn))
      )
      if (used) arns.add(listener.loadBalancerArn)
    }
    return [...arns]
  }

  isInUse(targetGroupArn: string): boolean {
    return this.loadBalancersOf(targetGroupArn).length > 0
  }
}

export function isForward(action: Action): action is Extract<Action, { type: 'forward' }> {
  return action.type === 'forward' && 'forward' in action
}

function forwardsTo(action: Action, targetGroupArn: string): boolean {
  return (
    isForward(action) &&
    action.forward.targetGroups.some((group) => group.targetGroupArn === targetGroupArn)
  )
}

/** Actions in the order ALB performs them (by Order; unordered single actions stay put). */
export function ordered(actions: Action[]): Action[] {
  return [...actions].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
}
