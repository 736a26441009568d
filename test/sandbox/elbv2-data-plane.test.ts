/**
 * The data plane: real HTTP through a listener's port to real app servers, split by the forward
 * weights (seeded RNG), pinned by the group-stickiness cookie, routed by rules, and failing the
 * way an ALB fails (503 with no target, fail-open when every target is unhealthy).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import {
  type Action,
  CreateRuleCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyTargetGroupAttributesCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import http from 'node:http'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import {
  type BlueGreenOptions,
  type BlueGreenScenario,
  createBlueGreen
} from '../../sandbox/scenario.js'
import { elbClient, until } from './sandbox-helpers.js'

let sandbox: Sandbox
let elb: ElasticLoadBalancingV2Client
let scenario: BlueGreenScenario | undefined
let count = 0

async function blueGreen(options: BlueGreenOptions = {}): Promise<BlueGreenScenario> {
  count += 1
  scenario = await createBlueGreen(sandbox, {
    name: `dp${count}`,
    healthCheck: { intervalSeconds: 5, timeoutSeconds: 2 },
    ...options
  })
  return scenario
}

function weights(
  s: BlueGreenScenario,
  blue: number,
  green: number,
  stickySeconds?: number
): ModifyListenerCommand {
  const action: Action = {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: s.blue.targetGroupArn, Weight: blue },
        { TargetGroupArn: s.green.targetGroupArn, Weight: green }
      ],
      TargetGroupStickinessConfig:
        stickySeconds === undefined
          ? { Enabled: false }
          : { Enabled: true, DurationSeconds: stickySeconds }
    }
  }
  return new ModifyListenerCommand({ ListenerArn: s.listenerArn, DefaultActions: [action] })
}

async function waitHealthy(s: BlueGreenScenario): Promise<void> {
  for (const side of [s.blue, s.green]) {
    for (const target of side.apps) {
      await sandbox.elb.waitForTargetState(
        side.targetGroupArn,
        { id: '127.0.0.1', port: target.port },
        'healthy',
        2000
      )
    }
  }
}

async function tally(s: BlueGreenScenario, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (let i = 0; i < n; i += 1) {
    const { status, version } = await s.request('/')
    const key = version ?? String(status)
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 0.01, seed: 42 })
  elb = elbClient(sandbox)
})

afterEach(async () => {
  await scenario?.close()
  scenario = undefined
})

afterAll(async () => {
  elb.destroy()
  await sandbox.close()
})

describe('weighted routing', () => {
  it('sends blue-only traffic to blue', async () => {
    const s = await blueGreen()
    expect(await tally(s, 20)).toEqual({ v1: 20 })
  })

  it('splits 900/100 within the binomial tolerance, and never sends to weight 0', async () => {
    const s = await blueGreen({ forward: { blue: 900, green: 100 } })
    const n = 400
    const p = 0.1
    const counts = await tally(s, n)
    const sd = Math.sqrt(n * p * (1 - p))
    // Four standard deviations: a correct split fails this about once in 16,000 seeds.
    expect(Math.abs((counts.v2 ?? 0) - n * p)).toBeLessThanOrEqual(4 * sd)
    expect((counts.v1 ?? 0) + (counts.v2 ?? 0)).toBe(n)
    await elb.send(weights(s, 0, 1))
    expect(await tally(s, 30)).toEqual({ v2: 30 })
  })

  it('uses an injected RNG for the weighted choice', async () => {
    const local = await startSandbox({ timeScale: 0.01, random: () => 0.95 })
    try {
      const s = await createBlueGreen(local, {
        name: 'rng',
        forward: { blue: 900, green: 100 },
        healthCheck: { intervalSeconds: 5, timeoutSeconds: 2 }
      })
      // 0.95 of the 1000 total weight lands past blue's 900: every request goes green.
      expect(await tally(s, 10)).toEqual({ v2: 10 })
      await s.close()
    } finally {
      await local.close()
    }
  })
})

describe('stickiness', () => {
  it('keeps a client on its group while the AWSALBTG cookie lives, whatever the weights', async () => {
    const s = await blueGreen({ forward: { blue: 1, green: 0 }, stickinessSeconds: 3600 })
    const first = await s.request('/')
    expect(first.version).toBe('v1')
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith('AWSALBTG='))
    expect(cookie).toMatch(/^AWSALBTG=[^;]+; Expires=.+; Path=\//)
    await elb.send(weights(s, 0, 1, 3600))
    const pair = cookie!.split(';')[0]
    for (let i = 0; i < 5; i += 1)
      expect((await s.request('/', { cookie: pair })).version).toBe('v1')
    expect((await s.request('/')).version).toBe('v2')
  })

  it('re-chooses by weight once the cookie has expired (duration × timeScale)', async () => {
    const s = await blueGreen({ forward: { blue: 1, green: 0 }, stickinessSeconds: 1 })
    const first = await s.request('/')
    const pair = first.headers
      .getSetCookie()
      .find((c) => c.startsWith('AWSALBTG='))!
      .split(';')[0]
    await elb.send(weights(s, 0, 1, 1))
    // 1 s × 0.01 = 10 ms: the cookie may still hold for the first request, but not for long.
    const switched = await until(
      async () => ((await s.request('/', { cookie: pair })).version === 'v2' ? true : undefined),
      1000,
      'the cookie to expire'
    )
    expect(switched).toBe(true)
  })

  it('sets no stickiness cookie when stickiness is off', async () => {
    const s = await blueGreen({ forward: { blue: 1, green: 1 } })
    expect((await s.request('/')).headers.getSetCookie()).toEqual([])
  })
  it("pins a client to one target with the group's lb_cookie stickiness (AWSALB)", async () => {
    const s = await blueGreen({ targetsPerColor: 2 })
    await elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: s.blue.targetGroupArn,
        Attributes: [{ Key: 'stickiness.enabled', Value: 'true' }]
      })
    )
    const first = await s.request('/')
    const pair = first.headers
      .getSetCookie()
      .find((c) => c.startsWith('AWSALB='))!
      .split(';')[0]
    const [a, b] = s.blue.apps
    const before = [a.requests, b.requests]
    for (let i = 0; i < 6; i += 1) await s.request('/', { cookie: pair })
    const grew = [a.requests - before[0], b.requests - before[1]].sort()
    expect(grew).toEqual([0, 6])
  })
})

describe('failures, as an ALB reports them', () => {
  it('answers 503 when the chosen group has no routable target yet', async () => {
    const s = await blueGreen({ forward: { blue: 1, green: 0 }, waitForHealthy: false })
    const response = await s.request('/')
    expect(response.status).toBe(503)
    expect(response.headers.get('server')).toBe('awselb/2.0')
  })

  it('fails open when every target of the group is unhealthy', async () => {
    const s = await blueGreen()
    const [blue] = s.blue.apps
    blue.setHealthy(false)
    await sandbox.elb.waitForTargetState(
      s.blue.targetGroupArn,
      { id: '127.0.0.1', port: blue.port },
      'unhealthy',
      2000
    )
    expect((await s.request('/')).version).toBe('v1')
  })

  it("passes a failing target's 500s through", async () => {
    const s = await blueGreen()
    s.blue.apps[0].setFailing(true)
    expect((await s.request('/')).status).toBe(500)
  })

  it('answers 502 when a target refuses the connection', async () => {
    const s = await blueGreen()
    await s.blue.apps[0].close()
    expect((await s.request('/')).status).toBe(502)
  })
})

describe('rules and other actions', () => {
  it('routes by path-pattern and host-header rules before the default action', async () => {
    const s = await blueGreen({ forward: { blue: 1, green: 0 } })
    await waitHealthy(s)
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: s.listenerArn,
        Priority: 5,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/beta/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: s.green.targetGroupArn }]
      })
    )
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: s.listenerArn,
        Priority: 6,
        Conditions: [{ Field: 'host-header', Values: ['*.green.example'] }],
        Actions: [
          {
            Type: 'fixed-response',
            FixedResponseConfig: {
              StatusCode: '418',
              ContentType: 'text/plain',
              MessageBody: 'teapot'
            }
          }
        ]
      })
    )
    expect((await s.request('/beta/x')).version).toBe('v2')
    expect((await s.request('/beta')).version).toBe('v1')
    // fetch() may not set Host, so this one goes through node:http.
    const fixed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get(
        new URL('/', s.listenerUrl),
        { headers: { host: 'api.green.example:80' } },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (body += chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        }
      )
      req.on('error', reject)
    })
    expect(fixed).toEqual({ status: 418, body: 'teapot' })
  })

  it('answers a redirect action with the templated Location', async () => {
    const s = await blueGreen()
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: s.listenerArn,
        Priority: 1,
        Conditions: [{ Field: 'path-pattern', Values: ['/old/*'] }],
        Actions: [
          {
            Type: 'redirect',
            RedirectConfig: { StatusCode: 'HTTP_301', Path: '/new/#{path}', Port: '8443' }
          }
        ]
      })
    )
    const response = await fetch(new URL('/old/page?q=1', s.listenerUrl), { redirect: 'manual' })
    expect(response.status).toBe(301)
    expect(response.headers.get('location')).toBe('http://127.0.0.1:8443/new/old/page?q=1')
  })

  it('routes to instance targets through the defineInstance mapping', async () => {
    const s = await blueGreen({ targetType: 'instance', forward: { blue: 0, green: 1 } })
    expect(await tally(s, 5)).toEqual({ v2: 5 })
  })
})
