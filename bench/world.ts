/**
 * The worlds the benchmarks run in: a fresh sandbox per run (a shift changes it), with AWS's
 * documented request-rate limits switched on, so any burst the action makes is throttled as it
 * would be in a real account.
 */
import { type App, type Faults, type Sandbox, startApp, startSandbox } from '../sandbox/index.js'
import { type BlueGreenScenario, createBlueGreen } from '../sandbox/scenario.js'

/** Health checks every 250 ms (5 s × 0.05), as in the e2e tests. */
export const TIME_SCALE = 0.05
export const ALARM = 'shop-green-5xx'

/** The limits of aws-and-github-facts.md, per account and region, as token buckets. */
export const AWS_LIMITS = {
  elbv2Describe: { burst: 40, perSecond: 10 },
  route53: { burst: 50, perSecond: 10 },
  route53HealthCheckStatus: { burst: 4, perSecond: 1 }
} as const

export function applyAwsLimits(faults: Faults): void {
  faults.limitRate({
    service: 'elbv2',
    operations: (operation) => operation.startsWith('Describe'),
    ...AWS_LIMITS.elbv2Describe
  })
  faults.limitRate({
    service: 'route53',
    operations: (operation) => operation !== 'GetHealthCheckStatus',
    ...AWS_LIMITS.route53
  })
  faults.limitRate({
    service: 'route53',
    operations: (operation) => operation === 'GetHealthCheckStatus',
    ...AWS_LIMITS.route53HealthCheckStatus
  })
}

/** Blue and green behind an ALB listener (forwarding to blue), with something for every gate. */
export interface AlbWorld {
  sandbox: Sandbox
  scenario: BlueGreenScenario
  /** Green's public health endpoint for http-probe: not a target, so only the probe sees it fail. */
  probeApp: App
  healthCheckId: string
  /** Calls made while building the world, which the figures leave out. */
  setupCalls: number
  close(): Promise<void>
}

export async function albWorld(seed: number): Promise<AlbWorld> {
  const sandbox = await startSandbox({ timeScale: TIME_SCALE, seed })
  const apps: App[] = []
  try {
    const scenario = await createBlueGreen(sandbox, {
      forward: 'blue',
      targetsPerColor: 2,
      alarms: [ALARM],
      deregistrationDelaySeconds: 10
    })
    const probeApp = await startApp({ version: 'v2' })
    apps.push(probeApp)
    const check = sandbox.route53.createHealthCheck({
      type: 'HTTP',
      ipAddress: '127.0.0.1',
      port: probeApp.port
    })
    applyAwsLimits(sandbox.faults)
    return {
      sandbox,
      scenario,
      probeApp,
      healthCheckId: check.id,
      setupCalls: sandbox.faults.calls.length,
      async close() {
        await scenario.close()
        await Promise.all(apps.map((app) => app.close()))
        await sandbox.close()
      }
    }
  } catch (error) {
    await Promise.all(apps.map((app) => app.close()))
    await sandbox.close()
    throw error
  }
}

/** The action's inputs for a weighted-target-groups shift in this world. */
export function shiftInputs(
  world: AlbWorld,
  overrides: Record<string, string> = {}
): Record<string, string> {
  return {
    mode: 'weighted-target-groups',
    'listener-arn': world.scenario.listenerArn,
    'blue-target-group': world.scenario.blue.targetGroupArn,
    'green-target-group': world.scenario.green.targetGroupArn,
    'health-timeout': '10s',
    'verify-timeout': '10s',
    ...overrides
  }
}

/** The gates an ALB shift usually has (target health, an alarm, a probe), each polled every 1 s. */
export function albGates(world: AlbWorld): Record<string, string> {
  return {
    'check-interval': '1s',
    alarms: ALARM,
    'probe-urls': `${world.probeApp.url}/`,
    'probe-interval': '1s'
  }
}
