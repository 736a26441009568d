import { describe, expect, it } from '@jest/globals'
import { Route53Client } from '@aws-sdk/client-route-53'
import { DnsRoute53 } from '../../src/backends/dns-aws.js'
import { arnsIn, reportNames, shortName, ShortNames } from '../../src/report/names.js'
import { event, gate, step, succeededRun } from './builder.js'

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
const LISTENER = `${ELB}:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2`
const LISTENER_443 = `${ELB}:listener/app/shop/50dc6c495c0c9188/0467ef3c8400ae65`
const RULE = `${ELB}:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`
const GREEN = `${ELB}:targetgroup/shop-green/73e2d6bc24d8a067`
const BLUE = `${ELB}:targetgroup/shop-blue/2453ed029918f21f`

describe('shortName', () => {
  it.each([
    [LISTENER, 'shop listener'],
    [RULE, 'shop rule'],
    [`${ELB}:listener/net/edge/50dc6c495c0c9188/f2f7dc8efc522ab2`, 'edge listener'],
    [`${ELB}:loadbalancer/app/shop/50dc6c495c0c9188`, 'shop load balancer'],
    [GREEN, 'shop-green'],
    [
      'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:5b7d0d8e-1f4a-4c3e-9b1a-0c2d3e4f5a6b:autoScalingGroupName/shop-green-asg',
      'shop-green-asg'
    ],
    ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop 5xx: green', 'shop 5xx: green'],
    ['arn:aws:route53:::hostedzone/Z0123456789ABC', 'hosted zone Z0123456789ABC'],
    ['arn:aws:route53:::healthcheck/abcd-1234', 'health check abcd-1234'],
    ['arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/cn-tg/1234', 'cn-tg'],
    ['arn:aws:sns:us-east-1:123456789012:deploys', 'deploys'],
    // The dns backend's target is not an ARN: the record's name, without the root dot.
    ['www.example.com. A in hosted zone Z0123456789ABC', 'www.example.com'],
    ['www.example.com AAAA in hosted zone Z0123456789ABC', 'www.example.com'],
    ['not an arn', 'not an arn']
  ])('%s → %s', (resource, expected) => {
    expect(shortName(resource)).toBe(expected)
  })
  it('reads the dns backend’s target as the backend writes it', () => {
    const client = new Route53Client({ region: 'us-east-1' })
    for (const recordName of ['www.example.com', 'www.example.com.']) {
      const { target } = new DnsRoute53(client, {
        hostedZoneId: 'Z0123456789ABC',
        recordName,
        recordType: 'AAAA'
      })
      expect(shortName(target)).toBe('www.example.com')
    }
  })
})

describe('arnsIn', () => {
  it('finds each ARN once, ending at spaces, quotes, brackets and commas, without a final period', () => {
    const text = `Moved ${GREEN}, then ${BLUE}. Listener (${LISTENER}); again "${GREEN}".`
    expect(arnsIn(text)).toEqual([GREEN, BLUE, LISTENER])
    expect(arnsIn('no arns: arnold, arn:, arn:aws')).toEqual([])
  })
})

describe('ShortNames', () => {
  it('replaces every ARN in a text by its short name and keeps the punctuation after it', () => {
    const names = new ShortNames([LISTENER])
    expect(names.shorten(`DescribeTargetHealth on ${GREEN} failed. Listener ${LISTENER}.`)).toBe(
      'DescribeTargetHealth on shop-green failed. Listener shop listener.'
    )
  })

  it('tells apart resources that share a name by the shortest distinct end of their ids', () => {
    const names = new ShortNames([LISTENER, LISTENER_443, GREEN])
    expect(names.of(LISTENER)).toBe('shop listener …2ab2')
    expect(names.of(LISTENER_443)).toBe('shop listener …ae65')
    expect(names.of(GREEN)).toBe('shop-green')
    const close = new ShortNames([
      `${ELB}:targetgroup/tg/aaaa1234`,
      `${ELB}:targetgroup/tg/bbbb1234`
    ])
    expect(close.entries().map(([, name]) => name)).toEqual(['tg …a1234', 'tg …b1234'])
  })

  it('lists only resources whose name differs from themselves', () => {
    expect(new ShortNames([GREEN, 'plain']).entries()).toEqual([[GREEN, 'shop-green']])
  })
})

describe('reportNames', () => {
  it('collects the target and every ARN of steps, gates, events and the failure', () => {
    const record = succeededRun({
      target: LISTENER,
      failure: `Gate failed on ${BLUE}`,
      steps: [step({ native: `${GREEN} 100`, gates: [gate('g', 'pass', `ok ${RULE}`)] })],
      events: [event('shift', 1, 10, `moved ${LISTENER_443}`)]
    })
    expect(
      reportNames(record)
        .entries()
        .map(([resource]) => resource)
        .sort()
    ).toEqual([BLUE, GREEN, LISTENER, LISTENER_443, RULE].sort())
  })
})
