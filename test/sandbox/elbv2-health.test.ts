/**
 * Real health checks and target states, at timeScale 0.01 (AWS's 10 s interval is 100 ms):
 * unused → initial → healthy, unhealthy by threshold with AWS's reason codes, draining for the
 * deregistration delay, and the states a group's use by listeners implies.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import {
  type Action,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  type TargetHealth
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type App, startApp } from '../../sandbox/app.js'
import { closeServer, listenLoopback } from '../../sandbox/http.js'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { elbClient } from './sandbox-helpers.js'

let sandbox: Sandbox
let elb: ElasticLoadBalancingV2Client
let lbArn: string
let nextPort = 8000
const apps: App[] = []

async function app(version = 'v1'): Promise<App> {
  const started = await startApp({ version })
  apps.push(started)
  return started
}

async function group(
  name: string,
  extra: Partial<ConstructorParameters<typeof CreateTargetGroupCommand>[0]> = {}
): Promise<string> {
  const out = await elb.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-1',
      TargetType: 'ip',
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      ...extra
    })
  )
  return out.TargetGroups![0].TargetGroupArn!
}

async function register(targetGroupArn: string, ...targets: App[]): Promise<void> {
  await elb.send(
    new RegisterTargetsCommand({
      TargetGroupArn: targetGroupArn,
      Targets: targets.map((t) => ({ Id: '127.0.0.1', Port: t.port }))
    })
  )
}

const forward = (...weights: [string, number][]): Action[] => [
  {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: weights.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight }))
    }
  }
]

async function listen(actions: Action[]): Promise<string> {
  const out = await elb.send(
    new CreateListenerCommand({ LoadBalancerArn: lbArn, Port: nextPort++, DefaultActions: actions })
  )
  return out.Listeners![0].ListenerArn!
}

async function healthOf(targetGroupArn: string, target: App): Promise<TargetHealth | undefined> {
  const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))
  return out.TargetHealthDescriptions!.find((d) => d.Target!.Port === target.port)?.TargetHealth
}

const at = (target: App) => ({ id: '127.0.0.1', port: target.port })

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 0.01 })
  elb = elbClient(sandbox)
  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: 'health-test' }))
  lbArn = lb.LoadBalancers![0].LoadBalancerArn!
})

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()))
})

afterAll(async () => {
  elb.destroy()
  await sandbox.close()
})

describe('target health', () => {
  it('is unused until a listener forwards to the group, then initial, then healthy after one check', async () => {
    const blue = await app()
    const tg = await group('first')
    await register(tg, blue)
    expect(await healthOf(tg, blue)).toEqual({
      State: 'unused',
      Reason: 'Target.NotInUse',
      Description: 'Target group is not configured to receive traffic from the load balancer'
    })
    await listen(forward([tg, 1]))
    expect(await healthOf(tg, blue)).toMatchObject({
      State: 'initial',
      Reason: 'Elb.RegistrationInProgress'
    })
    await sandbox.elb.waitForTargetState(tg, at(blue), 'healthy', 2000)
    expect(await healthOf(tg, blue)).toEqual({ State: 'healthy' })
    expect(blue.healthChecks).toBeGreaterThanOrEqual(1)
  })

  it('turns unhealthy after UnhealthyThresholdCount failures, naming the codes, and recovers by HealthyThresholdCount', async () => {
    const blue = await app()
    const tg = await group('flaky')
    await register(tg, blue)
    await listen(forward([tg, 1]))
    await sandbox.elb.waitForTargetState(tg, at(blue), 'healthy', 2000)
    blue.setHealthy(false)
    const checksBefore = blue.healthChecks
    await sandbox.elb.waitForTargetState(tg, at(blue), 'unhealthy', 2000)
    expect(blue.healthChecks - checksBefore).toBeGreaterThanOrEqual(2)
    expect(await healthOf(tg, blue)).toEqual({
      State: 'unhealthy',
      Reason: 'Target.ResponseCodeMismatch',
      Description: 'Health checks failed with these codes: [500]'
    })
    blue.setHealthy(true)
    const recovering = blue.healthChecks
    await sandbox.elb.waitForTargetState(tg, at(blue), 'healthy', 2000)
    expect(blue.healthChecks - recovering).toBeGreaterThanOrEqual(2)
  })

  it('reports a stopped target as Target.FailedHealthChecks and a silent one as Target.Timeout', async () => {
    const stopped = await app()
    await stopped.close()
    const silent = await listenLoopback(() => {
      // Never answers: the health check must time out.
    })
    try {
      const tg = await group('broken')
      await elb.send(
        new RegisterTargetsCommand({
          TargetGroupArn: tg,
          Targets: [
            { Id: '127.0.0.1', Port: stopped.port },
            { Id: '127.0.0.1', Port: silent.port }
          ]
        })
      )
      await listen(forward([tg, 1]))
      await sandbox.elb.waitForTargetState(tg, at(stopped), 'unhealthy', 2000)
      await sandbox.elb.waitForTargetState(
        tg,
        { id: '127.0.0.1', port: silent.port },
        'unhealthy',
        2000
      )
      const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))
      const reasons = Object.fromEntries(
        out.TargetHealthDescriptions!.map((d) => [d.Target!.Port, d.TargetHealth!.Reason])
      )
      expect(reasons).toEqual({
        [stopped.port]: 'Target.FailedHealthChecks',
        [silent.port]: 'Target.Timeout'
      })
    } finally {
      await closeServer(silent.server)
    }
  })

  it('checks a group at weight 0 (it is in use), and returns a group dropped from every forward to unused', async () => {
    const blue = await app()
    const green = await app('v2')
    const blueTg = await group('w-blue')
    const greenTg = await group('w-green')
    await register(blueTg, blue)
    await register(greenTg, green)
    const listenerArn = await listen(forward([blueTg, 1], [greenTg, 0]))
    await sandbox.elb.waitForTargetState(greenTg, at(green), 'healthy', 2000)
    await elb.send(
      new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: forward([blueTg, 1]) })
    )
    expect(await healthOf(greenTg, green)).toMatchObject({
      State: 'unused',
      Reason: 'Target.NotInUse'
    })
  })

  it('drains a deregistered target for the deregistration delay, sends it no new requests, then forgets it', async () => {
    const first = await app()
    const second = await app()
    const tg = await group('drain')
    await elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tg,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '20' }]
      })
    )
    await register(tg, first, second)
    const listenerArn = await listen(forward([tg, 1]))
    await sandbox.elb.waitForTargetState(tg, at(first), 'healthy', 2000)
    await sandbox.elb.waitForTargetState(tg, at(second), 'healthy', 2000)
    const started = Date.now()
    await elb.send(
      new DeregisterTargetsCommand({
        TargetGroupArn: tg,
        Targets: [{ Id: '127.0.0.1', Port: first.port }]
      })
    )
    expect(await healthOf(tg, first)).toEqual({
      State: 'draining',
      Reason: 'Target.DeregistrationInProgress',
      Description: 'Target deregistration is in progress'
    })
    const servedBefore = first.requests
    const url = sandbox.elb.listenerUrl(listenerArn)
    for (let i = 0; i < 10; i += 1) {
      const response = await fetch(url)
      expect(response.status).toBe(200)
      await response.arrayBuffer()
    }
    expect(first.requests).toBe(servedBefore)
    await sandbox.elb.waitForTargetState(tg, at(first), undefined, 2000)
    // 20 s × 0.01 = 200 ms, minus timer slack.
    expect(Date.now() - started).toBeGreaterThanOrEqual(180)
    expect(await healthOf(tg, first)).toBeUndefined()
    expect(await healthOf(tg, second)).toEqual({ State: 'healthy' })
  })

  it('brings a draining target back to initial when it is registered again', async () => {
    const blue = await app()
    const tg = await group('again')
    await register(tg, blue)
    await listen(forward([tg, 1]))
    await sandbox.elb.waitForTargetState(tg, at(blue), 'healthy', 2000)
    await elb.send(
      new DeregisterTargetsCommand({
        TargetGroupArn: tg,
        Targets: [{ Id: '127.0.0.1', Port: blue.port }]
      })
    )
    await register(tg, blue)
    expect((await healthOf(tg, blue))?.State).toBe('initial')
    await sandbox.elb.waitForTargetState(tg, at(blue), 'healthy', 2000)
  })

  it('removes a target of an unused group at once', async () => {
    const blue = await app()
    const tg = await group('idle')
    await register(tg, blue)
    await elb.send(
      new DeregisterTargetsCommand({
        TargetGroupArn: tg,
        Targets: [{ Id: '127.0.0.1', Port: blue.port }]
      })
    )
    expect(await healthOf(tg, blue)).toBeUndefined()
  })

  it('follows the matcher and the health-check switch', async () => {
    const blue = await app()
    const tg = await group('matcher', { Matcher: { HttpCode: '200-299' } })
    await register(tg, blue)
    await listen(forward([tg, 1]))
    await sandbox.elb.waitForTargetState(tg, at(blue), 'healthy', 2000)
    await elb.send(
      new ModifyTargetGroupCommand({ TargetGroupArn: tg, Matcher: { HttpCode: '202' } })
    )
    await sandbox.elb.waitForTargetState(tg, at(blue), 'unhealthy', 2000)
    expect((await healthOf(tg, blue))?.Description).toBe(
      'Health checks failed with these codes: [200]'
    )
    await elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg, HealthCheckEnabled: false }))
    expect(await healthOf(tg, blue)).toEqual({
      State: 'unavailable',
      Reason: 'Target.HealthCheckDisabled',
      Description: 'Health checks disabled'
    })
  })
})
