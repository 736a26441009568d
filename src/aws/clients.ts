import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { Route53Client } from '@aws-sdk/client-route-53'

/** The SDK clients the action uses, built on first use so a mode only pays for what it calls. */
export interface AwsClients {
  readonly elbv2: ElasticLoadBalancingV2Client
  readonly cloudwatch: CloudWatchClient
  readonly route53: Route53Client
  readonly autoscaling: AutoScalingClient
}

export const USER_AGENT = 'aws-traffic-shift/0.1.0'
export const CONNECTION_TIMEOUT_MS = 3_000
export const REQUEST_TIMEOUT_MS = 15_000

/**
 * The only place that constructs SDK clients. Endpoints come from the SDK's own
 * AWS_ENDPOINT_URL_* variables (the local sandbox uses them). Throttling and 5xx are retried by
 * the SDK's standard mode; six attempts ride out a burst without hiding a real outage for long.
 */
export function createClients(
  region: string | undefined,
  limits: { requestTimeoutMs?: number; maxAttempts?: number } = {}
): AwsClients {
  const config = {
    region: region || undefined,
    maxAttempts: limits.maxAttempts ?? 6,
    retryMode: 'standard',
    customUserAgent: USER_AGENT,
    // No call may hang a deploy: the SDK's default has no request timeout at all, and without
    // throwOnRequestTimeout a configured one only logs a warning.
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: limits.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true
    }
  } as const
  let elbv2: ElasticLoadBalancingV2Client | undefined
  let cloudwatch: CloudWatchClient | undefined
  let route53: Route53Client | undefined
  let autoscaling: AutoScalingClient | undefined
  return {
    get elbv2() {
      return (elbv2 ??= new ElasticLoadBalancingV2Client(config))
    },
    get cloudwatch() {
      return (cloudwatch ??= new CloudWatchClient(config))
    },
    get route53() {
      return (route53 ??= new Route53Client(config))
    },
    get autoscaling() {
      return (autoscaling ??= new AutoScalingClient(config))
    }
  }
}
