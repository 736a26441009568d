import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createSocket, type Socket } from 'node:dgram'
import * as dnsPacket from 'dns-packet'
import { emptySide, type RecordRef, type Sides } from '../../src/backends/sides.js'
import { CancelledError, InputError } from '../../src/errors.js'
import { dnsAnswer, parseResolver, queriesFor } from '../../src/gates/dns-answer.js'
import type { Gate, GateContext } from '../../src/gates/gate.js'
import { Split } from '../../src/split.js'
import { gateDeps, inputs, sidesWith } from './deps.js'

// Route 53 expresses 10 % as weights 229/26: 10.2 %.
const BAKE: GateContext = { phase: 'bake', split: Split.ofPercent(10.2), since: 0 }
const BLUE_IP = '192.0.2.10'
const GREEN_IP = '198.51.100.20'

/** A DNS server on a loopback UDP port that answers each query with what `answer` picks. */
class TinyDnsServer {
  readonly queries: string[] = []
  answer: (query: number) => { rcode?: number; addresses: string[]; cname?: string } = () => ({
    addresses: [BLUE_IP]
  })
  private readonly socket: Socket = createSocket('udp4')

  async start(): Promise<number> {
    this.socket.on('message', (message, from) => {
      const query = dnsPacket.decode(message)
      const question = query.questions![0]
      this.queries.push(`${question.type} ${question.name}`)
      const { rcode = 0, addresses, cname } = this.answer(this.queries.length)
      const owner = cname ?? question.name
      const answers: dnsPacket.Answer[] = [
        ...(cname
          ? [{ type: 'CNAME' as const, name: question.name, ttl: 60, data: `${cname}.` }]
          : []),
        ...addresses.map((data) => ({ type: 'A' as const, name: owner, ttl: 60, data }))
      ]
      const response = dnsPacket.encode({
        type: 'response',
        id: query.id,
        flags: dnsPacket.AUTHORITATIVE_ANSWER | rcode,
        questions: query.questions,
        answers
      })
      this.socket.send(response, from.port, from.address)
    })
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve))
    return this.socket.address().port
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()))
  }
}

/** The sides a dns-mode inspection finds: one weighted A record per side. */
function dnsSidesWith(
  green: { values?: string[]; alias?: string } = {},
  nameServers: string[] = []
): Sides {
  const record = (setIdentifier: string, values: string[], alias?: string): RecordRef => ({
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    name: 'www.example.com',
    type: 'A',
    setIdentifier,
    values,
    ...(alias && { aliasTarget: { dnsName: alias, hostedZoneId: 'Z32O12XQLNTSW2' } })
  })
  return sidesWith([], {
    blue: { ...emptySide(), records: [record('blue', [BLUE_IP])] },
    green: {
      ...emptySide(),
      records: [record('green', green.values ?? (green.alias ? [] : [GREEN_IP]), green.alias)]
    },
    nameServers
  })
}

/** The gate asked at another applied split. */
function at(percent: number): GateContext {
  return { ...BAKE, split: Split.ofPercent(percent) }
}

let server: TinyDnsServer
let port: number

beforeEach(async () => {
  server = new TinyDnsServer()
  port = await server.start()
})

afterEach(async () => {
  await server.close()
})

function build(resolvers = `127.0.0.1:${port}`, settings = {}, sides = dnsSidesWith()) {
  const deps = gateDeps({ settings: { mode: 'dns', ...settings }, sides })
  const parsed = dnsAnswer.readInputs(inputs({ 'dns-resolvers': resolvers }), deps.settings)!
  const gate = dnsAnswer.create(parsed, deps) as Gate
  return { gate, deps }
}

describe('dns-answer inputs', () => {
  it.each([
    ['', []],
    ['203.0.113.53', [{ host: '203.0.113.53', port: 53 }]],
    [
      '127.0.0.1:5353, [2001:db8::53]:5300, 2001:db8::54, ns1.example.com, ns2.example.com:53',
      [
        { host: '127.0.0.1', port: 5353 },
        { host: '2001:db8::53', port: 5300 },
        { host: '2001:db8::54', port: 53 },
        { host: 'ns1.example.com', port: 53 },
        { host: 'ns2.example.com', port: 53 }
      ]
    ]
  ])('dns-resolvers %j', (raw, resolvers) => {
    const settings = gateDeps({ settings: { mode: 'dns' } }).settings
    expect(dnsAnswer.readInputs(inputs({ 'dns-resolvers': raw }), settings)).toEqual({ resolvers })
  })

  it('is off when asked, and outside mode dns', () => {
    const dns = gateDeps({ settings: { mode: 'dns' } }).settings
    expect(dnsAnswer.readInputs(inputs({ 'dns-resolvers': 'off' }), dns)).toBeUndefined()
    expect(dnsAnswer.readInputs(inputs({}), gateDeps().settings)).toBeUndefined()
    expect(() =>
      dnsAnswer.readInputs(inputs({ 'dns-resolvers': '127.0.0.1' }), gateDeps().settings)
    ).toThrow(
      'Input \'dns-resolvers\' has an invalid value "127.0.0.1": expected no value unless mode is dns.'
    )
  })

  it.each(['127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:x', 'ns 1.example.com', '[::1', 'a..b'])(
    'rejects %j',
    (raw) => {
      expect(() => parseResolver(raw)).toThrow(InputError)
      expect(() => parseResolver(raw)).toThrow('host[:port]')
    }
  )

  it('does not apply where the sides have no DNS records', () => {
    const deps = gateDeps({ settings: { mode: 'dns' } })
    expect(dnsAnswer.create({ resolvers: [] }, deps)).toBeUndefined()
  })
})

describe('queriesFor', () => {
  it.each([
    [255, 0, 4],
    [127, 128, 7],
    [229, 26, 43],
    [25, 230, 45],
    [254, 1, 64]
  ])('blue %d / green %d: %d queries per resolver per check', (blue, green, count) => {
    const share = (weight: number) => ({ share: weight / 255, values: [] })
    expect(queriesFor({ blue: share(blue), green: share(green) })).toBe(count)
  })
})

describe('dns-answer gate', () => {
  it('passes once both sides with weight answer, and counts the mix', async () => {
    server.answer = (n) => ({ addresses: [n % 10 === 0 ? GREEN_IP : BLUE_IP] })
    const { gate } = build()
    expect(await gate.check(BAKE)).toEqual({
      status: 'pass',
      detail: `127.0.0.1:${port}: 43 answers: blue 39, green 4`
    })
    expect(server.queries[0]).toBe('A www.example.com')
  })

  it('is pending while green (weight above 0) has not answered, then fails after health-timeout', async () => {
    const { gate, deps } = build(undefined, { healthTimeoutMs: 60_000 })
    expect(await gate.check(BAKE)).toEqual({
      status: 'pending',
      detail: `127.0.0.1:${port}: green (10.2 % of the weight) has not answered yet (43 answers: blue 43, green 0)`
    })
    deps.clock.advance(60_000)
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail:
        `127.0.0.1:${port}: green (10.2 % of the weight) has not answered yet (43 answers: blue 43, green 0), ` +
        'after 60s (health-timeout)'
    })
  })

  it('remembers a side seen in an earlier check at the same weights', async () => {
    server.answer = (n) => ({ addresses: [n === 1 ? GREEN_IP : BLUE_IP] })
    const { gate } = build()
    expect((await gate.check(BAKE)).status).toBe('pass')
    expect((await gate.check(BAKE)).status).toBe('pass')
  })

  it('is pending while blue at weight 0 still answers, and passes once it is gone', async () => {
    let blueGone = false
    server.answer = (n) => ({ addresses: [!blueGone && n % 2 ? BLUE_IP : GREEN_IP] })
    const { gate } = build()
    const first = await gate.check(at(100))
    expect(first.status).toBe('pending')
    expect(first.detail).toContain('blue (weight 0) still answers (4 answers: blue 2, green 2)')
    blueGone = true
    expect(await gate.check(at(100))).toEqual({
      status: 'pass',
      detail: `127.0.0.1:${port}: 4 answers: blue 0, green 4`
    })
  })

  it('starts afresh when the weights change', async () => {
    server.answer = (n) => ({ addresses: [n === 1 ? GREEN_IP : BLUE_IP] })
    const { gate } = build()
    expect((await gate.check(BAKE)).status).toBe('pass')
    expect((await gate.check(at(25.1))).status).toBe('pending')
  })

  it('recognises an alias side by its target name in a CNAME answer', async () => {
    server.answer = (n) =>
      n % 2 ? { addresses: [BLUE_IP] } : { addresses: [], cname: 'green-lb.invalid' }
    const { gate } = build(undefined, {}, dnsSidesWith({ alias: 'green-lb.invalid' }))
    expect(await gate.check(at(50.2))).toEqual({
      status: 'pass',
      detail: `127.0.0.1:${port}: 7 answers: blue 4, green 3`
    })
  })

  it('reports answers that match neither side and answers that are errors', async () => {
    server.answer = (n) =>
      n === 1 ? { rcode: 5, addresses: [] } : { addresses: [n === 2 ? '203.0.113.99' : BLUE_IP] }
    const { gate } = build()
    expect(await gate.check(at(0))).toEqual({
      status: 'pass',
      detail: `127.0.0.1:${port}: 3 answers: blue 2, green 0, other 203.0.113.99 ×1, 1 without answer (rcode REFUSED)`
    })
  })

  it('asks the zone’s name servers by default, and fails for a zone without public ones', async () => {
    const { gate } = build('', {}, dnsSidesWith({}, []))
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail: 'the hosted zone has no public name servers (a private zone?): give dns-resolvers'
    })
  })

  it('stops at once when the run is cancelled', async () => {
    const { gate } = build()
    const controller = new AbortController()
    controller.abort()
    await expect(gate.check({ ...BAKE, signal: controller.signal })).rejects.toThrow(CancelledError)
  })
})
