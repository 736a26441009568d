/**
 * Ready worlds, built through the real SDK the way a person would build them in AWS. Blue/green
 * behind an ALB: a load balancer, a blue and a green target group with app servers registered,
 * and a listener forwarding to blue only (green unused) or by weights. One target group (the
 * `targets` mode): blue's instances registered, green's running beside them. The demo and the
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
        const app = await startApp({
          version,
          healthPath: health.path,
          seed: sandbox.seed,
          index: i
        })
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

export interface TargetGroupOptions {
  /** Prefix of every resource name (default 'shop'). */
  name?: string
  /** How many blue (v1) and green (v2) instance targets. */
  blue: number
  green: number
  /** App servers per colour (default one per target); targets beyond it share them round robin. */
  appsPerColor?: number
  healthCheck?: HealthCheckOptions
  /** The group's deregistration_delay.timeout_seconds (default 10). */
  deregistrationDelaySeconds?: number
  /** Register blue's targets (default true); false leaves it to the caller, e.g. to Auto Scaling. */
  registerBlue?: boolean
  /** Longest wait for blue to be healthy, real ms (default 15 s). */
  healthTimeoutMs?: number
}

export interface TargetGroupSide {
  /** Instance ids in order: i-0b000000000000001… for blue, i-0e000000000000001… for green. */
  ids: string[]
  apps: App[]
}

/** One instance target group behind a listener, for the `targets` mode. */
export interface TargetGroupScenario {
  targetGroupArn: string
  listenerArn: string
  /** The listener's real address on 127.0.0.1. */
  listenerUrl: string
  /** Registered and healthy (unless `registerBlue: false`). */
  blue: TargetGroupSide
  /** Instances up and defined in the ELB sandbox, not registered. */
  green: TargetGroupSide
  /** The ELBv2 client the scenario was built with (pointed at the sandbox). */
  elbv2: ElasticLoadBalancingV2Client
  /** Closes the apps and the client (the sandbox stays up). */
  close(): Promise<void>
}

/** An instance id per colour and number, the same on every run: blue i-0b…01, green i-0e…01. */
export function instanceId(color: 'blue' | 'green', n: number): string {
  return `i-0${color === 'blue' ? 'b' : 'e'}${String(n).padStart(15, '0')}`
}

/**
 * The `targets` mode's world: a load balancer whose listener forwards to one instance target
 * group, blue's instances registered in it and healthy, green's instances running (each an app
 * server defined in the ELB sandbox) but not registered.
 */
export async function createTargetGroupShift(
  sandbox: Sandbox,
  options: TargetGroupOptions
): Promise<TargetGroupScenario> {
  const name = options.name ?? 'shop'
  const health = { ...DEFAULT_HEALTH, ...options.healthCheck }
  const elbv2 = new ElasticLoadBalancingV2Client(sandbox.clientConfig('elbv2'))
  const apps: App[] = []
  const close = async (): Promise<void> => {
    elbv2.destroy()
    await Promise.all(apps.map((app) => app.close()))
  }
  try {
    const lb = await elbv2.send(
      new CreateLoadBalancerCommand({ Name: `${name}-alb`, Type: 'application' })
    )
    const group = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: lb.LoadBalancers![0].VpcId,
        TargetType: 'instance',
        HealthCheckPath: health.path,
        HealthCheckIntervalSeconds: health.intervalSeconds,
        HealthCheckTimeoutSeconds: health.timeoutSeconds,
        HealthyThresholdCount: health.healthyThreshold,
        UnhealthyThresholdCount: health.unhealthyThreshold
      })
    )
    const targetGroupArn = group.TargetGroups![0].TargetGroupArn!
    await elbv2.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: targetGroupArn,
        Attributes: [
          {
            Key: 'deregistration_delay.timeout_seconds',
            Value: String(options.deregistrationDelaySeconds ?? 10)
          }
        ]
      })
    )
    const listener = await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancers![0].LoadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }]
      })
    )
    const listenerArn = listener.Listeners![0].ListenerArn!
    const side = async (color: 'blue' | 'green', version: string): Promise<TargetGroupSide> => {
      const built: TargetGroupSide = { ids: [], apps: [] }
      for (let n = 1; n <= options[color]; n += 1) {
        if (n <= (options.appsPerColor ?? Infinity)) {
          built.apps.push(
            await startApp({ version, healthPath: health.path, seed: sandbox.seed, index: n - 1 })
          )
          apps.push(built.apps.at(-1)!)
        }
        const id = instanceId(color, n)
        sandbox.elb.defineInstance(id, built.apps[(n - 1) % built.apps.length].port)
        built.ids.push(id)
      }
      return built
    }
    const blue = await side('blue', 'v1')
    const green = await side('green', 'v2')
    if (options.registerBlue ?? true) {
      await elbv2.send(
        new RegisterTargetsCommand({
          TargetGroupArn: targetGroupArn,
          Targets: blue.ids.map((Id) => ({ Id }))
        })
      )
      await Promise.all(
        blue.ids.map((id) =>
          sandbox.elb.waitForTargetState(
            targetGroupArn,
            id,
            'healthy',
            options.healthTimeoutMs ?? 15_000
          )
        )
      )
    }
    return {
      targetGroupArn,
      listenerArn,
      listenerUrl: sandbox.elb.listenerUrl(listenerArn),
      blue,
      green,
      elbv2,
      close
    }
  } catch (error) {
    await close()
    throw error
  }
}
