import { Route53Client, type Route53ClientConfig } from '@aws-sdk/client-route-53'
import { connect } from 'node:net'
import * as dnsPacket from 'dns-packet'
import type { RecordType } from 'dns-packet'
import type { DnsResponse, UdpDnsClient } from '../../sandbox/dns-client.js'

// The UDP client lives with the sandbox, where the demo uses it too.
export { type DnsResponse, udpDnsClient } from '../../sandbox/dns-client.js'

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
  client: UdpDnsClient,
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
