/**
 * Mode dns cannot finish a rollback within a cancel's grace on real AWS: Route 53 takes up to a
 * minute to report a change INSYNC, and resolvers keep the old answer for a TTL. Here a change
 * stays PENDING 8 s: the cancelled main step hands over, and the post step waits for the very
 * change the main step sent (its id saved with the phase) to be INSYNC, plus one TTL.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { startSandbox, type Sandbox } from '../../sandbox/index.js'
import type { RecordSet } from '../../sandbox/route53/index.js'
import type { RunRecord } from '../../src/record.js'
import { POST_ACTION, startAction, stateEnv } from './harness.js'

jest.setTimeout(90_000)

const NAME = 'www.shop.example.'
const PENDING_MS = 8000

let sandbox: Sandbox
let zoneId: string

beforeEach(async () => {
  sandbox = await startSandbox({ timeScale: 0.05, route53PendingMs: PENDING_MS })
  zoneId = sandbox.route53.createHostedZone('shop.example').id
})

afterEach(async () => {
  await sandbox.close()
})

/** The lease's TXT strings beside the record, as field → value. */
function leaseFields(): Record<string, string> {
  const txt = sandbox.route53.zones
    .get(zoneId)!
    .records.find((record) => record.name === `_traffic-shift.${NAME}` && record.type === 'TXT')
  const fields: Record<string, string> = {}
  for (const value of txt?.values ?? []) {
    for (const [, text] of value.matchAll(/"([^"]*)"/g)) {
      const at = text.indexOf('=')
      fields[text.slice(0, at)] = text.slice(at + 1)
    }
  }
  return fields
}

function records(): RecordSet[] {
  return sandbox.route53.zones.get(zoneId)!.records.filter((record) => record.name === NAME)
}

describe('dns: the post step finishes a rollback still PENDING at the end of the grace', () => {
  it('SIGINT mid-bake: the main step writes the rollback, the post step sees it INSYNC', async () => {
    sandbox.route53.changeRecords(zoneId, [
      { action: 'CREATE', record: { name: NAME, type: 'A', ttl: 1, values: ['10.0.1.1'] } }
    ])
    const before = records()
    const inputs = {
      mode: 'dns',
      'hosted-zone-id': zoneId,
      'record-name': 'www.shop.example',
      'green-value': '10.0.2.2',
      'record-ttl': '1s',
      steps: '10,100',
      'bake-time': '60s',
      'check-interval': '500ms',
      'verify-timeout': '30s',
      'health-timeout': '20s',
      'dns-resolvers': `127.0.0.1:${sandbox.route53.dns.port}`,
      'rollback-timeout': '60s'
    }
    const action = startAction(inputs, sandbox.env())
    await action.waitForLog(/Baking at 10.2% green/, 40_000)
    action.process.kill('SIGINT')
    const main = await action.done
    const mainRecord = JSON.parse(main.outputs.report) as RunRecord
    expect(main.outputs.status).toBe('failed')
    expect(mainRecord.failure).toContain('The post step finishes it')
    // The rollback is written (the start's simple record is back) but not INSYNC yet.
    expect(records()).toEqual(before)
    const flight = JSON.parse(main.state['in-flight'])
    expect(flight.phase.expect.native.change.id).toEqual(expect.any(String))

    const postStarted = Date.now()
    const post = await startAction(
      inputs,
      { ...sandbox.env(), ...stateEnv(main.state) },
      POST_ACTION
    ).done
    const postMs = Date.now() - postStarted
    console.log(`dns, changes PENDING ${PENDING_MS} ms: the post step finished in ${postMs} ms`)
    expect(post.outputs.status).toBe('rolled-back')
    // It asked Route 53 about the main step's change until INSYNC, not just read the records.
    const asked = sandbox.faults.calls.filter(
      (call) => call.operation === 'GetChange' && call.at >= postStarted
    )
    expect(asked.length).toBeGreaterThan(0)
    expect(records()).toEqual(before)
    // The main step handed its lease over; the post step released it with its outcome.
    expect(leaseFields()['lease-holder']).toBeUndefined()
    expect(leaseFields()['last-outcome']).toBe('rolled-back')
  })

  it('SIGKILL mid-bake: the post step rolls back in one batch that carries the lease swap, then releases it', async () => {
    sandbox.route53.changeRecords(zoneId, [
      { action: 'CREATE', record: { name: NAME, type: 'A', ttl: 1, values: ['10.0.1.1'] } }
    ])
    const before = records()
    const inputs = {
      mode: 'dns',
      'hosted-zone-id': zoneId,
      'record-name': 'www.shop.example',
      'green-value': '10.0.2.2',
      'record-ttl': '1s',
      steps: '10,100',
      'bake-time': '60s',
      'check-interval': '500ms',
      'verify-timeout': '30s',
      'health-timeout': '20s',
      'dns-resolvers': `127.0.0.1:${sandbox.route53.dns.port}`,
      'rollback-timeout': '60s'
    }
    const action = startAction(inputs, sandbox.env())
    await action.waitForLog(/Baking at 10.2% green/, 40_000)
    action.process.kill('SIGKILL')
    const main = await action.done
    expect(leaseFields()['lease-id']).toBe(JSON.parse(main.state.run).lease.leaseId)

    const postStarted = Date.now()
    const post = await startAction(
      inputs,
      { ...sandbox.env(), ...stateEnv(main.state) },
      POST_ACTION
    ).done
    expect(post.outputs.status).toBe('rolled-back')
    expect(records()).toEqual(before)
    // The rollback batch renews the lease inside it (no separate renewal), then one release.
    const batches = sandbox.faults.calls.filter(
      (call) => call.operation === 'ChangeResourceRecordSets' && call.at >= postStarted
    )
    expect(batches).toHaveLength(2)
    expect(leaseFields()['lease-holder']).toBeUndefined()
    expect(leaseFields()['last-outcome']).toBe('rolled-back')
  })

  it('SIGKILL while a step converges (its change still PENDING): the post step restores the start', async () => {
    sandbox.route53.changeRecords(zoneId, [
      { action: 'CREATE', record: { name: NAME, type: 'A', ttl: 1, values: ['10.0.1.1'] } }
    ])
    const before = records()
    const inputs = {
      mode: 'dns',
      'hosted-zone-id': zoneId,
      'record-name': 'www.shop.example',
      'green-value': '10.0.2.2',
      'record-ttl': '1s',
      steps: '10,100',
      'bake-time': '1s',
      'check-interval': '500ms',
      'verify-timeout': '30s',
      'health-timeout': '20s',
      'dns-resolvers': `127.0.0.1:${sandbox.route53.dns.port}`,
      'rollback-timeout': '60s'
    }
    const action = startAction(inputs, sandbox.env())
    await action.waitForLog(/Step 2\/2/, 60_000)
    // The 100 % change stays PENDING for 8 s: the runner dies while the step converges.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    action.process.kill('SIGKILL')
    const main = await action.done
    expect(main.signal).toBe('SIGKILL')
    expect(JSON.parse(main.state['in-flight']).phase.expect.detail).toContain('green 255')

    const post = await startAction(
      inputs,
      { ...sandbox.env(), ...stateEnv(main.state) },
      POST_ACTION
    ).done
    expect(post.outputs.status).toBe('rolled-back')
    expect(records()).toEqual(before)
    expect(leaseFields()['lease-holder']).toBeUndefined()
  })
})
