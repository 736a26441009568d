/**
 * What an Application Load Balancer publishes to CloudWatch (namespace AWS/ApplicationELB),
 * from the sandbox data plane's requests, as AWS documents it ("CloudWatch metrics for your
 * Application Load Balancer"):
 * - RequestCount: requests for which the load balancer chose a target (Count), per
 *   LoadBalancer and per TargetGroup + LoadBalancer;
 * - HTTPCode_Target_2XX/3XX/4XX/5XX_Count: responses a target generated, same dimensions;
 * - TargetResponseTime: seconds from the request leaving the load balancer to the target's
 *   response headers, same dimensions (Average and percentiles work);
 * - HTTPCode_ELB_3XX/4XX/5XX_Count and HTTPCode_ELB_500/502/503/504_Count: responses the load
 *   balancer generated itself (no target to route to, a target that could not be reached,
 *   redirects, fixed responses), per LoadBalancer only.
 * A metric gets a datapoint only for a minute that has some (so a 5XX count exists only when
 * non-zero), health checks are not counted, and the AvailabilityZone dimension sets are left
 * out (the sandbox's load balancers have no zones). Minutes appear `delaySeconds` (scaled)
 * after they close: AWS documents no figure; a minute or so is what users observe.
 */
import type { Routed } from '../elbv2/data-plane.js'
import type { ElbModel } from '../elbv2/model.js'
import type { Dimension, MetricStore } from './store.js'

export const ALB_NAMESPACE = 'AWS/ApplicationELB'
/** How long after a minute closes ALB's datapoint for it appears, AWS seconds (scaled). */
export const ALB_PUBLICATION_DELAY_SECONDS = 60

export interface AlbMetricSource {
  model: ElbModel
  onRequest(listener: (routed: Routed) => void): () => void
}

export interface AlbMetricOptions {
  delaySeconds?: number
  /** The clock, real epoch ms (tests). */
  now?: () => number
}

/** `targetgroup/name/hex`: the TargetGroup dimension of a target group ARN. */
export function targetGroupDimension(targetGroupArn: string): string {
  return targetGroupArn.slice(targetGroupArn.indexOf(':targetgroup/') + 1)
}

/** Starts publishing; returns the function that stops it. */
export function publishAlbMetrics(
  elb: AlbMetricSource,
  store: MetricStore,
  options: AlbMetricOptions = {}
): () => void {
  const delayMs = store.scaled(options.delaySeconds ?? ALB_PUBLICATION_DELAY_SECONDS)
  const now = options.now ?? Date.now
  return elb.onRequest((routed) => {
    const listener = elb.model.listeners.get(routed.listenerArn)
    const lb = listener && elb.model.loadBalancers.get(listener.loadBalancerArn)
    if (!lb) return
    const at = now()
    const perLoadBalancer: Dimension[] = [{ name: 'LoadBalancer', value: lb.resourceId }]
    const perTargetGroup: Dimension[] | undefined = routed.targetGroupArn
      ? [
          { name: 'TargetGroup', value: targetGroupDimension(routed.targetGroupArn) },
          ...perLoadBalancer
        ]
      : undefined
    const count = (metricName: string, dimensionSets: (Dimension[] | undefined)[]) => {
      for (const dimensions of dimensionSets) {
        if (dimensions) {
          store.record({ namespace: ALB_NAMESPACE, metricName, dimensions }, 'Count', 1, {
            at,
            delayMs
          })
        }
      }
    }
    const statusClass = Math.floor(routed.status / 100)
    if (routed.targetId !== undefined) count('RequestCount', [perLoadBalancer, perTargetGroup])
    if (routed.targetResponseTime !== undefined) {
      if (statusClass >= 2 && statusClass <= 5) {
        count(`HTTPCode_Target_${statusClass}XX_Count`, [perLoadBalancer, perTargetGroup])
      }
      for (const dimensions of [perLoadBalancer, perTargetGroup]) {
        if (!dimensions) continue
        store.record(
          { namespace: ALB_NAMESPACE, metricName: 'TargetResponseTime', dimensions },
          'Seconds',
          routed.targetResponseTime,
          { at, delayMs, keepValues: true }
        )
      }
      return
    }
    if (statusClass >= 3 && statusClass <= 5)
      count(`HTTPCode_ELB_${statusClass}XX_Count`, [perLoadBalancer])
    if ([500, 502, 503, 504].includes(routed.status)) {
      count(`HTTPCode_ELB_${routed.status}_Count`, [perLoadBalancer])
    }
  })
}
