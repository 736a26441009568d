/**
 * Mode dns end to end: the bundled action (dist/index.js, `npm run bundle`) runs as a process
 * against the sandbox's Route 53 API, while a client resolves the name through the sandbox's
 * real DNS server and watches the answer mix follow the weights the action writes.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { Resolving } from '../../sandbox/dns-client.js'
import { startSandbox, type Sandbox } from '../../sandbox/index.js'
import type { RecordSet } from '../../sandbox/route53/index.js'
import type { RunRecord } from '../../src/record.js'
import { runAction, startAction, tolerance } from './harness.js'

// Each run really waits: Route 53 PENDING, one 1 s TTL per step, and the bakes.
jest.setTimeout(60_000)

const NAME = 'www.shop.example.'
const BLUE_IP = '10.0.1.1'
const GREEN_IP = '10.0.2.2'

let sandbox: Sandbox
let zoneId: string

beforeEach(async () => {
  // Route 53 changes stay PENDING 50 ms: long enough that the action must poll GetChange.
  sandbox = await startSandbox({ timeScale: 0.05, route53PendingMs: 50 })
  zoneId = sandbox.route53.createHostedZone('shop.example').id
})

afterEach(async () => {
  await sandbox.close()
})

const simple = (ttl = 1): RecordSet => ({ name: NAME, type: 'A', ttl, values: [BLUE_IP] })

function records(): RecordSet[] {
  return sandbox.route53.zones.get(zoneId)!.records.filter((record) => record.name === NAME)
}

/** Inputs for a shift of www.shop.example from a simple record to green's address. */
function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    mode: 'dns',
    'hosted-zone-id': zoneId,
    'record-name': 'www.shop.example',
    'green-value': GREEN_IP,
    'record-ttl': '1s',
    steps: '10,50,100',
    'bake-time': '2s',
    'check-interval': '500ms',
    'verify-timeout': '30s',
    'health-timeout': '20s',
    'dns-resolvers': `127.0.0.1:${sandbox.route53.dns.port}`,
    ...extra
  }
}

describe('mode dns on the sandbox', () => {
  it('adopts a simple record and shifts through the steps while resolvers follow the weights', async () => {
    sandbox.route53.changeRecords(zoneId, [{ action: 'CREATE', record: simple() }])
    // A client resolving the name through the sandbox's DNS server, one query after another.
    const client = new Resolving(sandbox.route53.dns.port, NAME)
    const result = await runAction(inputs(), sandbox.env())
    const answers = await client.stop()

    expect(result.outputs.status).toBe('succeeded')
    expect(result.code).toBe(0)
    expect(result.outputs.traffic).toBe('100')
    expect(records()).toEqual([
      { name: NAME, type: 'A', setIdentifier: 'blue', weight: 0, ttl: 1, values: [BLUE_IP] },
      { name: NAME, type: 'A', setIdentifier: 'green', weight: 255, ttl: 1, values: [GREEN_IP] }
    ])
    expect(result.stdout).toContain(
      'adopt the simple record www.shop.example (10.0.1.1) as weighted blue 255 / green 0 (10.0.2.2)'
    )

    // During each bake (after INSYNC and one TTL) the answers follow the weights.
    const report = JSON.parse(result.outputs.report) as RunRecord
    expect(report.steps.map((step) => step.native)).toEqual([
      'blue 229 / green 26 (Route 53 weights of 255)',
      'blue 127 / green 128 (Route 53 weights of 255)',
      'blue 0 / green 255 (Route 53 weights of 255)'
    ])
    const expected = [26 / 255, 128 / 255, 1]
    for (const [index, step] of report.steps.entries()) {
      const seen = client.share(GREEN_IP, step.convergedAt!, step.finishedAt!)
      expect(seen.count).toBeGreaterThan(100)
      const slack = tolerance(expected[index], seen.count) + 0.01
      expect(Math.abs(seen.share - expected[index])).toBeLessThanOrEqual(slack)
      // Every step waited one TTL (1 s) after the change before baking.
      expect(step.convergedAt! - step.startedAt).toBeGreaterThanOrEqual(1000)
    }
    // Before the first step, green never answered: adoption moved no traffic.
    const beforeShift = client.share(GREEN_IP, 0, report.steps[0].startedAt)
    expect(beforeShift.count).toBeGreaterThan(0)
    expect(beforeShift.share).toBe(0)
    // Every query was answered, with blue's or green's address, all along.
    expect(answers.filter((answer) => ![BLUE_IP, GREEN_IP].includes(answer.value))).toEqual([])
    expect(result.summary).toContain('blue 229 / green 26')
    // The dns-answer gate ran against the sandbox's name server.
    expect(report.steps[0].gates).toEqual([
      expect.objectContaining({ gate: 'dns-answer', status: 'pass' })
    ])
  })

  it('stops without overwriting a concurrent edit of the records', async () => {
    sandbox.route53.changeRecords(zoneId, [
      {
        action: 'CREATE',
        record: {
          name: NAME,
          type: 'A',
          setIdentifier: 'blue',
          weight: 255,
          ttl: 1,
          values: [BLUE_IP]
        }
      },
      {
        action: 'CREATE',
        record: {
          name: NAME,
          type: 'A',
          setIdentifier: 'green',
          weight: 0,
          ttl: 1,
          values: [GREEN_IP]
        }
      }
    ])
    const action = startAction(inputs({ 'bake-time': '3s' }), sandbox.env())
    await action.waitForLog(/AWS reports blue 229 \/ green 26/)
    // Someone pins green at 40 by hand while the first step bakes.
    const green26 = records().find((record) => record.setIdentifier === 'green')!
    sandbox.route53.changeRecords(zoneId, [
      { action: 'DELETE', record: green26 },
      { action: 'CREATE', record: { ...green26, weight: 40 } }
    ])
    // Changes to the records (the run's lease TXT beside them is released at the end).
    const recordChanges = () =>
      sandbox.route53.changes.filter((change) =>
        change.changes.some(({ record }) => record.name === NAME)
      ).length
    const changesAfterEdit = recordChanges()
    const result = await action.done

    expect(result.outputs.status).toBe('failed')
    expect(result.code).not.toBe(0)
    expect(result.stdout).toContain(
      'The traffic split was changed outside this run: expected blue 229 / green 26 (Route 53 weights of 255), ' +
        'found blue 229 / green 40 (Route 53 weights of 255). Stopping without overwriting it.'
    )
    // No rollback and no further step: their edit stands.
    expect(recordChanges()).toBe(changesAfterEdit)
    expect(records().map((record) => [record.setIdentifier, record.weight])).toEqual([
      ['blue', 229],
      ['green', 40]
    ])
  })

  it('rolls back when a Route 53 health check turns unhealthy, collapsing to the simple record', async () => {
    sandbox.route53.changeRecords(zoneId, [{ action: 'CREATE', record: simple() }])
    const check = sandbox.route53.createHealthCheck({ type: 'HTTP', ipAddress: GREEN_IP, port: 80 })
    const action = startAction(
      inputs({
        'bake-time': '4s',
        'route53-health-checks': check.id,
        'collapse-on-rollback': 'true'
      }),
      sandbox.env()
    )
    await action.waitForLog(/AWS reports blue 229 \/ green 26/)
    sandbox.route53.setHealthCheckStatus(check.id, false)
    const result = await action.done

    expect(result.outputs.status).toBe('rolled-back')
    expect(result.outputs.traffic).toBe('0')
    expect(result.stdout).toMatch(
      new RegExp(`Gate route53-health-check failed: ${check.id}: 0/\\d+ checkers report Success`)
    )
    // Undoing adoption: blue is a simple record again, green's record is gone.
    expect(records()).toEqual([simple()])
    const report = JSON.parse(result.outputs.report) as RunRecord
    expect(report.events.map((event) => event.kind)).toContain('rollback')
    expect(report.steps).toHaveLength(1)
  })
})
