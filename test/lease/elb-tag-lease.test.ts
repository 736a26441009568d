import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  AddTagsCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
  RemoveTagsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mockClient } from 'aws-sdk-client-mock'
import type { Phase } from '../../src/backends/backend.js'
import { CancelledError } from '../../src/errors.js'
import { MemoryLogger } from '../../src/logger.js'
import { ElbTagLease, READBACK_DELAY_MS, tagValue } from '../../src/lease/elb-tag-lease.js'
import { LeaseHeldError, LeaseLostError } from '../../src/lease/lease.js'
import { Split } from '../../src/split.js'
import { FakeClock } from '../helpers/fake-clock.js'

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2'
const ME = { runUrl: 'https://github.com/octo/shop/actions/runs/7/attempts/1', leaseId: 'me' }
const OTHER = 'https://github.com/octo/shop/actions/runs/6/attempts/1'
const DURATION = 15 * 60_000
const PHASE: Phase = {
  summary: 'set weights',
  calls: [],
  expect: { split: Split.ofPercent(10), native: {}, detail: '', fingerprint: '' },
  movesTraffic: true
}

const elb = mockClient(ElasticLoadBalancingV2Client)
let tags: Map<string, string>
/** Runs when the lease's read-back delay passes: another run writing at the same moment. */
let duringReadback: (() => void) | undefined

function setup(breakLease = false) {
  const clock = new FakeClock()
  const sleep = clock.sleep.bind(clock)
  clock.sleep = async (ms, signal) => {
    await sleep(ms, signal)
    duringReadback?.()
  }
  const logger = new MemoryLogger()
  const lease = new ElbTagLease(new ElasticLoadBalancingV2Client({}), LISTENER, {
    me: ME,
    durationMs: DURATION,
    breakLease,
    clock,
    logger
  })
  return { lease, clock, logger }
}

function held(url: string, leaseId: string, expiresAt: number): void {
  tags.set('traffic-shift:lease-holder', url)
  tags.set('traffic-shift:lease-id', leaseId)
  tags.set('traffic-shift:lease-started', new Date(expiresAt - DURATION).toISOString())
  tags.set('traffic-shift:lease-expires', new Date(expiresAt).toISOString())
}

beforeEach(() => {
  elb.reset()
  tags = new Map([['team', 'shop']])
  duringReadback = undefined
  elb.on(DescribeTagsCommand).callsFake((input) => ({
    TagDescriptions: [
      {
        ResourceArn: input.ResourceArns[0],
        Tags: [...tags].map(([Key, Value]) => ({ Key, Value }))
      }
    ]
  }))
  elb.on(AddTagsCommand).callsFake((input) => {
    for (const { Key, Value } of input.Tags) tags.set(Key, Value)
    return {}
  })
  elb.on(RemoveTagsCommand).callsFake((input) => {
    for (const key of input.TagKeys) tags.delete(key)
    return {}
  })
})

describe('ElbTagLease', () => {
  it('says what the lease needs when the resource has no tags to spare', async () => {
    elb.on(AddTagsCommand).rejects(
      Object.assign(new Error("You've reached the limit on the number of tags for this resource"), {
        name: 'TooManyTagsException'
      })
    )
    const { lease } = setup()
    await expect(lease.acquire()).rejects.toThrow(
      /limit on the number of tags.*Taking the run's lease needs up to 7 tags named traffic-shift:\* on this resource and ELB allows 50/
    )
  })

  it('the post step holds again a lease its identity took in the main step, and releases it', async () => {
    const { lease, clock } = setup()
    // The killed main step's lease, past its expiry: nobody took it, so it is still ours.
    held(ME.runUrl, ME.leaseId, clock.now() - 1)
    await lease.resume()
    expect(elb.commandCalls(AddTagsCommand)).toHaveLength(0)
    await lease.guard(PHASE)
    expect(tags.get('traffic-shift:lease-expires')).toBe(
      new Date(clock.now() + DURATION).toISOString()
    )
    await lease.release({ status: 'rolled-back', movedTraffic: true })
    expect(tags.get('traffic-shift:lease-holder')).toBeUndefined()
    expect(tags.get('traffic-shift:last-outcome')).toBe('rolled-back')
  })

  it('the post step does not hold a lease another run took, and leaves it', async () => {
    const { lease, clock } = setup()
    held(OTHER, 'other', clock.now() + 60_000)
    await expect(lease.resume()).rejects.toThrow(`lost its lease on ${LISTENER} to ${OTHER}`)
    await lease.release({ status: 'failed', movedTraffic: true })
    expect(elb.commandCalls(AddTagsCommand)).toHaveLength(0)
    expect(elb.commandCalls(RemoveTagsCommand)).toHaveLength(0)
    expect(tags.get('traffic-shift:lease-holder')).toBe(OTHER)
  })

  it('takes a free lease naming the run, reads it back, renews it and releases it', async () => {
    const { lease, clock } = setup()
    const now = clock.now()
    expect(await lease.acquire()).toEqual([])
    expect(clock.sleeps).toEqual([READBACK_DELAY_MS])
    expect(tags.get('traffic-shift:lease-holder')).toBe(ME.runUrl)
    expect(tags.get('traffic-shift:lease-started')).toBe(new Date(now).toISOString())
    expect(tags.get('traffic-shift:lease-expires')).toBe(new Date(now + DURATION).toISOString())

    clock.advance(60_000)
    await expect(lease.guard(PHASE)).resolves.toBe(PHASE)
    expect(tags.get('traffic-shift:lease-expires')).toBe(
      new Date(clock.now() + DURATION).toISOString()
    )
    // The start stays: the lease says since when this run holds it.
    expect(tags.get('traffic-shift:lease-started')).toBe(new Date(now).toISOString())

    await lease.release({ status: 'succeeded', movedTraffic: true })
    expect(Object.fromEntries(tags)).toEqual({
      team: 'shop',
      'traffic-shift:last-moved-by': ME.runUrl,
      'traffic-shift:last-outcome': 'succeeded',
      'traffic-shift:last-moved-at': new Date(clock.now()).toISOString()
    })
  })

  it('refuses a live lease of another run before writing, naming it and its expiry', async () => {
    const { lease, clock } = setup()
    const expires = clock.now() + 5 * 60_000
    held(OTHER, 'other', expires)
    const refusal = lease.acquire()
    await expect(refusal).rejects.toThrow(LeaseHeldError)
    await expect(refusal).rejects.toThrow(`${OTHER}, until ${new Date(expires).toISOString()}`)
    expect(elb.commandCalls(AddTagsCommand)).toHaveLength(0)
    expect(tags.get('traffic-shift:lease-holder')).toBe(OTHER)
  })

  it('takes over an expired lease with a warning', async () => {
    const { lease, clock } = setup()
    held(OTHER, 'other', clock.now() - 1)
    const warnings = await lease.acquire()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`of ${OTHER}, which expired at`)
    expect(tags.get('traffic-shift:lease-holder')).toBe(ME.runUrl)
  })

  it('breaks a live lease on purpose with break-lease', async () => {
    const { lease, clock } = setup(true)
    held(OTHER, 'other', clock.now() + 60_000)
    const warnings = await lease.acquire()
    expect(warnings[0]).toContain(
      `break-lease: true breaks the live lease on ${LISTENER} of ${OTHER}`
    )
    expect(tags.get('traffic-shift:lease-id')).toBe('me')
  })

  it('backs off when another run’s lease overwrites its own before the read-back', async () => {
    const { lease, clock } = setup()
    duringReadback = () => held(OTHER, 'other', clock.now() + DURATION)
    await expect(lease.acquire()).rejects.toThrow(`holds the lease on ${LISTENER}: ${OTHER}`)
    // The other run's lease is left as it is, and this run does not count as holding one.
    expect(tags.get('traffic-shift:lease-holder')).toBe(OTHER)
    duringReadback = undefined
    await lease.release({ status: 'failed', movedTraffic: false })
    expect(elb.commandCalls(RemoveTagsCommand)).toHaveLength(0)
  })

  it('stops before a write once another run took the lease, and leaves it on release', async () => {
    const { lease, clock, logger } = setup()
    await lease.acquire()
    held(OTHER, 'other', clock.now() + DURATION)
    const writes = elb.commandCalls(AddTagsCommand).length
    await expect(lease.guard(PHASE)).rejects.toThrow(LeaseLostError)
    await expect(lease.guard(PHASE)).rejects.toThrow(`lost its lease on ${LISTENER} to ${OTHER}`)
    await lease.release({ status: 'failed', movedTraffic: true })
    expect(elb.commandCalls(AddTagsCommand)).toHaveLength(writes)
    expect(elb.commandCalls(RemoveTagsCommand)).toHaveLength(0)
    expect(tags.get('traffic-shift:lease-holder')).toBe(OTHER)
    expect(logger.lines.join('\n')).toContain('no longer this run')
  })

  it('removes its lease on release when the run is cancelled before the read-back', async () => {
    const { lease } = setup()
    // The runner's SIGINT aborts the read-back's sleep, as Clock.sleep does.
    duringReadback = () => {
      throw new CancelledError()
    }
    await expect(lease.acquire()).rejects.toThrow(CancelledError)
    expect(tags.get('traffic-shift:lease-holder')).toBe(ME.runUrl)
    await lease.release({ status: 'failed', movedTraffic: false })
    expect(tags.has('traffic-shift:lease-holder')).toBe(false)
  })

  it('keeps the previous last-moved-by when this run moved no traffic', async () => {
    const { lease } = setup()
    tags.set('traffic-shift:last-moved-by', OTHER)
    await lease.acquire()
    await lease.release({ status: 'failed', movedTraffic: false })
    expect(tags.get('traffic-shift:last-moved-by')).toBe(OTHER)
    expect(tags.has('traffic-shift:lease-holder')).toBe(false)
  })

  it('does not take a lease whose expiry cannot be read', async () => {
    const { lease } = setup()
    tags.set('traffic-shift:lease-holder', OTHER)
    await expect(lease.acquire()).rejects.toThrow('until an expiry that cannot be read')
  })

  it('spells a run URL in the characters ELB accepts in a tag value', () => {
    expect(tagValue('https://ghe.example.com/~ops/shop?x=1#y')).toBe(
      'https://ghe.example.com/_ops/shop_x=1_y'
    )
    expect(tagValue('x'.repeat(300))).toHaveLength(256)
    // 𝒳 is a letter outside the basic plane: two UTF-16 units, one character to AWS.
    const wide = tagValue('𝒳'.repeat(300))
    expect(Array.from(wide)).toHaveLength(256)
    expect(wide).toBe('𝒳'.repeat(256))
  })

  it('peeks without writing: nothing for a free lease, the refusal for a live one', async () => {
    const { lease, clock } = setup()
    expect(await lease.peek()).toBeUndefined()
    held(OTHER, 'other', clock.now() + 60_000)
    expect(await lease.peek()).toContain(
      `A run now would refuse: Another run holds the lease on ${LISTENER}: ${OTHER}`
    )
    held(OTHER, 'other', clock.now() - 1)
    expect(await lease.peek()).toContain('A run now: Taking over the lease')
    expect(elb.commandCalls(AddTagsCommand)).toHaveLength(0)
  })
})
