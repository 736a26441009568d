/**
 * Mode dns with blue and green as two load balancers behind weighted alias records, end to end:
 * the bundled action (dist/index.js, `npm run bundle`) runs as a process against the sandbox,
 * while clients resolve the name through the sandbox's DNS server (an alias answers its load
 * balancer's address) and call the load balancer that answered. traffic-split reads each load
 * balancer's RequestCount from the sandbox's CloudWatch and judges the split.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { DnsTraffic } from '../../sandbox/dns-traffic.js'
import { startSandbox, type Sandbox } from '../../sandbox/index.js'
import { ALB_HOSTED_ZONE_ID } from '../../sandbox/elbv2/render.js'
import { type BlueGreenScenario, createBlueGreen } from '../../sandbox/scenario.js'
import type { RunRecord } from '../../src/record.js'
import { runAction, tolerance } from './harness.js'

// An alias takes its load balancer's TTL, 60 s (real: the action waits it on the run's clock).
jest.setTimeout(180_000)

const TIME_SCALE = 0.05
const NAME = 'www.shop.example.'

let sandbox: Sandbox
let worlds: BlueGreenScenario[] = []

beforeEach(async () => {
  sandbox = await startSandbox({ timeScale: TIME_SCALE, route53PendingMs: 50 })
})

afterEach(async () => {
  await Promise.all(worlds.map((world) => world.close()))
  worlds = []
  await sandbox.close()
})

describe('mode dns between two load balancers on the sandbox', () => {
  it('shifts the aliases and judges the split from each load balancer’s RequestCount', async () => {
    // Blue's load balancer serves v1; green's forwards only to its green group (v2).
    const blue = await createBlueGreen(sandbox, { name: 'blue' })
    const green = await createBlueGreen(sandbox, { name: 'green', forward: { blue: 0, green: 1 } })
    worlds = [blue, green]
    const dnsName = (world: BlueGreenScenario) =>
      sandbox.elb.model.loadBalancers.get(world.loadBalancerArn)!.dnsName
    const zoneId = sandbox.route53.createHostedZone('shop.example').id
    sandbox.route53.changeRecords(zoneId, [
      {
        action: 'CREATE',
        record: {
          name: NAME,
          type: 'A',
          aliasTarget: {
            hostedZoneId: ALB_HOSTED_ZONE_ID,
            dnsName: `dualstack.${dnsName(blue)}.`,
            evaluateTargetHealth: false
          }
        }
      }
    ])
    // Paced so that the bound on requests outlasts the run (the TTL wait alone is 60 s).
    const clients = new DnsTraffic(
      sandbox.route53.dns.port,
      NAME,
      (address) => sandbox.elb.listenerUrlAt(address, 80),
      4,
      100_000,
      10
    )
    const result = await runAction(
      {
        mode: 'dns',
        'hosted-zone-id': zoneId,
        'record-name': 'www.shop.example',
        'green-alias-target': `dualstack.${dnsName(green)},${ALB_HOSTED_ZONE_ID}`,
        traffic: '50',
        steps: '50',
        'bake-time': '15s',
        'check-interval': '1s',
        'verify-timeout': '3m',
        'health-timeout': '30s',
        'metric-period': `${60 * TIME_SCALE}s`,
        'dns-resolvers': 'off'
      },
      sandbox.env()
    )
    const samples = await clients.stop()
    expect(samples.length).toBeLessThan(100_000)

    expect(result.outputs.status).toBe('succeeded')
    const report = JSON.parse(result.outputs.report) as RunRecord
    const [step] = report.steps
    expect(step.native).toBe('blue 127 / green 128 (Route 53 weights of 255)')
    // traffic-split judged the step (not merely "not judged yet") and found it as applied.
    const split = step.gates.filter((check) => check.gate === 'traffic-split')
    expect(split.map((check) => check.status)).not.toContain('fail')
    expect(split.some((check) => check.detail.startsWith('split as applied: blue'))).toBe(true)
    expect(split.at(-1)!.detail).toContain("RequestCount of each side's load balancer")

    // What clients saw: every request answered, and half of them by green's load balancer.
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])
    const baked = samples.filter((s) => s.at >= step.convergedAt! && s.at <= step.finishedAt!)
    const share = baked.filter((s) => s.version === 'v2').length / baked.length
    expect(baked.length).toBeGreaterThan(500)
    expect(Math.abs(share - 128 / 255)).toBeLessThanOrEqual(tolerance(128 / 255, baked.length))
    // Before the step, green's load balancer took nothing: adoption moved no traffic.
    expect(samples.filter((s) => s.at < step.startedAt && s.version === 'v2')).toEqual([])
  })
})
