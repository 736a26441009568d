/**
 * Figure 7: mode targets moving fleets of 4, 40 and 400 targets (half blue, half green) inside
 * one target group on the same schedule. Local app servers stand behind many instance ids each,
 * so 400 targets need no 400 servers.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type App, startApp, startSandbox } from '../sandbox/index.js'
import type { RunRecord } from '../src/record.js'
import { callsBetween, type CallCounts, countCalls, throttlingSurfaced } from './api-calls.js'
import { startMeasured } from './process.js'
import { applyAwsLimits, TIME_SCALE } from './world.js'

export const FLEETS = [4, 40, 400]
/** Half the fleet per step: the finest schedule 2 blue + 2 green targets can follow exactly. */
export const SCALE_STEPS = '50,100'
const SERVERS_PER_SIDE = 4

export interface ScaleRun {
  targets: number
  status: string
  wallMs: number
  /** Per step: the write until AWS showed the step (green healthy, blue deregistered). */
  convergeMs: number[]
  /** Per step: start to end, bake included. */
  stepMs: number[]
  calls: CallCounts
  surfaced: string[]
}

const instanceId = (side: string, n: number) => `i-0${side}${String(n).padStart(15, '0')}`

export async function scaleRun(targets: number, seed: number): Promise<ScaleRun> {
  const sandbox = await startSandbox({ timeScale: TIME_SCALE, seed })
  const elbv2 = new ElasticLoadBalancingV2Client(sandbox.clientConfig('elbv2'))
  const apps: App[] = []
  try {
    const blue = Array.from({ length: targets / 2 }, (_, i) => instanceId('b', i + 1))
    const green = Array.from({ length: targets / 2 }, (_, i) => instanceId('e', i + 1))
    const lb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'fleet' }))
    const group = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: 'fleet',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: lb.LoadBalancers![0].VpcId,
        TargetType: 'instance',
        HealthCheckPath: '/health',
        // Every 1 s with a 250 ms timeout at this time scale: 400 targets on 8 servers keep up.
        HealthCheckIntervalSeconds: 20,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2
      })
    )
    const groupArn = group.TargetGroups![0].TargetGroupArn!
    await elbv2.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: groupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '10' }]
      })
    )
    await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancers![0].LoadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: groupArn }]
      })
    )
    for (const [ids, version] of [
      [blue, 'v1'],
      [green, 'v2']
    ] as const) {
      const servers: App[] = []
      for (let i = 0; i < Math.min(SERVERS_PER_SIDE, ids.length); i += 1) {
        servers.push(await startApp({ version }))
      }
      apps.push(...servers)
      ids.forEach((id, i) => sandbox.elb.defineInstance(id, servers[i % servers.length].port))
    }
    await elbv2.send(
      new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: blue.map((Id) => ({ Id })) })
    )
    // One listener per waiting target: hundreds are expected here.
    sandbox.elb.health.setMaxListeners(0)
    await Promise.all(
      blue.map((id) => sandbox.elb.waitForTargetState(groupArn, id, 'healthy', 30_000))
    )
    applyAwsLimits(sandbox.faults)

    const inputs = {
      mode: 'targets',
      'target-group-arn': groupArn,
      'blue-targets': blue.join(','),
      'green-targets': green.join(','),
      steps: SCALE_STEPS,
      'bake-time': '1s',
      'check-interval': '1s',
      'health-timeout': '30s',
      'verify-timeout': '60s'
    }
    const { result, startedAt } = await startMeasured(inputs, sandbox.env()).done
    const record = JSON.parse(result.outputs.report ?? '{}') as RunRecord
    const steps = record.steps ?? []
    return {
      targets,
      status: result.outputs.status ?? `exit ${result.code}`,
      wallMs: result.elapsedMs,
      convergeMs: steps.map((step) => (step.convergedAt ?? NaN) - step.startedAt),
      stepMs: steps.map((step) => (step.finishedAt ?? NaN) - step.startedAt),
      calls: countCalls(
        callsBetween(sandbox.faults.calls, startedAt, startedAt + result.elapsedMs)
      ),
      surfaced: throttlingSurfaced(result.stdout)
    }
  } finally {
    elbv2.destroy()
    await Promise.all(apps.map((app) => app.close()))
    await sandbox.close()
  }
}
