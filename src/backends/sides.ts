/**
 * Blue and green as data: what each side's traffic runs through, for the gates. A gate reads
 * these and never imports a backend. Every list may hold several entries: a later mode moves
 * several listeners (or records) in lockstep.
 */

/** A CloudWatch dimension set, e.g. AWS/ApplicationELB with LoadBalancer + TargetGroup. */
export interface MetricScope {
  namespace: string
  dimensions: { name: string; value: string }[]
}

/** A target group that carries (part of) one side's traffic. */
export interface TargetGroupRef {
  arn: string
  /** The load balancers whose listeners forward to it (ARNs). */
  loadBalancerArns: string[]
  /**
   * The side's targets inside the group, when the group is shared by both sides (mode
   * `targets`); absent when every registered target of the group belongs to this side.
   */
  targetIds?: string[]
  /** The side's ALB metrics: `LoadBalancer` + `TargetGroup` dimensions per load balancer. */
  metrics: MetricScope[]
}

/** One weighted Route 53 record of a side. */
export interface RecordRef {
  hostedZoneId: string
  name: string
  type: string
  setIdentifier: string
  /** Plain values (A/AAAA addresses, CNAME targets); empty for an alias. */
  values: string[]
  aliasTarget?: { dnsName: string; hostedZoneId: string }
  /** How long resolvers may cache its answer: its TTL, or its target's for an alias (ELB: 60). */
  ttlSeconds?: number
}

/** A load balancer and its ALB metrics by the `LoadBalancer` dimension alone. */
export interface LoadBalancerRef {
  arn: string
  metrics: MetricScope[]
}

export interface Side {
  targetGroups: TargetGroupRef[]
  records: RecordRef[]
  autoScalingGroups: string[]
  /**
   * The load balancers that carry this side's traffic and no other's (mode dns: the ALB a
   * record aliases), so their own RequestCount is the side's; absent or empty when none is known.
   */
  loadBalancers?: LoadBalancerRef[]
}

export interface Sides {
  blue: Side
  green: Side
  /** The authoritative name servers of the zone(s) the records live in (mode dns). */
  nameServers: string[]
  /** Load balancers whose own 5XX (no healthy target) concern this run. */
  loadBalancers: LoadBalancerRef[]
}

export function emptySide(): Side {
  return { targetGroups: [], records: [], autoScalingGroups: [] }
}

/** `app/shop/50dc6c495c0c9188` from a load balancer ARN: CloudWatch's LoadBalancer dimension. */
export function loadBalancerDimension(loadBalancerArn: string): string {
  return loadBalancerArn.replace(/^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:loadbalancer\//, '')
}

/** `targetgroup/shop-blue/73e2d6bc24d8a067` from a target group ARN: the TargetGroup dimension. */
export function targetGroupDimension(targetGroupArn: string): string {
  return targetGroupArn.replace(/^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:/, '')
}

/** The ALB metric scopes of a target group behind each of its load balancers. */
export function albMetrics(targetGroupArn: string, loadBalancerArns: string[]): MetricScope[] {
  return loadBalancerArns.map((lb) => ({
    namespace: 'AWS/ApplicationELB',
    dimensions: [
      { name: 'LoadBalancer', value: loadBalancerDimension(lb) },
      { name: 'TargetGroup', value: targetGroupDimension(targetGroupArn) }
    ]
  }))
}
