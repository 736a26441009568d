import { describe, expect, it } from '@jest/globals'
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  Route53Client,
  ThrottlingException
} from '@aws-sdk/client-route-53'
import { createClients } from '../../src/aws/clients.js'
import { dns, DnsBackend } from '../../src/backends/dns.js'
import { MemoryLogger } from '../../src/logger.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { batches, blue, drive, green, NAME, route53, SETTINGS, setup, simple } from './dns-zone.js'

/** Inspects, then plans from the live state to `percent`, as the runner's first step does. */
async function firstPlan(setUp: ReturnType<typeof setup>, percent: number) {
  const { state } = await setUp.backend.inspect()
  return setUp.backend.plan(state, setUp.backend.quantize(Split.ofPercent(percent), state))
}

describe('DnsBackend: read', () => {
  it('reads the split, the exact records as native state, and a fingerprint of them', async () => {
    const { backend, zone } = setup([{ Name: NAME, Type: 'AAAA', TTL: 60 }, green(26), blue(229)])
    const seen = await backend.read()
    expect(seen.split.percent).toBe(10.2)
    expect(seen.detail).toBe('blue 229 / green 26 (Route 53 weights of 255)')
    expect(seen.native).toEqual({ records: [blue(229), green(26)] })
    expect(JSON.parse(JSON.stringify(seen.native))).toEqual(seen.native)
    zone.records[1] = { ...green(26), TTL: 300 }
    expect((await backend.read()).fingerprint).not.toBe(seen.fingerprint)
  })

  it('reads every page of records at the name, and stops at the next name', async () => {
    const { backend } = setup([])
    route53.on(ListResourceRecordSetsCommand).callsFake((input) =>
      input.StartRecordIdentifier === undefined
        ? {
            ResourceRecordSets: [{ Name: NAME, Type: 'AAAA', TTL: 60 }, blue(229)],
            IsTruncated: true,
            NextRecordName: NAME,
            NextRecordType: 'A',
            NextRecordIdentifier: 'green',
            MaxItems: 2
          }
        : {
            ResourceRecordSets: [green(26), { Name: 'x.example.com.', Type: 'A', TTL: 60 }],
            IsTruncated: true,
            NextRecordName: 'y.example.com.',
            MaxItems: 2
          }
    )
    expect((await backend.read()).split.percent).toBe(10.2)
    expect(route53.commandCalls(ListResourceRecordSetsCommand)).toHaveLength(2)
    expect(route53.commandCalls(ListResourceRecordSetsCommand)[1].args[0].input).toEqual({
      HostedZoneId: SETTINGS.hostedZoneId,
      MaxItems: 100,
      StartRecordName: NAME,
      StartRecordType: 'A',
      StartRecordIdentifier: 'green'
    })
  })
})

describe('DnsBackend: apply and verify', () => {
  it('adopts without waiting (no traffic moves), then waits INSYNC and one TTL, pending all along (hole 6)', async () => {
    const setUp = setup([simple('192.0.2.10', 30)])
    setUp.zone.pendingPolls = 2
    const { state } = await setUp.backend.inspect()
    const [adopt, step] = (await firstPlan(setUp, 10)).phases
    expect(await drive(setUp, adopt, state)).toEqual([
      { status: 'converged', detail: 'Route 53 shows blue 255 / green 0 (Route 53 weights of 255)' }
    ])
    expect(route53.commandCalls(GetChangeCommand)).toHaveLength(0)

    const seen = await drive(setUp, step, adopt.expect)
    expect(seen.map((each) => each.status)).toEqual([
      'pending', // PENDING
      'pending', // PENDING
      'pending', // INSYNC seen at t: 30 s to go
      'pending', // t + 10 s
      'pending', // t + 20 s
      'converged' // t + 30 s
    ])
    expect(seen[0].detail).toBe('Route 53 change /change/C2 is PENDING')
    expect(seen[2].detail).toBe(
      'blue 229 / green 26 (Route 53 weights of 255), INSYNC; waiting 30s more of the 30s TTL so resolvers drop cached answers'
    )
    expect(route53.commandCalls(GetChangeCommand).map((call) => call.args[0].input)).toEqual([
      { Id: '/change/C2' },
      { Id: '/change/C2' },
      { Id: '/change/C2' }
    ])
    // What verify needed from apply is in the phase the runner holds, not in the backend.
    expect(step.expect.native.change).toEqual({
      id: '/change/C2',
      submittedAt: expect.any(Number),
      insyncAt: expect.any(Number)
    })
    // verify never sleeps: the runner polls its gates between verifies.
    expect(setUp.clock.sleeps).toEqual([])
  })

  it('waits the longer TTL of before and after, 60 s for an alias', async () => {
    const alias = {
      kind: 'alias' as const,
      dnsName: 'green-1.eu-west-1.elb.amazonaws.com',
      hostedZoneId: 'Z32O12XQLNTSW2'
    }
    const setUp = setup([simple('192.0.2.10', 10)], { green: alias })
    const { state } = await setUp.backend.inspect()
    const [adopt, step] = (await firstPlan(setUp, 50)).phases
    await drive(setUp, adopt, state)
    expect((await drive(setUp, step, adopt.expect)).map((each) => each.status)).toEqual([
      ...Array(6).fill('pending'),
      'converged'
    ])
  })

  it('rolls back through the same waits: the restore phase is pending until INSYNC and TTL', async () => {
    const setUp = setup([blue(255), green(0)])
    const { state: start } = await setUp.backend.inspect()
    const [step] = (await firstPlan(setUp, 50)).phases
    await drive(setUp, step, start)
    const live = await setUp.backend.read()
    const restore = setUp.backend.restore(start, live)
    const seen = await drive(setUp, restore.phases[0], live)
    expect(seen.map((each) => each.status)).toEqual([...Array(6).fill('pending'), 'converged'])
    expect(setUp.zone.records).toEqual([blue(255), green(0)])
    expect((await setUp.backend.read()).native).toEqual(start.native)
  })

  it('undoes an adoption on rollback: Route 53 ends deep-equal to how the run found it', async () => {
    const found = { ...simple('192.0.2.10', 45), HealthCheckId: 'c0ffee' }
    const setUp = setup([structuredClone(found)])
    const { state: start } = await setUp.backend.inspect()
    const [adopt, step] = (await firstPlan(setUp, 10)).phases
    await drive(setUp, adopt, start)
    await drive(setUp, step, adopt.expect)
    const live = await setUp.backend.read()
    const restore = setUp.backend.restore(start, live)
    expect(restore.exact).toBe(true)
    expect((await drive(setUp, restore.phases[0], live)).at(-1)!.status).toBe('converged')
    expect(setUp.zone.records).toEqual([found])
  })

  it('is diverged, not pending, when someone edits the records while a step converges (hole 1)', async () => {
    const setUp = setup([blue(255), green(0)])
    const { state } = await setUp.backend.inspect()
    const [step] = (await firstPlan(setUp, 10)).phases
    await setUp.backend.apply(step)
    setUp.zone.records[0] = blue(100)
    const verdict = await setUp.backend.verify(step, state)
    expect(verdict.status).toBe('diverged')
    expect(verdict.detail).toBe(
      'expected blue 229 / green 26 (Route 53 weights of 255) (or blue 255 / green 0 (Route 53 weights of 255) before the change), found blue 100 / green 26 (Route 53 weights of 255)'
    )
    expect(verdict.state.split).toEqual(Split.ofWeights(100, 26))
  })

  it('stops on an edit made before the batch lands: Route 53 refuses it, their edit stands', async () => {
    const setUp = setup([blue(255), green(0)])
    const { state } = await setUp.backend.inspect()
    const [step] = (await firstPlan(setUp, 10)).phases
    setUp.zone.beforeBatch = () => {
      setUp.zone.beforeBatch = undefined
      setUp.zone.records[1] = green(40)
    }
    await setUp.backend.apply(step)
    expect((await setUp.backend.verify(step, state)).status).toBe('diverged')
    expect(setUp.zone.records).toEqual([blue(255), green(40)])
  })

  it('says diverged about records it cannot manage any more (a third record)', async () => {
    const setUp = setup([blue(255), green(0)])
    const { state } = await setUp.backend.inspect()
    const [step] = (await firstPlan(setUp, 10)).phases
    await setUp.backend.apply(step)
    setUp.zone.records.push({ ...blue(1), SetIdentifier: 'canary' })
    const verdict = await setUp.backend.verify(step, state)
    expect(verdict.status).toBe('diverged')
    expect(verdict.detail).toContain('found 3 weighted A records ("blue", "canary", "green")')
  })

  it('accepts a batch the SDK retried after its first attempt landed (lost response)', async () => {
    const setUp = setup([blue(255), green(0)])
    const { state } = await setUp.backend.inspect()
    const [step] = (await firstPlan(setUp, 10)).phases
    setUp.zone.beforeBatch = () => {
      // The first attempt lands, its response is lost; the retry's DELETEs no longer match.
      setUp.zone.beforeBatch = undefined
      setUp.zone.records = [blue(229), green(26)]
    }
    const seen = await drive(setUp, step, state)
    expect(setUp.logger.lines[0]).toContain('warning: Route 53 refused the batch to set weights')
    // Without the change id: INSYNC is taken a minute after sending, then one 60 s TTL.
    expect(seen.map((each) => each.status)).toEqual([...Array(12).fill('pending'), 'converged'])
    expect(seen[0].detail).toContain('change id lost (retried batch); waiting 120s more')
    expect(route53.commandCalls(GetChangeCommand)).toHaveLength(0)
  })

  it('throws other refusals and failures: only a failed compare-and-swap is verify’s to judge', async () => {
    const setUp = setup([blue(255), green(0)])
    const [step] = (await firstPlan(setUp, 10)).phases
    route53.on(ChangeResourceRecordSetsCommand).rejectsOnce(
      new InvalidChangeBatch({
        message: '[RRSet with DNS name www.example.com. is not permitted in zone example.com.]',
        $metadata: {}
      })
    )
    await expect(setUp.backend.apply(step)).rejects.toThrow(
      'ChangeResourceRecordSets on www.example.com A in hosted zone Z0123456789ABCDEFGHIJ failed: InvalidChangeBatch: [RRSet'
    )
    route53
      .on(ChangeResourceRecordSetsCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
    await expect(setUp.backend.apply(step)).rejects.toThrow('Throttling')
  })

  it('is pending while Route 53 still lists the records from before (a lagging read)', async () => {
    const setUp = setup([blue(255), green(0)])
    const { state } = await setUp.backend.inspect()
    const [step] = (await firstPlan(setUp, 10)).phases
    await setUp.backend.apply(step)
    setUp.zone.records = [blue(255), green(0)]
    const verdict = await setUp.backend.verify(step, state)
    expect(verdict).toEqual(
      expect.objectContaining({
        status: 'pending',
        detail: 'Route 53 still shows blue 255 / green 0 (Route 53 weights of 255)'
      })
    )
  })

  it('sends exactly the batches dry-run planned', async () => {
    const percents = [10, 50, 100]
    const dry = setup([simple()])
    let from = (await dry.backend.inspect()).state
    const planned: unknown[] = []
    for (const percent of percents) {
      const plan = dry.backend.plan(from, dry.backend.quantize(Split.ofPercent(percent), from))
      planned.push(...plan.phases.flatMap((phase) => phase.calls.map((call) => call.parameters)))
      from = plan.phases.at(-1)!.expect
    }
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)

    const real = setup([simple()])
    let live = (await real.backend.inspect()).state
    for (const percent of percents) {
      for (const phase of real.backend.plan(live, Split.ofPercent(percent)).phases) {
        expect((await drive(real, phase, live)).at(-1)!.status).toBe('converged')
        live = await real.backend.read()
      }
    }
    expect(
      route53.commandCalls(ChangeResourceRecordSetsCommand).map((call) => call.args[0].input)
    ).toEqual(planned)
    expect(real.zone.records).toEqual([blue(0), green(255)])
    expect(batches()).toHaveLength(4)
  })
})

describe('DnsBackend: capacity and registry', () => {
  it('answers blue capacity ok, saying Route 53 cannot tell', async () => {
    const { backend } = setup([blue(255), green(0)])
    const state = await backend.read()
    expect(await backend.blueCapacity(state)).toEqual({
      ok: true,
      detail:
        'Route 53 records cannot tell whether blue has healthy capacity; gates (alarms, probes) watch blue'
    })
    expect(route53.calls()).toHaveLength(1) // the read only
  })

  it('is built with the Route 53 client of the factory', async () => {
    const clients = createClients('us-east-1')
    const backend = dns.create(SETTINGS, {
      clients,
      clock: new FakeClock(),
      logger: new MemoryLogger()
    })
    expect(backend).toBeInstanceOf(DnsBackend)
    expect(backend.target).toBe('www.example.com A in hosted zone Z0123456789ABCDEFGHIJ')
    expect(clients.get(Route53Client)).toBe(clients.get(Route53Client))
    expect(dns.inputs).toContain('record-ttl')
  })
})
