/** The ELBv2 resources as AWS returns them in the Describe, Create and Modify results. */
import { renderAction } from './actions.js'
import { renderCondition } from './conditions.js'
import type { ElbModel, LoadBalancer, Listener, Rule, TargetGroup } from './model.js'
import type { XmlValue } from './xml.js'

/** The hosted zone id AWS uses for ALBs in us-east-1 (alias records point at it). */
export const ALB_HOSTED_ZONE_ID = 'Z35SXDOTRQ7X7K'
const ZONES = ['a', 'b', 'c', 'd', 'e', 'f']

export function renderLoadBalancer(lb: LoadBalancer, region: string): XmlValue {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: ALB_HOSTED_ZONE_ID,
    CreatedTime: lb.createdAt,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: lb.subnets.map((subnet, i) => ({
      ZoneName: `${region}${ZONES[i % ZONES.length]}`,
      SubnetId: subnet
    })),
    SecurityGroups: lb.securityGroups,
    IpAddressType: lb.ipAddressType
  }
}

export function renderTargetGroup(group: TargetGroup, model: ElbModel): XmlValue {
  const hc = group.healthCheck
  return {
    TargetGroupArn: group.arn,
    TargetGroupName: group.name,
    Protocol: group.protocol,
    Port: group.port,
    VpcId: group.vpcId,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    HealthCheckPath: hc.path,
    Matcher: { HttpCode: hc.matcher },
    LoadBalancerArns: model.loadBalancersOf(group.arn),
    TargetType: group.targetType,
    ProtocolVersion: group.protocolVersion,
    IpAddressType: group.ipAddressType
  }
}

export function renderListener(listener: Listener): XmlValue {
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol,
    DefaultActions: listener.defaultActions.map(renderAction),
    ...(listener.extra as Record<string, XmlValue>)
  }
}

export function renderRule(rule: Rule): XmlValue {
  return {
    RuleArn: rule.arn,
    Priority: String(rule.priority),
    Conditions: rule.conditions.map(renderCondition),
    Actions: rule.actions.map(renderAction),
    IsDefault: false,
    ...(rule.extra as Record<string, XmlValue>)
  }
}

/** A listener's default rule: no conditions, the listener's default actions. */
export function renderDefaultRule(listener: Listener): XmlValue {
  return {
    RuleArn: listener.defaultRuleArn,
    Priority: 'default',
    Conditions: [],
    Actions: listener.defaultActions.map(renderAction),
    IsDefault: true
  }
}
