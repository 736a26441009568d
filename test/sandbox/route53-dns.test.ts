import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  type Route53Client
} from '@aws-sdk/client-route-53'
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { Faults } from '../../sandbox/faults.js'
import {
  seededRandom,
  startRoute53,
  type RecordSet,
  type Route53Sandbox
} from '../../sandbox/route53/index.js'
import {
  binomialTolerance,
  route53Client,
  tally,
  tcpQuery,
  udpDnsClient
} from './route53-helpers.js'

let sandbox: Route53Sandbox
let dns: ReturnType<typeof udpDnsClient>
let zoneId: string
let zone: string
let counter = 0

beforeAll(async () => {
  sandbox = await startRoute53({ faults: new Faults(), pendingMs: 0, random: seededRandom(7) })
  dns = udpDnsClient(sandbox.dns.port)
})

afterAll(async () => {
  await dns.close()
  await sandbox.close()
})

beforeEach(() => {
  counter += 1
  zone = `dns${counter}.example.com`
  zoneId = sandbox.createHostedZone(zone).id
})

const weighted = (
  id: string,
  weight: number,
  value: string,
  extra: Partial<RecordSet> = {}
): RecordSet => ({
  name: `app.${zone}`,
  type: 'A',
  setIdentifier: id,
  weight,
  ttl: 60,
  values: [value],
  ...extra
})

const put = (...records: RecordSet[]) =>
  sandbox.changeRecords(
    zoneId,
    records.map((record) => ({ action: 'UPSERT', record }))
  )

const N = 4000

describe('weighted answers', () => {
  it('splits answers by weight, within four binomial standard deviations', async () => {
    put(weighted('blue', 200, '10.0.0.1'), weighted('green', 55, '10.0.0.2'))
    const counts = await tally(dns, `app.${zone}`, N)
    const p = 55 / 255
    expect(Math.abs((counts.get('10.0.0.2') ?? 0) - N * p)).toBeLessThanOrEqual(
      binomialTolerance(N, p)
    )
    expect((counts.get('10.0.0.1') ?? 0) + (counts.get('10.0.0.2') ?? 0)).toBe(N)
  })

  it('never answers with a weight-0 record while another has weight', async () => {
    put(weighted('blue', 255, '10.0.0.1'), weighted('green', 0, '10.0.0.2'))
    const counts = await tally(dns, `app.${zone}`, 1000)
    expect([...counts]).toEqual([['10.0.0.1', 1000]])
  })

  it('splits equally when every weight is 0, as Route 53 does', async () => {
    put(weighted('blue', 0, '10.0.0.1'), weighted('green', 0, '10.0.0.2'))
    const counts = await tally(dns, `app.${zone}`, N)
    expect(Math.abs((counts.get('10.0.0.1') ?? 0) - N / 2)).toBeLessThanOrEqual(
      binomialTolerance(N, 0.5)
    )
    expect((counts.get('10.0.0.1') ?? 0) + (counts.get('10.0.0.2') ?? 0)).toBe(N)
  })

  it("answers with the record's TTL, authoritatively, echoing the question's case", async () => {
    put(weighted('blue', 1, '10.0.0.1', { ttl: 37 }))
    const response = await dns.query(`APP.${zone.toUpperCase()}`)
    expect(response.rcode).toBe('NOERROR')
    expect(response.flag_aa).toBe(true)
    expect(response.answers).toEqual([
      expect.objectContaining({
        name: `APP.${zone.toUpperCase()}`,
        type: 'A',
        ttl: 37,
        data: '10.0.0.1'
      })
    ])
  })

  it('leaves out a record whose health check is unhealthy, unless all are', async () => {
    const blueCheck = sandbox.createHealthCheck()
    const greenCheck = sandbox.createHealthCheck()
    put(
      weighted('blue', 200, '10.0.0.1', { healthCheckId: blueCheck.id }),
      weighted('green', 55, '10.0.0.2', { healthCheckId: greenCheck.id })
    )
    sandbox.setHealthCheckStatus(blueCheck.id, false)
    expect([...(await tally(dns, `app.${zone}`, 500))]).toEqual([['10.0.0.2', 500]])

    // With every record unhealthy Route 53 answers as if all were healthy: weights apply again.
    sandbox.setHealthCheckStatus(greenCheck.id, false)
    const counts = await tally(dns, `app.${zone}`, N)
    const p = 55 / 255
    expect(Math.abs((counts.get('10.0.0.2') ?? 0) - N * p)).toBeLessThanOrEqual(
      binomialTolerance(N, p)
    )
  })

  it('falls back to a healthy weight-0 record when every weighted one is unhealthy', async () => {
    const check = sandbox.createHealthCheck()
    put(
      weighted('blue', 255, '10.0.0.1', { healthCheckId: check.id }),
      weighted('green', 0, '10.0.0.2')
    )
    sandbox.setHealthCheckStatus(check.id, false)
    expect([...(await tally(dns, `app.${zone}`, 200))]).toEqual([['10.0.0.2', 200]])
  })
})

describe('names and codes', () => {
  it('answers NXDOMAIN with the SOA inside a zone, NODATA for a missing type, REFUSED outside', async () => {
    put({ name: `www.${zone}`, type: 'A', ttl: 60, values: ['10.0.0.1'] })
    const missing = await dns.query(`nope.${zone}`)
    expect(missing.rcode).toBe('NXDOMAIN')
    expect(missing.flag_aa).toBe(true)
    expect(missing.authorities?.[0]).toMatchObject({ type: 'SOA', name: zone, ttl: 900 })

    const nodata = await dns.query(`www.${zone}`, 'AAAA')
    expect(nodata.rcode).toBe('NOERROR')
    expect(nodata.answers).toEqual([])
    expect(nodata.authorities?.[0]).toMatchObject({ type: 'SOA' })

    const outside = await dns.query('www.example.org')
    expect(outside.rcode).toBe('REFUSED')
    expect(outside.flag_aa).toBe(false)
  })

  it('serves the apex NS and SOA, CNAME chains and wildcards', async () => {
    put(
      { name: `target.${zone}`, type: 'A', ttl: 30, values: ['10.0.0.9'] },
      { name: `alias-me.${zone}`, type: 'CNAME', ttl: 40, values: [`target.${zone}`] },
      { name: `*.wild.${zone}`, type: 'TXT', ttl: 50, values: ['"hello" "world"'] }
    )
    const ns = await dns.query(zone, 'NS')
    expect(ns.answers).toHaveLength(4)
    const cname = await dns.query(`alias-me.${zone}`)
    expect(cname.answers?.map((a) => [a.type, a.name, 'data' in a ? a.data : undefined])).toEqual([
      ['CNAME', `alias-me.${zone}`, `target.${zone}`],
      ['A', `target.${zone}`, '10.0.0.9']
    ])
    const wild = await dns.query(`anything.wild.${zone}`, 'TXT')
    expect(wild.answers).toEqual([
      expect.objectContaining({
        name: `anything.wild.${zone}`,
        ttl: 50,
        data: [Buffer.from('hello'), Buffer.from('world')]
      })
    ])
  })

  it("answers an alias with its target's records under the alias name", async () => {
    put(weighted('blue', 1, '10.0.0.1', { ttl: 20 }), {
      name: zone,
      type: 'A',
      aliasTarget: { hostedZoneId: zoneId, dnsName: `app.${zone}`, evaluateTargetHealth: true }
    })
    const response = await dns.query(zone)
    expect(response.answers).toEqual([
      expect.objectContaining({ name: zone, type: 'A', ttl: 20, data: '10.0.0.1' })
    ])
  })

  it('answers an alias to a name outside the sandbox (an ELB) with a CNAME to it', async () => {
    put({
      name: `lb.${zone}`,
      type: 'A',
      aliasTarget: {
        hostedZoneId: 'Z35SXDOTRQ7X7K',
        dnsName: 'my-lb-1.us-east-1.elb.amazonaws.com',
        evaluateTargetHealth: false
      }
    })
    const response = await dns.query(`lb.${zone}`)
    expect(response.answers).toEqual([
      expect.objectContaining({ type: 'CNAME', data: 'my-lb-1.us-east-1.elb.amazonaws.com' })
    ])
  })

  it('answers over TCP too', async () => {
    put(weighted('blue', 1, '10.0.0.1'))
    const response = await tcpQuery(sandbox.dns.port, `app.${zone}`)
    expect(response.answers?.[0]).toMatchObject({ type: 'A', data: '10.0.0.1' })
  })

  it('truncates a UDP answer over 512 bytes, and sends it whole over TCP or with EDNS', async () => {
    const values = Array.from({ length: 40 }, (_, i) => `10.0.1.${i + 1}`)
    put({ name: `big.${zone}`, type: 'A', ttl: 60, values })
    const udp = await dns.query(`big.${zone}`)
    expect(udp.flag_tc).toBe(true)
    expect(udp.answers).toEqual([])
    expect((await tcpQuery(sandbox.dns.port, `big.${zone}`)).answers).toHaveLength(40)
    const opt = {
      type: 'OPT' as const,
      name: '.',
      udpPayloadSize: 4096,
      extendedRcode: 0,
      ednsVersion: 0,
      flags: 0,
      flag_do: false,
      options: []
    }
    const edns = await dns.query(`big.${zone}`, 'A', { additionals: [opt] })
    expect(edns.flag_tc).toBe(false)
    expect(edns.answers).toHaveLength(40)
    expect(edns.additionals?.[0]).toMatchObject({ type: 'OPT', udpPayloadSize: 4096 })
  })

  it('answers FORMERR to a packet it cannot parse, and keeps serving', async () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x05])
    const response = await dns.raw(0x1234, garbage)
    expect(response.rcode).toBe('FORMERR')
    put(weighted('blue', 1, '10.0.0.1'))
    expect((await dns.query(`app.${zone}`)).rcode).toBe('NOERROR')
  })
})

describe('propagation', () => {
  it('keeps answering the old records until the change is INSYNC', async () => {
    put(weighted('blue', 255, '10.0.0.1'), weighted('green', 0, '10.0.0.2'))
    const client: Route53Client = route53Client(sandbox.url, { maxAttempts: 1 })
    try {
      sandbox.setPendingMs(200)
      const out = await client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: {
                  Name: `app.${zone}`,
                  Type: 'A',
                  SetIdentifier: 'blue',
                  Weight: 0,
                  TTL: 60,
                  ResourceRecords: [{ Value: '10.0.0.1' }]
                }
              },
              {
                Action: 'UPSERT',
                ResourceRecordSet: {
                  Name: `app.${zone}`,
                  Type: 'A',
                  SetIdentifier: 'green',
                  Weight: 255,
                  TTL: 60,
                  ResourceRecords: [{ Value: '10.0.0.2' }]
                }
              }
            ]
          }
        })
      )
      expect((await dns.query(`app.${zone}`)).answers?.[0]).toMatchObject({ data: '10.0.0.1' })
      await sandbox.whenInSync(out.ChangeInfo!.Id!)
      expect((await dns.query(`app.${zone}`)).answers?.[0]).toMatchObject({ data: '10.0.0.2' })
    } finally {
      sandbox.setPendingMs(0)
      client.destroy()
    }
  })

  it('does not serve a zone created through the API until its creation is INSYNC', async () => {
    const client = route53Client(sandbox.url, { maxAttempts: 1 })
    try {
      sandbox.setPendingMs(200)
      const created = await client.send(
        new CreateHostedZoneCommand({ Name: 'late.example.net', CallerReference: 'late' })
      )
      expect((await dns.query('late.example.net', 'SOA')).rcode).toBe('REFUSED')
      await sandbox.whenInSync(created.ChangeInfo!.Id!)
      expect((await dns.query('late.example.net', 'SOA')).rcode).toBe('NOERROR')
    } finally {
      sandbox.setPendingMs(0)
      client.destroy()
    }
  })
})

describe('shutdown', () => {
  it('frees the HTTP and DNS ports and fails pending waits', async () => {
    const own = await startRoute53({ faults: new Faults(), pendingMs: 60_000 })
    const zoneOwn = own.createHostedZone('bye.example.com')
    const change = own.changeRecords(
      zoneOwn.id,
      [
        {
          action: 'CREATE',
          record: { name: 'a.bye.example.com', type: 'A', ttl: 1, values: ['10.0.0.1'] }
        }
      ],
      { pendingMs: 60_000 }
    )
    const waiting = own.whenInSync(change.id)
    await own.close()
    await expect(waiting).rejects.toThrow('closed')

    const port = Number(new URL(own.url).port)
    await expect(
      new Promise((resolve, reject) =>
        connect(port, '127.0.0.1').on('connect', resolve).on('error', reject)
      )
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    // The DNS port can be bound again: nothing of the sandbox holds it.
    const socket = createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(own.dns.port, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => socket.close(() => resolve()))
  })
})
