/**
 * A ready "blue/green behind an ALB" world, built through the real SDK the way a person would
 * build it in AWS: a load balancer, a blue and a green target group with app servers registered,
 * and a listener forwarding to blue only (green unused) or by weights. The demo and the
 * end-to-end tests start from here.
 */
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import {
  type Action,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { randomBytes } from 'node:crypto'
import { type App, startApp } from './app.js'
import type { Sandbox } from './index.js'

export interface HealthCheckOptions {
  path?: string
  intervalSeconds?: number
  timeoutSeconds?: number
  healthyThreshold?: number
  unhealthyThreshold?: number
}

export interface BlueGreenOptions {
  /** Prefix of every resource name (default 'shop'). */
  name?: string
  /** 'blue': TargetGroupArn shortcut to blue, green unused (the usual start); or weights 0-999. */
  forward?: 'blue' | { blue: number; green: number }
  /** Enables forward-level (target group) stickiness for this many seconds. */
  stickinessSeconds?: number
  /** App servers per colour (default 1). */
  targetsPerColor?: number
  targetType?: 'ip' | 'instance'
  healthCheck?: HealthCheckOptions
  /** The groups' deregistration_delay.timeout_seconds (AWS default 300). */
  deregistrationDelaySeconds?: number
  /** The listener's AWS port (default 80); its real address is `listenerUrl`. */
  listenerPort?: number
  /** Metric alarms to create (set to OK, as if their metric were fine), e.g. for alarm gates. */
  alarms?: string[]
  /** Wait until every target of a used group is healthy (default true). */
  waitForHealthy?: boolean
  /** Longest wait for health, real ms (default 15 s). */
  healthTimeoutMs?: number
}

export interface Side {
  targetGroupArn: string
  apps: App[]
}

export interface BlueGreenScenario {
  loadBalancerArn: string
  listenerArn: string
  /** The listener's real address on 127.0.0.1. */
  listenerUrl: string
  blue: Side
  green: Side
  /** The ELBv2 client the scenario was built with (pointed at the sandbox). */
  elbv2: ElasticLoadBalancingV2Client
  /** One request through the listener: status and, if a target answered, its version. */
  request(path?: string, headers?: Record<string, string>): Promise<ScenarioResponse>
  /** Closes the apps and the client (the sandbox stays up). */
  close(): Promise<void>
}

export interface ScenarioResponse {
  status: number
  version?: string
  headers: Headers
}

const DEFAULT_HEALTH: Required<HealthCheckOptions> = {
  path: '/health',
  intervalSeconds: 5,
  timeoutSeconds: 2,
  healthyThreshold: 2,
  unhealthyThreshold: 2
}

function forwardAction(blue: string, green: string, options: BlueGreenOptions): Action {
  const forward = options.forward ?? 'blue'
  const stickiness =
    options.stickinessSeconds === undefined
      ? { Enabled: false }
      : { Enabled: true, DurationSeconds: options.stickinessSeconds }
  if (forward === 'blue' && options.stickinessSeconds === undefined) {
    return { Type: 'forward', TargetGroupArn: blue }
  }
  const groups =
    forward === 'blue'
      ? [{ TargetGroupArn: blue, Weight: 1 }]
      : [
          { TargetGroupArn: blue, Weight: forward.blue },
          { TargetGroupArn: green, Weight: forward.green }
        ]
  return {
    Type: 'forward',
    ForwardConfig: { TargetGroups: groups, TargetGroupStickinessConfig: stickiness }
  }
}

export async function createBlueGreen(
  sandbox: Sandbox,
  options: BlueGreenOptions = {}
): Promise<BlueGreenScenario> {
  const name = options.name ?? 'shop'
  const health = { ...DEFAULT_HEALTH, ...options.healthCheck }
  const targetType = options.targetType ?? 'ip'
  const count = options.targetsPerColor ?? 1
  const elbv2 = new ElasticLoadBalancingV2Client(sandbox.clientConfig('elbv2'))
  const apps: App[] = []
  try {
    const lb = await elbv2.send(
      new CreateLoadBalancerCommand({ Name: `${name}-alb`, Type: 'application' })
    )
    const loadBalancerArn = lb.LoadBalancers![0].LoadBalancerArn!
    const sides: Record<'blue' | 'green', Side> = {
      blue: { targetGroupArn: '', apps: [] },
      green: { targetGroupArn: '', apps: [] }
    }
    for (const [color, version] of [
      ['blue', 'v1'],
      ['green', 'v2']
    ] as const) {
      const group = await elbv2.send(
        new CreateTargetGroupCommand({
          Name: `${name}-${color}`,
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: sandbox.elb.model.loadBalancers.get(loadBalancerArn)!.vpcId,
          TargetType: targetType,
          HealthCheckPath: health.path,
          HealthCheckIntervalSeconds: health.intervalSeconds,
          HealthCheckTimeoutSeconds: health.timeoutSeconds,
          HealthyThresholdCount: health.healthyThreshold,
          UnhealthyThresholdCount: health.unhealthyThreshold,
          Matcher: { HttpCode: '200' }
        })
      )
      const arn = group.TargetGroups![0].TargetGroupArn!
      sides[color].targetGroupArn = arn
      if (options.deregistrationDelaySeconds !== undefined) {
        await elbv2.send(
          new ModifyTargetGroupAttributesCommand({
            TargetGroupArn: arn,
            Attributes: [
              {
                Key: 'deregistration_delay.timeout_seconds',
                Value: String(options.deregistrationDelaySeconds)
              }
            ]
          })
        )
      }
      const targets = []
      for (let i = 0; i < count; i += 1) {
        const app = await startApp({ version, healthPath: health.path })
        apps.push(app)
        sides[color].apps.push(app)
        if (targetType === 'ip') {
          targets.push({ Id: '127.0.0.1', Port: app.port })
        } else {
          const instanceId = `i-0${randomBytes(8).toString('hex')}`
          sandbox.elb.defineInstance(instanceId, app.port)
          targets.push({ Id: instanceId, Port: 8080 })
        }
      }
      await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: targets }))
    }
    const listener = await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: loadBalancerArn,
        Protocol: 'HTTP',
        Port: options.listenerPort ?? 80,
        DefaultActions: [
          forwardAction(sides.blue.targetGroupArn, sides.green.targetGroupArn, options)
        ]
      })
    )
    const listenerArn = listener.Listeners![0].ListenerArn!
    if (options.alarms?.length) {
      const cloudwatch = new CloudWatchClient(sandbox.clientConfig('cloudwatch'))
      try {
        for (const alarm of options.alarms) {
          await cloudwatch.send(
            new PutMetricAlarmCommand({
              AlarmName: alarm,
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'HTTPCode_Target_5XX_Count',
              Dimensions: [
                { Name: 'TargetGroup', Value: sides.green.targetGroupArn.split(':').pop() }
              ],
              Statistic: 'Sum',
              Period: 60,
              EvaluationPeriods: 1,
              Threshold: 1,
              ComparisonOperator: 'GreaterThanOrEqualToThreshold',
              TreatMissingData: 'notBreaching'
            })
          )
          sandbox.cloudwatch.setAlarmState(
            alarm,
            'OK',
            'Threshold Crossed: no datapoints were breaching'
          )
        }
      } finally {
        cloudwatch.destroy()
      }
    }
    if (options.waitForHealthy ?? true) {
      const waits: Promise<void>[] = []
      for (const side of [sides.blue, sides.green]) {
        const group = sandbox.elb.model.targetGroup(side.targetGroupArn)
        if (!sandbox.elb.model.isInUse(group.arn)) continue
        for (const target of group.targets.values()) {
          waits.push(
            sandbox.elb.waitForTargetState(
              group.arn,
              { id: target.id, port: target.port },
              'healthy',
              options.healthTimeoutMs ?? 15_000
            )
          )
        }
      }
      await Promise.all(waits)
    }
    const listenerUrl = sandbox.elb.listenerUrl(listenerArn)
    return {
      loadBalancerArn,
      listenerArn,
      listenerUrl,
      blue: sides.blue,
      green: sides.green,
      elbv2,
      async request(path = '/', headers = {}) {
        const response = await fetch(new URL(path, listenerUrl), { headers })
        const version = response.headers.get('x-version') ?? undefined
        await response.arrayBuffer()
        return { status: response.status, version, headers: response.headers }
      },
      async close() {
        elbv2.destroy()
        await Promise.all(apps.map((app) => app.close()))
      }
    }
  } catch (error) {
    elbv2.destroy()
    await Promise.all(apps.map((app) => app.close()))
    throw error
  }
}
