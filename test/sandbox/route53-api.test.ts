import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  ListHealthChecksCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type Change,
  Route53Client,
  type ResourceRecordSet
} from '@aws-sdk/client-route-53'
import { Faults } from '../../sandbox/faults.js'
import { startRoute53, type Route53Sandbox } from '../../sandbox/route53/index.js'
import { route53Client } from './route53-helpers.js'

let faults: Faults
let sandbox: Route53Sandbox
let client: Route53Client
let zoneId: string

beforeAll(async () => {
  faults = new Faults()
  sandbox = await startRoute53({ faults, pendingMs: 0 })
  client = route53Client(sandbox.url, { maxAttempts: 1 })
})

afterAll(async () => {
  client.destroy()
  await sandbox.close()
})

let zoneCounter = 0
beforeEach(async () => {
  faults.clear()
  sandbox.setPendingMs(0)
  zoneCounter += 1
  const created = await client.send(
    new CreateHostedZoneCommand({
      Name: `zone${zoneCounter}.example.com`,
      CallerReference: `ref-${zoneCounter}`
    })
  )
  zoneId = created.HostedZone!.Id!
})

const name = (label: string) => `${label}.zone${zoneCounter}.example.com.`

function weighted(id: string, weight: number, value: string, ttl = 60): ResourceRecordSet {
  return {
    Name: name('app'),
    Type: 'A',
    SetIdentifier: id,
    Weight: weight,
    TTL: ttl,
    ResourceRecords: [{ Value: value }]
  }
}

const change = (changes: Change[]) =>
  client.send(
    new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } })
  )

async function listAll(): Promise<ResourceRecordSet[]> {
  const out = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))
  return out.ResourceRecordSets ?? []
}

/** The SDK error a call rejects with (fails the test if it resolves). */
async function failure(
  promise: Promise<unknown>
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } }
  }
  throw new Error('expected the call to fail')
}

describe('hosted zones', () => {
  it('creates a zone with its SOA and NS, a PENDING change and a delegation set', async () => {
    sandbox.setPendingMs(60_000)
    const created = await client.send(
      new CreateHostedZoneCommand({
        Name: 'Shop.Example.ORG',
        CallerReference: 'shop',
        HostedZoneConfig: { Comment: 'hi' }
      })
    )
    expect(created.$metadata.httpStatusCode).toBe(201)
    expect(created.HostedZone).toMatchObject({
      Name: 'shop.example.org.',
      CallerReference: 'shop',
      ResourceRecordSetCount: 2
    })
    expect(created.HostedZone?.Id).toMatch(/^\/hostedzone\/Z[A-Z0-9]+$/)
    expect(created.HostedZone?.Config).toEqual({ Comment: 'hi', PrivateZone: false })
    expect(created.ChangeInfo).toMatchObject({ Status: 'PENDING' })
    expect(created.DelegationSet?.NameServers).toHaveLength(4)
    expect(created.Location).toBe(`${sandbox.url}/2013-04-01${created.HostedZone?.Id}`)

    const got = await client.send(new GetHostedZoneCommand({ Id: created.HostedZone!.Id! }))
    expect(got.HostedZone?.Name).toBe('shop.example.org.')
    expect(got.DelegationSet?.NameServers).toEqual(created.DelegationSet?.NameServers)
    const types = sandbox.zones
      .get(created.HostedZone!.Id!.replace('/hostedzone/', ''))!
      .records.map((r) => r.type)
    expect(types).toEqual(['NS', 'SOA'])
  })

  it('is reached through AWS_ENDPOINT_URL_ROUTE_53, as the bundled action would reach it', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_ROUTE_53
    process.env.AWS_ENDPOINT_URL_ROUTE_53 = sandbox.url
    const fromEnv = new Route53Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' }
    })
    try {
      const got = await fromEnv.send(new GetHostedZoneCommand({ Id: zoneId }))
      expect(got.HostedZone?.Id).toBe(zoneId)
    } finally {
      fromEnv.destroy()
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ROUTE_53
      else process.env.AWS_ENDPOINT_URL_ROUTE_53 = saved
    }
  })

  it('refuses a second zone with the same caller reference', async () => {
    const error = await failure(
      client.send(
        new CreateHostedZoneCommand({
          Name: 'other.example.com',
          CallerReference: `ref-${zoneCounter}`
        })
      )
    )
    expect(error.name).toBe('HostedZoneAlreadyExists')
    expect(error.$metadata.httpStatusCode).toBe(409)
  })

  it('lists zones by name in reversed-label order, with paging', async () => {
    sandbox.createHostedZone('b.example.net')
    sandbox.createHostedZone('a.example.net')
    const first = await client.send(
      new ListHostedZonesByNameCommand({ DNSName: 'example.net', MaxItems: 1 })
    )
    expect(first.HostedZones?.map((z) => z.Name)).toEqual(['a.example.net.'])
    expect(first).toMatchObject({ IsTruncated: true, NextDNSName: 'b.example.net.', MaxItems: 1 })
    const second = await client.send(
      new ListHostedZonesByNameCommand({
        DNSName: first.NextDNSName,
        HostedZoneId: first.NextHostedZoneId,
        MaxItems: 1
      })
    )
    expect(second.HostedZones?.map((z) => z.Name)).toEqual(['b.example.net.'])
  })

  it('answers NoSuchHostedZone for an unknown id, with or without the /hostedzone/ prefix', async () => {
    for (const id of ['/hostedzone/ZNOSUCHZONE', 'ZNOSUCHZONE']) {
      const error = await failure(client.send(new GetHostedZoneCommand({ Id: id })))
      expect(error.name).toBe('NoSuchHostedZone')
      expect(error.message).toBe('No hosted zone found with ID: ZNOSUCHZONE')
      expect(error.$metadata.httpStatusCode).toBe(404)
    }
  })
})

describe('change batches', () => {
  it('creates a weighted pair in one batch and lists it as AWS does', async () => {
    const out = await change([
      { Action: 'CREATE', ResourceRecordSet: weighted('green', 55, '10.0.0.2') },
      { Action: 'CREATE', ResourceRecordSet: weighted('blue', 200, '10.0.0.1') }
    ])
    expect(out.ChangeInfo?.Id).toMatch(/^\/change\/C[A-Z0-9]+$/)
    const app = (await listAll()).filter((r) => r.Name === name('app'))
    expect(app).toEqual([weighted('blue', 200, '10.0.0.1'), weighted('green', 55, '10.0.0.2')])
  })

  it('swaps a record with DELETE+CREATE, and refuses a stale DELETE without changing anything', async () => {
    await change([
      { Action: 'CREATE', ResourceRecordSet: weighted('blue', 255, '10.0.0.1') },
      { Action: 'CREATE', ResourceRecordSet: weighted('green', 0, '10.0.0.2') }
    ])
    await change([
      { Action: 'DELETE', ResourceRecordSet: weighted('blue', 255, '10.0.0.1') },
      { Action: 'CREATE', ResourceRecordSet: weighted('blue', 200, '10.0.0.1') },
      { Action: 'DELETE', ResourceRecordSet: weighted('green', 0, '10.0.0.2') },
      { Action: 'CREATE', ResourceRecordSet: weighted('green', 55, '10.0.0.2') }
    ])
    const before = await listAll()
    const changesBefore = sandbox.changes.length

    // Someone else's view: blue still at 255. Its DELETE no longer matches, so nothing happens.
    const error = await failure(
      change([
        { Action: 'DELETE', ResourceRecordSet: weighted('blue', 255, '10.0.0.1') },
        { Action: 'CREATE', ResourceRecordSet: weighted('blue', 100, '10.0.0.1') },
        { Action: 'DELETE', ResourceRecordSet: weighted('green', 55, '10.0.0.2') },
        { Action: 'CREATE', ResourceRecordSet: weighted('green', 155, '10.0.0.2') }
      ])
    )
    expect(error.name).toBe('InvalidChangeBatch')
    expect(error.message).toBe(
      `[Tried to delete resource record set [name='${name('app')}', type='A', set-identifier='blue'] but the values provided do not match the current values, ` +
        `Tried to create resource record set [name='${name('app')}', type='A', set-identifier='blue'] but it already exists]`
    )
    expect(await listAll()).toEqual(before)
    expect(sandbox.changes.length).toBe(changesBefore)
  })

  it('UPSERT replaces without checking, and matches names case-insensitively', async () => {
    await change([{ Action: 'CREATE', ResourceRecordSet: weighted('blue', 1, '10.0.0.1') }])
    await change([
      {
        Action: 'UPSERT',
        ResourceRecordSet: { ...weighted('blue', 9, '10.0.0.9'), Name: name('APP').toUpperCase() }
      }
    ])
    const app = (await listAll()).filter((r) => r.Name === name('app'))
    expect(app).toEqual([weighted('blue', 9, '10.0.0.9')])
  })

  const simple = (ttl = 60): ResourceRecordSet => ({
    Name: name('www'),
    Type: 'A',
    TTL: ttl,
    ResourceRecords: [{ Value: '10.1.1.1' }]
  })

  const cname = (label: string): ResourceRecordSet => ({
    Name: label,
    Type: 'CNAME',
    TTL: 60,
    ResourceRecords: [{ Value: 'x.example.com' }]
  })
  const alias = (
    target: ResourceRecordSet['AliasTarget'],
    extra: Partial<ResourceRecordSet> = {}
  ) => ({
    Name: name('a'),
    Type: 'A' as const,
    AliasTarget: target,
    ...extra
  })
  const elb = {
    HostedZoneId: 'Z35SXDOTRQ7X7K',
    DNSName: 'lb.elb.amazonaws.com',
    EvaluateTargetHealth: false
  }
  const create = (record: ResourceRecordSet): Change => ({
    Action: 'CREATE',
    ResourceRecordSet: record
  })
  /** The zone's SOA exactly as stored, so only the apex rule can refuse deleting it. */
  const apexSoa = (): ResourceRecordSet => {
    const soa = sandbox.zones
      .get(zoneId.replace('/hostedzone/', ''))!
      .records.find((r) => r.type === 'SOA')!
    return {
      Name: soa.name,
      Type: 'SOA',
      TTL: soa.ttl,
      ResourceRecords: soa.values!.map((Value) => ({ Value }))
    }
  }

  /** `setup` runs as its own batch first; only `changes` must be refused. */
  interface Refusal {
    label: string
    setup?: () => Change[]
    changes: () => Change[]
    error: string
    message: RegExp
  }
  const refusals: Refusal[] = [
    {
      label: 'CREATE of an existing record',
      setup: () => [create(simple())],
      changes: () => [create(simple())],
      error: 'InvalidChangeBatch',
      message: /but it already exists/
    },
    {
      label: 'the same record twice in one batch',
      changes: () => [
        { Action: 'UPSERT', ResourceRecordSet: simple() },
        { Action: 'UPSERT', ResourceRecordSet: simple(30) }
      ],
      error: 'InvalidChangeBatch',
      message:
        /^\[The request contains an invalid set of changes for a resource record set 'A www\./
    },
    {
      label: 'DELETE of a missing record',
      changes: () => [{ Action: 'DELETE', ResourceRecordSet: simple() }],
      error: 'InvalidChangeBatch',
      message: /but it was not found/
    },
    {
      label: 'DELETE with another TTL',
      setup: () => [create(simple(60))],
      changes: () => [{ Action: 'DELETE', ResourceRecordSet: simple(61) }],
      error: 'InvalidChangeBatch',
      message: /do not match the current values/
    },
    {
      label: 'weight 256',
      changes: () => [create(weighted('blue', 256, '10.0.0.1'))],
      error: 'InvalidInput',
      message: /ResourceRecordSetWeight/
    },
    {
      label: 'a weight without SetIdentifier',
      changes: () => [create({ ...simple(), Weight: 5 })],
      error: 'InvalidInput',
      message: /Missing field 'SetIdentifier'/
    },
    {
      label: 'a negative TTL',
      changes: () => [create(simple(-1))],
      error: 'InvalidInput',
      message: /TTL/
    },
    {
      label: 'a TTL over 2147483647',
      changes: () => [create(simple(2147483648))],
      error: 'InvalidInput',
      message: /TTL/
    },
    {
      label: 'a duplicate SetIdentifier',
      setup: () => [create(weighted('blue', 1, '10.0.0.1'))],
      changes: () => [create(weighted('blue', 2, '10.0.0.2'))],
      error: 'InvalidChangeBatch',
      message: /set-identifier='blue'\] but it already exists/
    },
    {
      label: 'simple and weighted records of one name and type',
      setup: () => [create(weighted('blue', 1, '10.0.0.1'))],
      changes: () => [create({ ...simple(), Name: name('app') })],
      error: 'InvalidChangeBatch',
      message: /cannot be created as a weighted set exists/
    },
    {
      label: 'a CNAME beside another record',
      setup: () => [create(simple())],
      changes: () => [create(cname(name('www')))],
      error: 'InvalidChangeBatch',
      message: /RRSet of type CNAME .* conflicts with other records/
    },
    {
      label: 'a CNAME at the apex',
      changes: () => [create(cname(`zone${zoneCounter}.example.com`))],
      error: 'InvalidChangeBatch',
      message: /not permitted at apex/
    },
    {
      label: 'a name outside the zone',
      changes: () => [create({ ...simple(), Name: 'www.elsewhere.org' })],
      error: 'InvalidChangeBatch',
      message: /is not permitted in zone/
    },
    {
      label: 'an alias with a TTL',
      changes: () => [create(alias(elb, { TTL: 60 }))],
      error: 'InvalidInput',
      message: /found more than one/
    },
    {
      label: 'an alias to a missing sandbox record',
      changes: () => [
        create(
          alias({ HostedZoneId: zoneId, DNSName: name('nothing'), EvaluateTargetHealth: true })
        )
      ],
      error: 'InvalidChangeBatch',
      message: /but that target was not found/
    },
    {
      label: 'an A value that is not IPv4',
      changes: () => [create({ ...simple(), ResourceRecords: [{ Value: '10.0.0.300' }] })],
      error: 'InvalidChangeBatch',
      message: /ARRDATAIllegalIPv4Address/
    },
    {
      label: 'an unknown health check',
      changes: () => [
        create({
          ...weighted('blue', 1, '10.0.0.1'),
          HealthCheckId: '00000000-0000-0000-0000-000000000000'
        })
      ],
      error: 'NoSuchHealthCheck',
      message: /does not exist/
    },
    {
      label: 'deleting the apex SOA',
      changes: () => [{ Action: 'DELETE', ResourceRecordSet: apexSoa() }],
      error: 'InvalidChangeBatch',
      message: /exactly one SOA/
    }
  ]

  it.each(refusals)(
    'refuses $label ($error) and changes nothing',
    async ({ setup, changes, error, message }) => {
      if (setup) await change(setup())
      const before = await listAll()
      const refused = await failure(change(changes()))
      expect(refused.name).toBe(error)
      expect(refused.message).toMatch(message)
      expect(await listAll()).toEqual(before)
    }
  )

  it('accepts an alias to a record of the zone, and to an ELB', async () => {
    await change([
      create(simple()),
      create(alias({ HostedZoneId: zoneId, DNSName: name('www'), EvaluateTargetHealth: true })),
      create({ ...alias(elb), Name: name('lb') })
    ])
    const aliases = (await listAll()).filter((r) => r.AliasTarget)
    expect(aliases.map((r) => r.AliasTarget)).toEqual([
      {
        HostedZoneId: zoneId.replace('/hostedzone/', ''),
        DNSName: name('www'),
        EvaluateTargetHealth: true
      },
      { ...elb, DNSName: 'lb.elb.amazonaws.com.' }
    ])
  })

  it('goes PENDING, then INSYNC after pendingMs', async () => {
    sandbox.setPendingMs(100)
    const out = await change([
      { Action: 'CREATE', ResourceRecordSet: weighted('blue', 1, '10.0.0.1') }
    ])
    expect(out.ChangeInfo?.Status).toBe('PENDING')
    const id = out.ChangeInfo!.Id!
    expect((await client.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status).toBe('PENDING')
    // The API already lists the new record while the change is PENDING, as Route 53 does.
    expect((await listAll()).some((r) => r.SetIdentifier === 'blue')).toBe(true)
    await sandbox.whenInSync(id)
    const insync = await client.send(new GetChangeCommand({ Id: id }))
    expect(insync.ChangeInfo).toMatchObject({
      Id: id,
      Status: 'INSYNC',
      SubmittedAt: out.ChangeInfo?.SubmittedAt
    })
  })

  it('answers NoSuchChange for an unknown change', async () => {
    const error = await failure(client.send(new GetChangeCommand({ Id: '/change/CNOSUCH' })))
    expect(error.name).toBe('NoSuchChange')
    expect(error.$metadata.httpStatusCode).toBe(404)
  })
})

describe('ListResourceRecordSets paging', () => {
  beforeEach(async () => {
    const records: ResourceRecordSet[] = [
      ...['e', 'c', 'a', 'd', 'b'].map((id) => weighted(id, 1, '10.0.0.1')),
      { Name: name('a-b'), Type: 'TXT', TTL: 5, ResourceRecords: [{ Value: '"x"' }] },
      { Name: `x.${name('a')}`, Type: 'A', TTL: 5, ResourceRecords: [{ Value: '10.0.0.5' }] },
      { Name: name('app'), Type: 'AAAA', TTL: 5, ResourceRecords: [{ Value: '::1' }] }
    ]
    await change(records.map((r) => ({ Action: 'CREATE', ResourceRecordSet: r })))
  })

  it('sorts by reversed labels, then type, then set identifier', async () => {
    const keys = (await listAll()).map((r) => `${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`.trim())
    const apex = `zone${zoneCounter}.example.com.`
    // `a-b.` sorts before `a.` because '-' (45) comes before '.' (46), as AWS documents.
    expect(keys).toEqual([
      `${apex} NS`,
      `${apex} SOA`,
      `${name('a-b')} TXT`,
      `x.${name('a')} A`,
      `${name('app')} A a`,
      `${name('app')} A b`,
      `${name('app')} A c`,
      `${name('app')} A d`,
      `${name('app')} A e`,
      `${name('app')} AAAA`
    ])
  })

  it('pages with MaxItems and NextRecordName/Type/Identifier through every record once', async () => {
    const all = await listAll()
    const paged: ResourceRecordSet[] = []
    let start: { StartRecordName?: string; StartRecordType?: 'A'; StartRecordIdentifier?: string } =
      {}
    for (let pages = 0; pages < 20; pages += 1) {
      const page = await client.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 3, ...start })
      )
      expect(page.MaxItems).toBe(3)
      paged.push(...(page.ResourceRecordSets ?? []))
      if (!page.IsTruncated) break
      start = {
        StartRecordName: page.NextRecordName,
        StartRecordType: page.NextRecordType as 'A',
        ...(page.NextRecordIdentifier && { StartRecordIdentifier: page.NextRecordIdentifier })
      }
    }
    expect(paged).toEqual(all)
  })

  it('starts at a name, and refuses a type without a name', async () => {
    const out = await client.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: name('app'),
        StartRecordType: 'A',
        StartRecordIdentifier: 'c',
        MaxItems: 2
      })
    )
    expect(out.ResourceRecordSets?.map((r) => r.SetIdentifier)).toEqual(['c', 'd'])
    expect(out).toMatchObject({
      IsTruncated: true,
      NextRecordName: name('app'),
      NextRecordType: 'A',
      NextRecordIdentifier: 'e'
    })
    const error = await failure(
      client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordType: 'A' }))
    )
    expect(error.name).toBe('InvalidInput')
  })
})

describe('health checks', () => {
  it('creates, reads, lists and reports status as the admin API sets it', async () => {
    const created = await client.send(
      new CreateHealthCheckCommand({
        CallerReference: `hc-${zoneCounter}`,
        HealthCheckConfig: { Type: 'HTTPS', IPAddress: '127.0.0.1', ResourcePath: '/health' }
      })
    )
    expect(created.$metadata.httpStatusCode).toBe(201)
    const id = created.HealthCheck!.Id!
    expect(created.HealthCheck?.HealthCheckConfig).toMatchObject({
      Type: 'HTTPS',
      Port: 443,
      RequestInterval: 30,
      FailureThreshold: 3,
      EnableSNI: true
    })
    expect(
      (await client.send(new GetHealthCheckCommand({ HealthCheckId: id }))).HealthCheck
    ).toEqual(created.HealthCheck)
    const listed = await client.send(new ListHealthChecksCommand({}))
    expect(listed.HealthChecks?.map((h) => h.Id)).toContain(id)

    const status = async () =>
      (await client.send(new GetHealthCheckStatusCommand({ HealthCheckId: id })))
        .HealthCheckObservations ?? []
    const healthy = await status()
    expect(healthy.length).toBeGreaterThan(1)
    expect(
      healthy.every((o) => o.StatusReport?.Status === 'Success: HTTP Status Code 200, OK')
    ).toBe(true)
    sandbox.setHealthCheckStatus(id, false)
    const unhealthy = await status()
    expect(unhealthy[0].StatusReport?.Status).toBe(
      'Failure: HTTP Status Code 503, Service Unavailable'
    )
    expect(unhealthy[0].StatusReport?.CheckedTime).toBeInstanceOf(Date)
  })

  it('repeats a create idempotently and refuses a reused caller reference', async () => {
    const input = {
      CallerReference: `same-${zoneCounter}`,
      HealthCheckConfig: { Type: 'TCP' as const, IPAddress: '127.0.0.1', Port: 81 }
    }
    const first = await client.send(new CreateHealthCheckCommand(input))
    const again = await client.send(new CreateHealthCheckCommand(input))
    expect(again.HealthCheck?.Id).toBe(first.HealthCheck?.Id)
    const error = await failure(
      client.send(
        new CreateHealthCheckCommand({
          ...input,
          HealthCheckConfig: { ...input.HealthCheckConfig, Port: 82 }
        })
      )
    )
    expect(error.name).toBe('HealthCheckAlreadyExists')
  })

  it('answers NoSuchHealthCheck for an unknown id', async () => {
    const error = await failure(
      client.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'no-such-check' }))
    )
    expect(error.name).toBe('NoSuchHealthCheck')
    expect(error.$metadata.httpStatusCode).toBe(404)
  })
})

describe('faults', () => {
  afterEach(() => faults.clear())

  it('renders throttling as Route 53 does; the SDK surfaces it with one attempt', async () => {
    faults.add({ service: 'route53', operation: 'ListResourceRecordSets', kind: 'throttle' })
    const error = await failure(listAll())
    expect(error.name).toBe('Throttling')
    expect(error.message).toBe('Rate exceeded')
    expect(error.$metadata.httpStatusCode).toBe(400)
  })

  it('lets the SDK retry a throttle away with its default attempts', async () => {
    const retrying = route53Client(sandbox.url)
    try {
      faults.add({ service: 'route53', operation: 'GetHostedZone', kind: 'throttle', times: 1 })
      const out = await retrying.send(new GetHostedZoneCommand({ Id: zoneId }))
      expect(out.$metadata.attempts).toBe(2)
      const calls = faults.calls.filter((c) => c.operation === 'GetHostedZone')
      expect(calls.slice(-2).map((c) => c.fault)).toEqual(['throttle', undefined])
    } finally {
      retrying.destroy()
    }
  })

  it('renders PriorRequestNotComplete and a 500, and changes nothing', async () => {
    const before = await listAll()
    faults.add({
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      kind: 'prior-request-not-complete',
      times: 1
    })
    faults.add({
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      kind: 'server-error',
      times: 1
    })
    const batch: Change[] = [
      { Action: 'CREATE', ResourceRecordSet: weighted('blue', 1, '10.0.0.1') }
    ]
    const prior = await failure(change(batch))
    expect(prior.name).toBe('PriorRequestNotComplete')
    expect(prior.$metadata.httpStatusCode).toBe(400)
    const server = await failure(change(batch))
    expect(server.name).toBe('InternalFailure')
    expect(server.$metadata.httpStatusCode).toBe(500)
    expect(await listAll()).toEqual(before)
  })

  it('delays a response by latencyMs and then answers normally', async () => {
    faults.add({
      service: 'route53',
      operation: 'GetHostedZone',
      kind: 'latency',
      latencyMs: 150,
      times: 1
    })
    const started = Date.now()
    const out = await client.send(new GetHostedZoneCommand({ Id: zoneId }))
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(out.HostedZone?.Id).toBe(zoneId)
  })

  it('records every call under its operation name', async () => {
    const before = faults.count('route53', 'ListResourceRecordSets')
    await listAll()
    expect(faults.count('route53', 'ListResourceRecordSets')).toBe(before + 1)
  })
})

describe('malformed requests', () => {
  const post = (path: string, body: string) =>
    fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/xml' }
    })

  it.each([
    ['unparseable XML', '<ChangeResourceRecordSetsRequest><ChangeBatch>', 400, 'InvalidInput'],
    ['the wrong root element', '<CreateHostedZoneRequest/>', 400, 'MalformedInput'],
    [
      'an empty change list',
      '<ChangeResourceRecordSetsRequest><ChangeBatch><Changes/></ChangeBatch></ChangeResourceRecordSetsRequest>',
      400,
      'InvalidInput'
    ],
    [
      'an unknown action',
      '<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>MOVE</Action><ResourceRecordSet><Name>a.example.com</Name><Type>A</Type></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>',
      400,
      'InvalidInput'
    ],
    [
      'a non-numeric weight',
      '<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>a.example.com</Name><Type>A</Type><Weight>x</Weight></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>',
      400,
      'InvalidInput'
    ]
  ])('answers %s with an ErrorResponse', async (_label, body, status, code) => {
    const response = await post(
      `/2013-04-01/hostedzone/${zoneId.replace('/hostedzone/', '')}/rrset`,
      body
    )
    expect(response.status).toBe(status)
    const text = await response.text()
    expect(text).toContain(`<Code>${code}</Code>`)
    expect(text).toMatch(
      /<ErrorResponse xmlns="https:\/\/route53.amazonaws.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type>/
    )
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers a malformed id with InvalidInput and an unknown path with 404', async () => {
    const bad = await fetch(`${sandbox.url}/2013-04-01/hostedzone/not-an-id!`)
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('<Code>InvalidInput</Code>')
    const unknown = await fetch(`${sandbox.url}/2013-04-01/trafficpolicy`)
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toContain('<Code>UnknownOperation</Code>')
  })
})
