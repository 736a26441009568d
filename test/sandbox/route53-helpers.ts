import { Route53Client, type Route53ClientConfig } from '@aws-sdk/client-route-53'
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import * as dnsPacket from 'dns-packet'
import type { DecodedPacket, RecordType } from 'dns-packet'

/** A real SDK client aimed at the sandbox, with fake credentials. */
export function route53Client(
  url: string,
  config: Partial<Route53ClientConfig> = {}
): Route53Client {
  return new Route53Client({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' },
    ...config
  })
}

/** A decoded DNS response, with the header fields @types/dns-packet leaves out. */
export type DnsResponse = DecodedPacket & { rcode: string }

/**
 * A UDP DNS client that matches responses to queries by id, so many queries can be in flight
 * at once. Each query fails after a timeout instead of hanging a test.
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

/** One DNS query over TCP (length-prefixed), on a fresh connection. */
export function tcpQuery(port: number, name: string, type: RecordType = 'A'): Promise<DnsResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    socket.on('error', reject)
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk])
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        socket.end()
        resolve(dnsPacket.decode(received.subarray(2)) as DnsResponse)
      }
    })
    socket.write(dnsPacket.streamEncode({ type: 'query', id: 99, questions: [{ name, type }] }))
  })
}

/** Sends `count` queries, `parallel` at a time, and tallies the first answer's data. */
export async function tally(
  client: ReturnType<typeof udpDnsClient>,
  name: string,
  count: number,
  parallel = 100
): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (let sent = 0; sent < count; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - sent) }, () => client.query(name))
    for (const response of await Promise.all(batch)) {
      const data = String(
        response.answers?.[0] && 'data' in response.answers[0] ? response.answers[0].data : 'none'
      )
      counts.set(data, (counts.get(data) ?? 0) + 1)
    }
  }
  return counts
}

/**
 * How far a binomial count may stray from its mean: `sigmas` standard deviations of
 * Binomial(n, p). With a seeded random the count is fixed; the bound says it is plausible.
 */
export function binomialTolerance(n: number, p: number, sigmas = 4): number {
  return sigmas * Math.sqrt(n * p * (1 - p))
}
