/**
 * Mode `dns`: the load balancer behind a record that is an alias to an ELB name, so the gates can
 * read each side's ALB metrics (RequestCount per load balancer). Read-only and tolerant: without
 * it a side only has no metrics, so a failed lookup is a warning, never a refused run.
 */
import {
  DescribeLoadBalancersCommand,
  type ElasticLoadBalancingV2Client,
  type LoadBalancer
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { awsCall } from '../aws/call.js'
import { AwsCallError } from '../errors.js'
import { loadBalancerDimension, type LoadBalancerRef } from './sides.js'

/** An alias target as Route 53 shows it. */
export interface AliasTarget {
  dnsName: string
  hostedZoneId: string
}

/** DescribeLoadBalancers returns at most 400 load balancers a page. */
const PAGE_SIZE = 400

/**
 * ELB's own names: `my-alb-1234.us-east-1.elb.amazonaws.com` (ALB, Classic),
 * `my-nlb-1234.elb.us-east-1.amazonaws.com` (NLB); China's end in `.com.cn`.
 */
const ELB_NAME = /\.(?:[a-z0-9-]+\.elb|elb\.[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/

/**
 * The name as DescribeLoadBalancers gives it: lower case (Route 53 stores alias names in lower
 * case, an ALB's DNSName keeps its name's case), no trailing dot, and no `dualstack.` prefix,
 * which Route 53's console adds to an alias of a load balancer.
 */
export function elbName(dnsName: string): string {
  return dnsName
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^dualstack\./, '')
}

export function isElbAlias(alias: AliasTarget | undefined): alias is AliasTarget {
  return alias !== undefined && ELB_NAME.test(elbName(alias.dnsName))
}

/** The load balancer an alias names: its DNS name and its canonical hosted zone both match. */
export function matchAlias(
  alias: AliasTarget,
  loadBalancers: readonly LoadBalancer[]
): LoadBalancer | undefined {
  const name = elbName(alias.dnsName)
  return loadBalancers.find(
    (lb) =>
      elbName(lb.DNSName ?? '') === name &&
      (lb.CanonicalHostedZoneId ?? '').toUpperCase() === alias.hostedZoneId.toUpperCase()
  )
}

/** An ALB's `AWS/ApplicationELB` scope by its `LoadBalancer` dimension alone. */
export function loadBalancerRef(arn: string): LoadBalancerRef {
  return {
    arn,
    metrics: [
      {
        namespace: 'AWS/ApplicationELB',
        dimensions: [{ name: 'LoadBalancer', value: loadBalancerDimension(arn) }]
      }
    ]
  }
}

export interface AliasedLoadBalancers {
  /** By the alias's DNS name as elbName() gives it. */
  byAlias: Map<string, LoadBalancerRef>
  warnings: string[]
}

/**
 * Finds the Application Load Balancer behind each alias to an ELB name (aliases to anything else
 * are left out). One paged DescribeLoadBalancers for all of them; a failure (e.g. a role without
 * elasticloadbalancing:DescribeLoadBalancers) leaves every alias without one, with a warning.
 */
export async function loadBalancersOfAliases(
  elbv2: ElasticLoadBalancingV2Client,
  aliases: readonly (AliasTarget | undefined)[],
  signal?: AbortSignal
): Promise<AliasedLoadBalancers> {
  const wanted = aliases.filter(isElbAlias)
  const found: AliasedLoadBalancers = { byAlias: new Map(), warnings: [] }
  if (wanted.length === 0) return found
  let loadBalancers: LoadBalancer[]
  try {
    loadBalancers = await describeAll(elbv2, signal)
  } catch (error) {
    if (!(error instanceof AwsCallError)) throw error
    found.warnings.push(
      `traffic-split has no per-load-balancer counts: the records alias load balancers, but ` +
        `${error.message} (allow elasticloadbalancing:DescribeLoadBalancers to judge the split)`
    )
    return found
  }
  for (const alias of wanted) {
    const name = elbName(alias.dnsName)
    const lb = matchAlias(alias, loadBalancers)
    if (!lb?.LoadBalancerArn) {
      found.warnings.push(
        `No load balancer in this region has DNS name ${name} in hosted zone ` +
          `${alias.hostedZoneId}: its side has no ALB metrics for traffic-split`
      )
    } else if (lb.Type !== 'application') {
      // Only ALBs publish RequestCount; a network load balancer counts flows, not requests.
      found.warnings.push(
        `${name} is a ${lb.Type ?? 'non-application'} load balancer: its side has no request ` +
          'counts for traffic-split'
      )
    } else {
      found.byAlias.set(name, loadBalancerRef(lb.LoadBalancerArn))
    }
  }
  return found
}

async function describeAll(
  elbv2: ElasticLoadBalancingV2Client,
  signal?: AbortSignal
): Promise<LoadBalancer[]> {
  const all: LoadBalancer[] = []
  let marker: string | undefined
  do {
    const input = { PageSize: PAGE_SIZE, ...(marker && { Marker: marker }) }
    const out = await awsCall(
      'DescribeLoadBalancers',
      'the load balancers the records alias',
      () => elbv2.send(new DescribeLoadBalancersCommand(input), { abortSignal: signal }),
      signal
    )
    all.push(...(out.LoadBalancers ?? []))
    marker = out.NextMarker
  } while (marker)
  return all
}
