import {
  DescribeLoadBalancersCommand,
  type LoadBalancer
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53'
import { describe, expect, it } from '@jest/globals'
import { elbName, isElbAlias, matchAlias } from '../../src/backends/dns-load-balancers.js'
import { TopologyError } from '../../src/errors.js'
import { blue, elbv2, NAME, route53, setup } from './dns-zone.js'

const ALB_ZONE = 'Z35SXDOTRQ7X7K'
const BLUE_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/Shop-Blue/50dc6c495c0c9188'
const GREEN_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-green/73e2d6bc24d8a067'
const NLB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/shop-nlb/1f2e3d4c5b6a7988'

const lb = (arn: string, dnsName: string, type = 'application'): LoadBalancer => ({
  LoadBalancerArn: arn,
  DNSName: dnsName,
  CanonicalHostedZoneId: type === 'network' ? 'Z26RNL4JYFTOTI' : ALB_ZONE,
  Type: type as LoadBalancer['Type']
})
const BLUE_LB = lb(BLUE_ARN, 'Shop-Blue-1234567890.us-east-1.elb.amazonaws.com')
const GREEN_LB = lb(GREEN_ARN, 'shop-green-987654321.us-east-1.elb.amazonaws.com')

/** A weighted alias record, as Route 53 lists it (lower case, trailing dot). */
const aliasRecord = (
  id: string,
  weight: number,
  dnsName: string,
  zone = ALB_ZONE
): ResourceRecordSet => ({
  Name: NAME,
  Type: 'A',
  SetIdentifier: id,
  Weight: weight,
  AliasTarget: { HostedZoneId: zone, DNSName: dnsName, EvaluateTargetHealth: true }
})
const blueAlias = aliasRecord(
  'blue',
  229,
  'dualstack.shop-blue-1234567890.us-east-1.elb.amazonaws.com.'
)
const greenAlias = aliasRecord('green', 26, 'shop-green-987654321.us-east-1.elb.amazonaws.com.')

const metricsOf = (dimension: string) => [
  { namespace: 'AWS/ApplicationELB', dimensions: [{ name: 'LoadBalancer', value: dimension }] }
]

describe('the alias to a load balancer, matched by name and zone (pure)', () => {
  it('compares ELB names without case, trailing dot or the dualstack. prefix', () => {
    expect(elbName('DualStack.Shop-Blue-1.us-east-1.elb.amazonaws.com.')).toBe(
      'shop-blue-1.us-east-1.elb.amazonaws.com'
    )
    expect(
      isElbAlias({ dnsName: 'dualstack.x-1.cn-north-1.elb.amazonaws.com.cn.', hostedZoneId: 'Z' })
    ).toBe(true)
    // A network load balancer's name puts elb before the region.
    expect(
      isElbAlias({
        dnsName: 'shop-nlb-1.elb.us-east-1.amazonaws.com',
        hostedZoneId: 'Z26RNL4JYFTOTI'
      })
    ).toBe(true)
    // CloudFront, S3 websites and records in a zone are aliases to something else.
    expect(
      isElbAlias({ dnsName: 'd111111abcdef8.cloudfront.net.', hostedZoneId: 'Z2FDTNDATAQYW2' })
    ).toBe(false)
    expect(isElbAlias({ dnsName: 'elb.amazonaws.com.example.com', hostedZoneId: 'Z1' })).toBe(false)
    expect(isElbAlias(undefined)).toBe(false)
  })

  it('needs the DNS name and the canonical hosted zone to match, not a prefix of the name', () => {
    const alias = {
      dnsName: 'dualstack.shop-blue-1234567890.us-east-1.elb.amazonaws.com',
      hostedZoneId: ALB_ZONE
    }
    const decoy = lb(GREEN_ARN, 'blue-1234567890.us-east-1.elb.amazonaws.com')
    expect(matchAlias(alias, [decoy, BLUE_LB])).toBe(BLUE_LB)
    expect(matchAlias({ ...alias, hostedZoneId: 'Z32O12XQLNTSW2' }, [BLUE_LB])).toBeUndefined()
  })
})

describe('inspect: each side gets the load balancer its record aliases', () => {
  it('gives both sides their ALB by the LoadBalancer dimension, reading every page', async () => {
    const { backend } = setup([blueAlias, greenAlias], { green: undefined })
    elbv2
      .on(DescribeLoadBalancersCommand)
      .resolvesOnce({ LoadBalancers: [BLUE_LB], NextMarker: 'page-2' })
      .resolvesOnce({
        LoadBalancers: [lb(NLB_ARN, 'shop-nlb-1.elb.us-east-1.amazonaws.com', 'network'), GREEN_LB]
      })
    const { sides, warnings } = await backend.inspect()
    expect(sides.blue.loadBalancers).toEqual([
      { arn: BLUE_ARN, metrics: metricsOf('app/Shop-Blue/50dc6c495c0c9188') }
    ])
    expect(sides.green.loadBalancers).toEqual([
      { arn: GREEN_ARN, metrics: metricsOf('app/shop-green/73e2d6bc24d8a067') }
    ])
    // Both are the load balancers whose own 5XX concern the run.
    expect(sides.loadBalancers.map((each) => each.arn)).toEqual([BLUE_ARN, GREEN_ARN])
    expect(warnings).toEqual([])
    const calls = elbv2.commandCalls(DescribeLoadBalancersCommand)
    expect(calls.map((call) => call.args[0].input)).toEqual([
      { PageSize: 400 },
      { PageSize: 400, Marker: 'page-2' }
    ])
  })

  it('finds green’s load balancer from green-alias-target when the run creates green’s record', async () => {
    const { backend } = setup([{ ...blueAlias, SetIdentifier: undefined, Weight: undefined }], {
      green: {
        kind: 'alias',
        dnsName: 'dualstack.shop-green-987654321.us-east-1.elb.amazonaws.com',
        hostedZoneId: ALB_ZONE
      }
    })
    elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [GREEN_LB, BLUE_LB] })
    const { sides } = await backend.inspect()
    expect(sides.blue.loadBalancers?.map((each) => each.arn)).toEqual([BLUE_ARN])
    expect(sides.green.loadBalancers?.map((each) => each.arn)).toEqual([GREEN_ARN])
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('leaves a side without metrics, with a warning, when its alias names no ALB here', async () => {
    const nlb = aliasRecord(
      'green',
      26,
      'shop-nlb-1.elb.us-east-1.amazonaws.com.',
      'Z26RNL4JYFTOTI'
    )
    const { backend } = setup([blueAlias, nlb], { green: undefined })
    elbv2.on(DescribeLoadBalancersCommand).resolves({
      LoadBalancers: [lb(NLB_ARN, 'shop-nlb-1.elb.us-east-1.amazonaws.com', 'network')]
    })
    const { sides, warnings } = await backend.inspect()
    expect(sides.blue.loadBalancers).toEqual([])
    expect(sides.green.loadBalancers).toEqual([])
    expect(sides.loadBalancers).toEqual([])
    expect(warnings).toEqual([
      `No load balancer in this region has DNS name shop-blue-1234567890.us-east-1.elb.amazonaws.com in hosted zone ${ALB_ZONE}: its side has no ALB metrics for traffic-split`,
      'shop-nlb-1.elb.us-east-1.amazonaws.com is a network load balancer: its side has no request counts for traffic-split'
    ])
  })

  it('runs on without metrics when DescribeLoadBalancers is denied: a warning, never a refusal', async () => {
    const { backend } = setup([blueAlias, greenAlias], { green: undefined })
    const denied = Object.assign(
      new Error('User is not authorized to perform: elasticloadbalancing:DescribeLoadBalancers'),
      {
        name: 'AccessDenied'
      }
    )
    elbv2.on(DescribeLoadBalancersCommand).rejects(denied)
    const { sides, warnings, state } = await backend.inspect()
    expect(state.split.permille).toBe(102)
    expect(sides.blue.loadBalancers).toEqual([])
    expect(sides.green.loadBalancers).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('DescribeLoadBalancers')
    expect(warnings[0]).toContain('not authorized')
    expect(warnings[0]).toContain('allow elasticloadbalancing:DescribeLoadBalancers')
  })

  it('asks ELB nothing for records that alias no load balancer, nor before the records pass', async () => {
    const { backend } = setup(
      [blue(229), aliasRecord('green', 26, 'd111111abcdef8.cloudfront.net.', 'Z2FDTNDATAQYW2')],
      {
        green: undefined
      }
    )
    const { sides } = await backend.inspect()
    expect(sides.blue.loadBalancers).toEqual([])
    expect(sides.green.loadBalancers).toEqual([])
    expect(elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(0)

    const refused = setup(
      [blueAlias, aliasRecord('other', 26, 'shop-green-987654321.us-east-1.elb.amazonaws.com.')],
      {
        green: undefined
      }
    )
    await expect(refused.backend.inspect()).rejects.toBeInstanceOf(TopologyError)
    expect(elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(0)
  })
})
