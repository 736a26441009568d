/**
 * Client traffic that finds its load balancer through DNS, loopback only and bounded in count:
 * each request resolves the name through the sandbox's DNS server (like a client behind a fresh
 * resolver answer), then calls the listener of the load balancer whose address came back. For
 * mode dns's e2e tests, where blue and green are two load balancers behind weighted aliases.
 */
import { request } from 'node:http'
import { udpDnsClient, type UdpDnsClient } from './dns-client.js'
import type { Sample } from './traffic.js'

export interface DnsSample extends Sample {
  /** The address DNS answered ('' when it answered none). */
  address: string
}

export class DnsTraffic {
  readonly samples: DnsSample[] = []
  private running = true
  private readonly dns: UdpDnsClient
  private readonly loops: Promise<void>[]

  /** `urlAt` maps an answered address to the listener URL there (sandbox.elb.listenerUrlAt). */
  constructor(
    dnsPort: number,
    private readonly name: string,
    private readonly urlAt: (address: string) => string | undefined,
    concurrency = 4,
    private readonly maxRequests = 50_000,
    private readonly pauseMs = 2
  ) {
    this.dns = udpDnsClient(dnsPort)
    this.loops = Array.from({ length: concurrency }, () => this.loop())
  }

  async stop(): Promise<DnsSample[]> {
    this.running = false
    await Promise.all(this.loops)
    await this.dns.close()
    return this.samples
  }

  private async loop(): Promise<void> {
    while (this.running && this.samples.length < this.maxRequests) {
      this.samples.push(await this.once())
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs))
    }
  }

  private async once(): Promise<DnsSample> {
    let address = ''
    try {
      const answer = (await this.dns.query(this.name)).answers?.find((each) => each.type === 'A')
      address = answer && 'data' in answer ? String(answer.data) : ''
    } catch {
      return { at: Date.now(), status: 0, address }
    }
    const url = this.urlAt(address)
    if (!url) return { at: Date.now(), status: 0, address }
    return new Promise((resolveSample) => {
      const req = request(url, { agent: false, timeout: 5000 }, (res) => {
        res.resume()
        res.on('end', () =>
          resolveSample({
            at: Date.now(),
            status: res.statusCode ?? 0,
            version: res.headers['x-version'] as string | undefined,
            address
          })
        )
      })
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', () => resolveSample({ at: Date.now(), status: 0, address }))
      req.end()
    })
  }
}
