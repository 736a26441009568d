import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  type Change,
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client
} from '@aws-sdk/client-route-53'
import { mockClient } from 'aws-sdk-client-mock'
import type { Phase } from '../../src/backends/backend.js'
import { MemoryLogger } from '../../src/logger.js'
import { LeaseHeldError, LeaseLostError } from '../../src/lease/lease.js'
import { fieldsOf, Route53TxtLease } from '../../src/lease/route53-txt-lease.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'

const ZONE = 'Z0123456789ABCDEFGHIJ'
const NAME = '_traffic-shift.shop.example.com.'
const ME = { runUrl: 'https://github.com/octo/shop/actions/runs/7/attempts/1', leaseId: 'me' }
const OTHER = 'https://github.com/octo/shop/actions/runs/6/attempts/1'
const DURATION = 15 * 60_000

const route53 = mockClient(Route53Client)
/** The zone's TXT at the lease's name, changed only by batches that match it exactly. */
let txt: ResourceRecordSet | undefined
/** Runs before each batch lands: someone else's change racing this run's. */
let beforeBatch: (() => void) | undefined

function txtOf(strings: string[]): ResourceRecordSet {
  return {
    Name: NAME,
    Type: 'TXT',
    TTL: 60,
    ResourceRecords: [{ Value: strings.map((s) => `"${s}"`).join(' ') }]
  }
}

function heldBy(url: string, id: string, expiresAt: number): ResourceRecordSet {
  return txtOf([
    `lease-holder=${url}`,
    `lease-id=${id}`,
    `lease-expires=${new Date(expiresAt).toISOString()}`
  ])
}

/** Route 53's batch semantics for one name: a DELETE must match exactly, a CREATE must be new. */
function applyBatch(changes: Change[]): void {
  let next = txt
  for (const { Action, ResourceRecordSet: record } of changes) {
    if (record?.Name !== NAME) continue
    if (Action === 'DELETE') {
      if (JSON.stringify(record) !== JSON.stringify(next)) throw refused('values do not match')
      next = undefined
    } else {
      if (next) throw refused('it already exists')
      next = record
    }
  }
  txt = next
}

/** Route 53's words for a failed compare-and-swap, as in its InvalidChangeBatch messages. */
function refused(why: string): InvalidChangeBatch {
  const message =
    why === 'it already exists'
      ? `Tried to create resource record set [name='${NAME}', type='TXT'] but it already exists`
      : `Tried to delete resource record set [name='${NAME}', type='TXT'] but the values provided do not match the current values`
  return new InvalidChangeBatch({ message, $metadata: {} })
}

function setup(breakLease = false) {
  const clock = new FakeClock()
  const logger = new MemoryLogger()
  const lease = new Route53TxtLease(new Route53Client({}), ZONE, 'Shop.Example.com.', {
    me: ME,
    durationMs: DURATION,
    breakLease,
    clock,
    logger
  })
  return { lease, clock, logger }
}

function weightsPhase(): Phase {
  const parameters: ChangeResourceRecordSetsCommandInput = {
    HostedZoneId: ZONE,
    ChangeBatch: {
      Changes: [
        { Action: 'DELETE', ResourceRecordSet: { Name: 'shop.example.com.', Type: 'A' } },
        { Action: 'CREATE', ResourceRecordSet: { Name: 'shop.example.com.', Type: 'A' } }
      ]
    }
  }
  return {
    summary: 'set weights',
    calls: [{ service: 'route53', operation: 'ChangeResourceRecordSets', parameters }],
    expect: { split: Split.ofPercent(10), native: {}, detail: '', fingerprint: '' },
    movesTraffic: true
  }
}

beforeEach(() => {
  route53.reset()
  txt = undefined
  beforeBatch = undefined
  route53.on(ListResourceRecordSetsCommand).callsFake((input) => {
    expect(input).toMatchObject({ StartRecordName: NAME, StartRecordType: 'TXT' })
    // What follows in the zone, in Route 53's order: another name when there is no lease.
    return { ResourceRecordSets: [txt ?? { Name: 'www.example.com.', Type: 'A' }] }
  })
  route53.on(ChangeResourceRecordSetsCommand).callsFake((input) => {
    beforeBatch?.()
    beforeBatch = undefined
    applyBatch(input.ChangeBatch.Changes)
    return { ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } }
  })
})

describe('Route53TxtLease', () => {
  it('the post step holds the main step’s lease again: the rollback batch carries its swap', async () => {
    const { lease, clock } = setup()
    txt = heldBy(ME.runUrl, ME.leaseId, clock.now() - 1)
    const before = txt
    await lease.resume()
    const phase = await lease.guard(weightsPhase())
    const changes = (phase.calls[0].parameters as ChangeResourceRecordSetsCommandInput).ChangeBatch!
      .Changes!
    expect(changes.slice(2)).toEqual([
      { Action: 'DELETE', ResourceRecordSet: before },
      expect.objectContaining({ Action: 'CREATE' })
    ])
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
    await lease.release({ status: 'rolled-back', movedTraffic: true })
    expect(fieldsOf(txt)).toEqual({
      last: { by: ME.runUrl, outcome: 'rolled-back', at: clock.now() }
    })
  })

  it('the post step does not hold a lease another run took', async () => {
    const { lease, clock } = setup()
    txt = heldBy(OTHER, 'other', clock.now() + 60_000)
    await expect(lease.resume()).rejects.toThrow(LeaseLostError)
    await lease.release({ status: 'failed', movedTraffic: true })
    expect(fieldsOf(txt).holder?.runUrl).toBe(OTHER)
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('creates the TXT beside the record, naming the run and its expiry', async () => {
    const { lease, clock } = setup()
    expect(await lease.acquire()).toEqual([])
    expect(fieldsOf(txt).holder).toEqual({
      ...ME,
      startedAt: clock.now(),
      expiresAt: clock.now() + DURATION
    })
    const batch = route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input
    expect(batch.ChangeBatch?.Changes?.map((c) => c.Action)).toEqual(['CREATE'])
  })

  it('puts the renewal in the step’s own batch: DELETE the exact TXT, CREATE the next', async () => {
    const { lease, clock } = setup()
    await lease.acquire()
    const before = txt
    clock.advance(30_000)
    const phase = weightsPhase()
    const sent = await lease.guard(phase)
    const changes = (sent.calls[0].parameters as ChangeResourceRecordSetsCommandInput).ChangeBatch!
      .Changes!
    expect(changes.map((c) => `${c.Action} ${c.ResourceRecordSet?.Type}`)).toEqual([
      'DELETE A',
      'CREATE A',
      'DELETE TXT',
      'CREATE TXT'
    ])
    expect(changes[2].ResourceRecordSet).toEqual(before)
    expect(fieldsOf(changes[3].ResourceRecordSet).holder?.expiresAt).toBe(clock.now() + DURATION)
    // The planned phase is left as planned; the one sent keeps its expect for verify().
    expect(
      (phase.calls[0].parameters as ChangeResourceRecordSetsCommandInput).ChangeBatch!.Changes
    ).toHaveLength(2)
    expect(sent.expect).toBe(phase.expect)
    // No write of its own: the renewal lands with the step, or not at all.
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1)
  })

  it('refuses another run’s live lease, naming it, without a batch', async () => {
    const { lease, clock } = setup()
    txt = heldBy(OTHER, 'other', clock.now() + 60_000)
    await expect(lease.acquire()).rejects.toThrow(LeaseHeldError)
    await expect(lease.acquire()).rejects.toThrow(OTHER)
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('takes over an expired lease by swapping exactly the TXT it read', async () => {
    const { lease, clock } = setup()
    txt = txtOf([
      ...heldBy(OTHER, 'other', clock.now() - 1)
        .ResourceRecords![0].Value!.split(' ')
        .map((s) => s.slice(1, -1)),
      'last-moved-by=someone'
    ])
    const warnings = await lease.acquire()
    expect(warnings[0]).toContain('which expired at')
    expect(fieldsOf(txt).holder?.leaseId).toBe('me')
    // Who moved the traffic last stays while this run holds the lease.
    expect(fieldsOf(txt).last?.by).toBe('someone')
  })

  it('takes its lease when its batch landed but the answer was lost (the retry is refused)', async () => {
    const { lease, clock } = setup()
    // The SDK retries a batch whose response was lost; Route 53 refuses the repeat: the CREATE
    // now exists. What the run reads back is its own lease, not another run's.
    route53
      .on(ChangeResourceRecordSetsCommand)
      .callsFakeOnce((input) => {
        applyBatch(input.ChangeBatch.Changes)
        throw refused('it already exists')
      })
      .callsFake((input) => {
        applyBatch(input.ChangeBatch.Changes)
        return { ChangeInfo: { Id: '/change/C2', Status: 'PENDING', SubmittedAt: new Date() } }
      })
    expect(await lease.acquire()).toEqual([])
    expect(fieldsOf(txt).holder).toEqual({
      ...ME,
      startedAt: clock.now(),
      expiresAt: clock.now() + DURATION
    })
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1)
    await lease.release({ status: 'succeeded', movedTraffic: true })
    expect(fieldsOf(txt).holder).toBeUndefined()
    expect(fieldsOf(txt).last?.by).toBe(ME.runUrl)
  })

  it('decides again when the TXT changes between its read and its batch', async () => {
    const { lease, clock } = setup()
    beforeBatch = () => {
      txt = heldBy(OTHER, 'other', clock.now() + 60_000)
    }
    await expect(lease.acquire()).rejects.toThrow(`holds the lease on ${NAME.slice(0, -1)} TXT`)
    expect(fieldsOf(txt).holder?.runUrl).toBe(OTHER)
  })

  it('stops before a step once the lease was broken, and leaves the newcomer’s TXT', async () => {
    const { lease, clock } = setup()
    await lease.acquire()
    txt = heldBy(OTHER, 'other', clock.now() + 60_000)
    await expect(lease.guard(weightsPhase())).rejects.toThrow(LeaseLostError)
    await lease.release({ status: 'failed', movedTraffic: true })
    expect(fieldsOf(txt).holder?.runUrl).toBe(OTHER)
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1)
  })

  it('releases to a TXT that says only who moved the traffic last', async () => {
    const { lease, clock } = setup()
    await lease.acquire()
    await lease.release({ status: 'rolled-back', movedTraffic: true })
    expect(fieldsOf(txt)).toEqual({
      last: { by: ME.runUrl, outcome: 'rolled-back', at: clock.now() }
    })
  })

  it('releases without a warning when its release landed but the answer was lost', async () => {
    const { lease, clock, logger } = setup()
    await lease.acquire()
    // The release lands; the SDK's retry of it is refused: its DELETE no longer matches.
    route53.on(ChangeResourceRecordSetsCommand).callsFake((input) => {
      applyBatch(input.ChangeBatch.Changes)
      throw refused('values do not match')
    })
    await lease.release({ status: 'succeeded', movedTraffic: true })
    expect(fieldsOf(txt)).toEqual({
      last: { by: ME.runUrl, outcome: 'succeeded', at: clock.now() }
    })
    expect(logger.lines.filter((line) => line.startsWith('warning:'))).toEqual([])
  })

  it('removes its TXT on release when neither it nor a run before moved traffic', async () => {
    const { lease } = setup()
    await lease.acquire()
    await lease.release({ status: 'failed', movedTraffic: false })
    expect(txt).toBeUndefined()
  })

  it('reads back strings with quotes and backslashes', () => {
    expect(fieldsOf(txtOf(['last-moved-by=a\\"b\\\\c', 'junk'])).last?.by).toBe('a"b\\c')
  })

  it('peeks without a batch', async () => {
    const { lease, clock } = setup()
    expect(await lease.peek()).toBeUndefined()
    txt = heldBy(OTHER, 'other', clock.now() + 60_000)
    expect(await lease.peek()).toContain(`A run now would refuse: Another run holds the lease`)
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0)
  })

  it('fails on a batch Route 53 refuses for another reason than a compare-and-swap', async () => {
    const { lease } = setup()
    beforeBatch = () => {
      throw new InvalidChangeBatch({ message: 'TXT character-string too long', $metadata: {} })
    }
    await expect(lease.acquire()).rejects.toThrow('TXT character-string too long')
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1)
  })
})
