/**
 * The lease end to end: the bundled action (dist/index.js) as several processes against the
 * sandbox, with client traffic through the listener (weighted) or DNS queries (dns).
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  AddTagsCommand,
  DescribeListenersCommand,
  DescribeTagsCommand,
  ModifyListenerCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { Resolving } from '../../sandbox/dns-client.js'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { type BlueGreenScenario, createBlueGreen } from '../../sandbox/scenario.js'
import type { RunRecord } from '../../src/record.js'
import { runAction, startAction, Traffic } from './harness.js'

jest.setTimeout(60_000)

const run = (id: number) => `https://github.com/octo/shop/actions/runs/${id}/attempts/1`
const asRun = (id: number) => ({ GITHUB_RUN_ID: String(id), GITHUB_RUN_ATTEMPT: '1' })
const report = (outputs: Record<string, string>) => JSON.parse(outputs.report) as RunRecord
const kinds = (record: RunRecord) => record.events.map((event) => event.kind)

let sandbox: Sandbox

afterEach(async () => {
  await sandbox.close()
})

describe('the lease on a listener (weighted-target-groups)', () => {
  let scenario: BlueGreenScenario
  let traffic: Traffic | undefined

  beforeEach(async () => {
    sandbox = await startSandbox({ timeScale: 0.05, seed: 11 })
    scenario = await createBlueGreen(sandbox, {
      forward: 'blue',
      targetsPerColor: 2,
      deregistrationDelaySeconds: 10
    })
    traffic = new Traffic(scenario.listenerUrl)
  })

  afterEach(async () => {
    await traffic?.stop()
    await scenario.close()
  })

  function inputs(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      mode: 'weighted-target-groups',
      'listener-arn': scenario.listenerArn,
      'blue-target-group': scenario.blue.targetGroupArn,
      'green-target-group': scenario.green.targetGroupArn,
      steps: '10,50,100',
      'bake-time': '1s',
      'check-interval': '200ms',
      'health-timeout': '10s',
      'verify-timeout': '10s',
      ...overrides
    }
  }

  async function tags(): Promise<Record<string, string>> {
    const out = await scenario.elbv2.send(
      new DescribeTagsCommand({ ResourceArns: [scenario.listenerArn] })
    )
    const found: Record<string, string> = {}
    for (const tag of out.TagDescriptions?.[0]?.Tags ?? []) found[tag.Key!] = tag.Value ?? ''
    return found
  }

  async function weights(): Promise<number[]> {
    const out = await scenario.elbv2.send(
      new DescribeListenersCommand({ ListenerArns: [scenario.listenerArn] })
    )
    const groups = out.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? []
    return groups.map((group) => group.Weight ?? 1)
  }

  /** Another run's lease, written as that run would have written it. */
  async function leaseOf(id: number, expiresAt: number): Promise<void> {
    const tag = (key: string, Value: string) => ({ Key: `traffic-shift:${key}`, Value })
    await scenario.elbv2.send(
      new AddTagsCommand({
        ResourceArns: [scenario.listenerArn],
        Tags: [
          tag('lease-holder', run(id)),
          tag('lease-id', `lease-of-${id}`),
          tag('lease-started', new Date(expiresAt - 3_600_000).toISOString()),
          tag('lease-expires', new Date(expiresAt).toISOString())
        ]
      })
    )
  }

  it('refuses a second run before any write, naming the first, which finishes untouched', async () => {
    const first = startAction(inputs({ 'bake-time': '3s' }), { ...sandbox.env(), ...asRun(41) })
    await first.waitForLog(/AWS reports blue 900 \/ green 100/, 20_000)
    expect((await tags())['traffic-shift:lease-holder']).toBe(run(41))

    const second = await runAction(inputs({ traffic: '0' }), { ...sandbox.env(), ...asRun(43) })
    expect(second.code).toBe(1)
    expect(second.outputs.status).toBe('failed')
    expect(second.outputs['run-url']).toBe(run(43))
    const refused = report(second.outputs)
    expect(refused.failure).toContain(
      `holds the lease on ${scenario.listenerArn}: ${run(41)}, until`
    )
    expect(kinds(refused)).not.toContain('shift')
    expect(refused.steps).toEqual([])

    const done = await first.done
    expect(done.outputs.status).toBe('succeeded')
    expect(report(done.outputs).steps.map((step) => step.toPercent)).toEqual([10, 50, 100])
    expect(await weights()).toEqual([0, 999])
    const samples = await traffic!.stop()
    traffic = undefined
    expect(samples.length).toBeGreaterThan(100)
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([])
    // Released: who moved it last stays, the lease goes.
    const left = await tags()
    expect(left['traffic-shift:last-moved-by']).toBe(run(41))
    expect(left['traffic-shift:last-outcome']).toBe('succeeded')
    expect(left['traffic-shift:lease-holder']).toBeUndefined()
  })

  it('takes over an expired lease with a warning and shifts from the live state', async () => {
    // What a run killed after its first step leaves: 10 % on green, and its lease.
    await scenario.elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: scenario.listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: scenario.blue.targetGroupArn, Weight: 900 },
                { TargetGroupArn: scenario.green.targetGroupArn, Weight: 100 }
              ]
            }
          }
        ]
      })
    )
    await leaseOf(40, Date.now() - 60_000)
    const result = await runAction(inputs({ traffic: '50' }), { ...sandbox.env(), ...asRun(44) })
    expect(result.outputs.status).toBe('succeeded')
    const record = report(result.outputs)
    expect(record.startPercent).toBe(10)
    expect(record.steps.map((step) => [step.fromPercent, step.toPercent])).toEqual([[10, 50]])
    expect(result.stdout).toMatch(
      new RegExp(`::warning::Taking over the lease on .* of ${run(40)}, which expired at`)
    )
    expect(await weights()).toEqual([500, 500])
    expect((await tags())['traffic-shift:last-moved-by']).toBe(run(44))
  })

  it('refuses a live lease, and breaks it with break-lease: true', async () => {
    await leaseOf(40, Date.now() + 3_600_000)
    const dry = await runAction(inputs({ 'dry-run': 'true' }), { ...sandbox.env(), ...asRun(45) })
    expect(dry.outputs.status).toBe('planned')
    expect(dry.stdout).toContain(`::warning::A run now would refuse: Another run holds the lease`)
    const refused = await runAction(inputs(), { ...sandbox.env(), ...asRun(45) })
    expect(refused.outputs.status).toBe('failed')
    expect(report(refused.outputs).failure).toContain(run(40))
    expect(await weights()).toEqual([1])

    const broken = await runAction(inputs({ 'break-lease': 'true' }), {
      ...sandbox.env(),
      ...asRun(46)
    })
    expect(broken.outputs.status).toBe('succeeded')
    expect(broken.stdout).toContain(`::warning::break-lease: true breaks the live lease`)
    expect(await weights()).toEqual([0, 999])
    expect((await tags())['traffic-shift:last-moved-by']).toBe(run(46))
  })

  it('stops the run whose lease was broken at its next write, without writing', async () => {
    const first = startAction(inputs({ 'bake-time': '3s' }), { ...sandbox.env(), ...asRun(41) })
    await first.waitForLog(/AWS reports blue 900 \/ green 100/, 20_000)
    // An operator's run breaks the lease mid-bake (its own writes come after).
    await leaseOf(47, Date.now() + 3_600_000)
    const done = await first.done
    expect(done.code).toBe(1)
    const record = report(done.outputs)
    expect(record.failure).toContain(`lost its lease on ${scenario.listenerArn} to ${run(47)}`)
    expect(kinds(record)).not.toContain('rollback')
    expect(kinds(record).filter((kind) => kind === 'shift')).toHaveLength(1)
    // Nothing written after the lease was lost: still at the first step, and still its lease.
    expect(await weights()).toEqual([900, 100])
    expect((await tags())['traffic-shift:lease-holder']).toBe(run(47))
  })
})

describe('the lease on a record (dns)', () => {
  const NAME = 'www.shop.example.'
  const LEASE = '_traffic-shift.www.shop.example.'
  let zoneId: string

  beforeEach(async () => {
    sandbox = await startSandbox({ timeScale: 0.05, route53PendingMs: 50 })
    zoneId = sandbox.route53.createHostedZone('shop.example').id
    sandbox.route53.changeRecords(zoneId, [
      { action: 'CREATE', record: { name: NAME, type: 'A', ttl: 1, values: ['10.0.1.1'] } }
    ])
  })

  const inputs = (extra: Record<string, string> = {}) => ({
    mode: 'dns',
    'hosted-zone-id': zoneId,
    'record-name': 'www.shop.example',
    'green-value': '10.0.2.2',
    'record-ttl': '1s',
    steps: '50,100',
    'bake-time': '2s',
    'check-interval': '500ms',
    'verify-timeout': '30s',
    'health-timeout': '20s',
    'dns-resolvers': `127.0.0.1:${sandbox.route53.dns.port}`,
    ...extra
  })

  const leaseRecord = () =>
    sandbox.route53.zones.get(zoneId)!.records.find((record) => record.name === LEASE)
  const weightsNow = () =>
    sandbox.route53.zones
      .get(zoneId)!
      .records.filter((record) => record.name === NAME)
      .map((record) => record.weight)

  it('holds a TXT beside the record, refuses a second run naming the first, then leaves last-moved-by', async () => {
    const client = new Resolving(sandbox.route53.dns.port, NAME)
    const first = startAction(inputs(), { ...sandbox.env(), ...asRun(51) })
    await first.waitForLog(/Holding the lease on _traffic-shift\.www\.shop\.example TXT/, 20_000)
    expect(leaseRecord()?.values?.join(' ')).toContain(`"lease-holder=${run(51)}"`)

    const second = await runAction(inputs({ traffic: '0' }), { ...sandbox.env(), ...asRun(52) })
    expect(second.outputs.status).toBe('failed')
    expect(report(second.outputs).failure).toContain(
      `holds the lease on _traffic-shift.www.shop.example TXT in hosted zone ${zoneId}: ${run(51)}, until`
    )
    expect(kinds(report(second.outputs))).not.toContain('shift')

    const done = await first.done
    const answers = await client.stop()
    expect(done.outputs.status).toBe('succeeded')
    expect(weightsNow()).toEqual([0, 255])
    expect(answers.length).toBeGreaterThan(50)
    const lease = leaseRecord()!.values!.join(' ')
    expect(lease).toContain(`"last-moved-by=${run(51)}"`)
    expect(lease).toContain('"last-outcome=succeeded"')
    expect(lease).not.toContain('lease-holder=')
  })

  it('stops the run whose TXT lease was broken at its next step, without writing', async () => {
    const first = startAction(inputs({ 'bake-time': '3s' }), { ...sandbox.env(), ...asRun(56) })
    await first.waitForLog(/AWS reports blue 127 \/ green 128/, 20_000)
    const held = leaseRecord()!
    const theirs = `"lease-holder=${run(57)}" "lease-id=y" "lease-expires=${new Date(Date.now() + 3_600_000).toISOString()}"`
    sandbox.route53.changeRecords(zoneId, [
      { action: 'DELETE', record: held },
      { action: 'CREATE', record: { ...held, values: [theirs] } }
    ])
    const done = await first.done
    expect(done.outputs.status).toBe('failed')
    const record = report(done.outputs)
    expect(record.failure).toContain(
      `lost its lease on _traffic-shift.www.shop.example TXT in hosted zone ${zoneId} to ${run(57)}`
    )
    expect(kinds(record)).not.toContain('rollback')
    expect(weightsNow()).toEqual([127, 128])
    expect(leaseRecord()!.values).toEqual([theirs])
  })

  it('takes over an expired TXT lease with a warning, and breaks a live one on purpose', async () => {
    const txt = (id: number, expiresAt: number) =>
      `"lease-holder=${run(id)}" "lease-id=x" "lease-expires=${new Date(expiresAt).toISOString()}"`
    sandbox.route53.changeRecords(zoneId, [
      {
        action: 'CREATE',
        record: { name: LEASE, type: 'TXT', ttl: 60, values: [txt(50, Date.now() - 1000)] }
      }
    ])
    const takeover = await runAction(inputs({ traffic: '50' }), { ...sandbox.env(), ...asRun(53) })
    expect(takeover.outputs.status).toBe('succeeded')
    expect(takeover.stdout).toContain(`of ${run(50)}, which expired at`)

    const live = leaseRecord()!
    sandbox.route53.changeRecords(zoneId, [
      { action: 'DELETE', record: live },
      { action: 'CREATE', record: { ...live, values: [txt(54, Date.now() + 3_600_000)] } }
    ])
    const refused = await runAction(inputs({ traffic: '0' }), { ...sandbox.env(), ...asRun(55) })
    expect(refused.outputs.status).toBe('failed')
    expect(weightsNow()).toEqual([127, 128])
    const broken = await runAction(inputs({ traffic: '0', 'break-lease': 'true' }), {
      ...sandbox.env(),
      ...asRun(55)
    })
    expect(broken.outputs.status).toBe('succeeded')
    expect(weightsNow()).toEqual([255, 0])
    expect(leaseRecord()!.values!.join(' ')).toContain(`"last-moved-by=${run(55)}"`)
  })
})
