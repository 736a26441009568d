/**
 * DNS clients for the sandbox's name server (`sandbox.route53.dns`), loopback only: a UDP client
 * that keeps many queries in flight, and a resolving loop that stands in for the resolvers of a
 * client population during a shift, for the demo and the tests.
 */
import { createSocket } from 'node:dgram'
import * as dnsPacket from 'dns-packet'
import type { DecodedPacket, RecordType } from 'dns-packet'

/** A decoded DNS response, with the header fields @types/dns-packet leaves out. */
export type DnsResponse = DecodedPacket & { rcode: string }

/**
 * A UDP DNS client that matches responses to queries by id, so many queries can be in flight
 * at once. Each query fails after a timeout instead of hanging its caller.
 */
export function udpDnsClient(port: number) {
  const socket = createSocket('udp4')
  const waiting = new Map<number, { resolve: (r: DnsResponse) => void; timer: NodeJS.Timeout }>()
  let nextId = 1
  socket.on('message', (message) => {
    const response = dnsPacket.decode(message) as DnsResponse
    const entry = waiting.get(response.id ?? -1)
    if (!entry) return
    clearTimeout(entry.timer)
    waiting.delete(response.id ?? -1)
    entry.resolve(response)
  })
  const sendRaw = (id: number, message: Buffer) =>
    new Promise<DnsResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new Error(`no DNS answer for query ${id}`))
      }, 2000)
      waiting.set(id, { resolve, timer })
      socket.send(message, port, '127.0.0.1')
    })
  return {
    query(name: string, type: RecordType = 'A', extra: Partial<dnsPacket.Packet> = {}) {
      const id = nextId++ & 0xffff
      const packet = { type: 'query' as const, id, questions: [{ name, type }], ...extra }
      return sendRaw(id, dnsPacket.encode(packet))
    },
    /** Sends arbitrary bytes whose first two bytes are `id`. */
    raw: (id: number, message: Buffer) => sendRaw(id, message),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve()))
  }
}

export type UdpDnsClient = ReturnType<typeof udpDnsClient>

export interface DnsAnswer {
  at: number
  /** The first answer's data (an address, a name); '' when the query got no answer or failed. */
  value: string
  /** The response code (NOERROR, NXDOMAIN, …), or TIMEOUT when no response came. */
  rcode: string
}

/**
 * A client resolving one name through a DNS server, one query after another with a `pauseMs`
 * pause between (several hundred a second on loopback), until stopped or `maxQueries` is reached:
 * bounded in rate and count.
 */
export class Resolving {
  readonly answers: DnsAnswer[] = []
  private running = true
  private readonly client: UdpDnsClient
  private readonly loop: Promise<void>

  constructor(
    port: number,
    private readonly name: string,
    private readonly maxQueries = 30_000,
    private readonly pauseMs = 1
  ) {
    this.client = udpDnsClient(port)
    this.loop = this.run()
  }

  async stop(): Promise<DnsAnswer[]> {
    this.running = false
    await this.loop
    await this.client.close()
    return this.answers
  }

  /** The share of a time window's answers that were `value` (a failed query counts as other). */
  share(value: string, from: number, to: number): { share: number; count: number } {
    const window = this.answers.filter((answer) => answer.at >= from && answer.at <= to)
    const matching = window.filter((answer) => answer.value === value).length
    return { share: matching / window.length, count: window.length }
  }

  private async run(): Promise<void> {
    while (this.running && this.answers.length < this.maxQueries) {
      this.answers.push(await this.once())
      // Paced like a client population, not a flood.
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs))
    }
  }

  private async once(): Promise<DnsAnswer> {
    try {
      const response = await this.client.query(this.name)
      const first = response.answers?.[0]
      const value = first && 'data' in first ? String(first.data) : ''
      return { at: Date.now(), value, rcode: response.rcode }
    } catch {
      return { at: Date.now(), value: '', rcode: 'TIMEOUT' }
    }
  }
}
