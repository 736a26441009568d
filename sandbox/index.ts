/**
 * The local AWS sandbox: ELBv2 (with its data plane), CloudWatch, Route 53 and Auto Scaling on
 * loopback ports, speaking the wire protocols the pinned SDK clients speak, so the bundled action
 * runs against it unchanged through the SDK's own AWS_ENDPOINT_URL_* variables.
 */
import { type AutoScalingSandbox, startAutoScaling } from './autoscaling/index.js'
import { type CloudWatchSandbox, startCloudWatch } from './cloudwatch/index.js'
import { publishAlbMetrics } from './metrics/alb.js'
import { type ElbSandbox, startElbv2 } from './elbv2/index.js'
import { Faults } from './faults.js'
import { type Random, seededRandom } from './random.js'
import { type Route53Sandbox, startRoute53 } from './route53/index.js'

export interface SandboxOptions {
  /**
   * Multiplies the durations the sandbox enforces (health-check interval and timeout,
   * deregistration delay, stickiness, Route 53 PENDING time). 0.05 makes AWS's 30 s interval
   * 1.5 s; the API still takes and returns AWS's units and ranges. Default 1.
   */
  timeScale?: number
  /**
   * Seeds the data plane's weighted choice (default 1; `random` overrides it there) and the
   * failure draws of the apps a scenario starts on this sandbox.
   */
  seed?: number
  random?: Random
  region?: string
  /** Shared fault injection and call log; a fresh one by default. */
  faults?: Faults
  /** How long a Route 53 change stays PENDING, in real ms (default 1000 × timeScale). */
  route53PendingMs?: number
}

export interface SandboxEndpoints {
  elbv2: string
  cloudwatch: string
  route53: string
  autoscaling: string
}

/** Enough for an SDK client: `new ElasticLoadBalancingV2Client(sandbox.clientConfig('elbv2'))`. */
export interface SandboxClientConfig {
  region: string
  endpoint: string
  credentials: { accessKeyId: string; secretAccessKey: string }
}

export interface Sandbox {
  readonly endpoints: SandboxEndpoints
  readonly region: string
  /** The seed the sandbox was started with (default 1); scenarios seed their apps from it. */
  readonly seed: number
  readonly faults: Faults
  /** Admin API and model of the load balancers, including listeners' real addresses. */
  readonly elb: ElbSandbox
  readonly cloudwatch: CloudWatchSandbox
  readonly route53: Route53Sandbox
  /**
   * Auto Scaling groups made of instance ids: attaching one of the ELB sandbox's target groups
   * registers the group's InService instances there (define them with `elb.defineInstance`).
   */
  readonly autoscaling: AutoScalingSandbox
  /** The variables that point the SDK (and so the action) at the sandbox. */
  env(): Record<string, string>
  clientConfig(service: keyof SandboxEndpoints): SandboxClientConfig
  /** Frees every port, timer and socket; safe to call twice. */
  close(): Promise<void>
}

export const SANDBOX_CREDENTIALS = {
  accessKeyId: 'AKIASANDBOX000000000',
  secretAccessKey: 'sandbox-secret-access-key-not-a-real-one'
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const region = options.region ?? 'us-east-1'
  const timeScale = options.timeScale ?? 1
  const faults = options.faults ?? new Faults()
  const seed = options.seed ?? 1
  const random = options.random ?? seededRandom(seed)
  const started: { close(): Promise<void> }[] = []
  try {
    const elb = await startElbv2({ faults, timeScale, random, region })
    started.push(elb)
    const cloudwatch = await startCloudWatch({ faults, region, timeScale })
    started.push(cloudwatch)
    // Every request the data plane routes becomes AWS/ApplicationELB datapoints, as on ALB.
    const stopMetrics = publishAlbMetrics(elb, cloudwatch.metrics)
    started.push({ close: async () => stopMetrics() })
    const route53 = await startRoute53({
      faults,
      timeScale,
      pendingMs: options.route53PendingMs,
      aliasAddresses: (dnsName, zoneId) => elb.addressesOf(dnsName, zoneId)
    })
    started.push(route53)
    const autoscaling = await startAutoScaling({ faults, elb, region, timeScale, seed })
    started.push(autoscaling)
    const endpoints: SandboxEndpoints = {
      elbv2: elb.url,
      cloudwatch: cloudwatch.url,
      route53: route53.url,
      autoscaling: autoscaling.url
    }
    let closing: Promise<void> | undefined
    return {
      endpoints,
      region,
      seed,
      faults,
      elb,
      cloudwatch,
      route53,
      autoscaling,
      env: () => ({
        AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: endpoints.elbv2,
        AWS_ENDPOINT_URL_CLOUDWATCH: endpoints.cloudwatch,
        AWS_ENDPOINT_URL_ROUTE_53: endpoints.route53,
        AWS_ENDPOINT_URL_AUTO_SCALING: endpoints.autoscaling,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true'
      }),
      clientConfig: (service) => ({
        region,
        endpoint: endpoints[service],
        credentials: { ...SANDBOX_CREDENTIALS }
      }),
      close() {
        closing ??= Promise.all(started.map((service) => service.close())).then(() => undefined)
        return closing
      }
    }
  } catch (error) {
    await Promise.all(started.map((service) => service.close()))
    throw error
  }
}

export { Faults } from './faults.js'
export type { App, AppOptions } from './app.js'
export { startApp } from './app.js'
