import { randomInt } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import * as dnsPacket from 'dns-packet'
import { CancelledError } from '../errors.js'

/** A DNS server by address (not name) and port. */
export interface DnsServer {
  address: string
  port: number
}

/** One DNS response, reduced to what a traffic check reads. */
export interface DnsResponse {
  rcode: string
  truncated: boolean
  /** Answer records in order: A/AAAA addresses, CNAME targets (lower case, no trailing dot). */
  answers: { type: string; data: string }[]
}

interface Waiting {
  name: string
  resolve: (response: DnsResponse) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

/**
 * A plain UDP DNS client for one server: no cache (every query reaches the server, so weighted
 * answers can be counted) and any port (a local server, a sandbox). Responses are matched to
 * queries by id and question name, so many queries can be in flight on one socket.
 */
export class UdpDnsClient {
  private readonly socket: Socket
  private readonly waiting = new Map<number, Waiting>()
  private nextId = randomInt(0x10000)

  constructor(
    private readonly server: DnsServer,
    private readonly timeoutMs = 2000
  ) {
    this.socket = createSocket(isIPv6(server.address) ? 'udp6' : 'udp4')
    this.socket.on('message', (message) => this.receive(message))
    // A send error (e.g. unreachable) surfaces as the query's timeout; keep the process alive.
    this.socket.on('error', () => undefined)
  }

  query(name: string, type: 'A' | 'AAAA' | 'CNAME', signal?: AbortSignal): Promise<DnsResponse> {
    if (signal?.aborted) return Promise.reject(new CancelledError())
    const id = this.freeId()
    const packet = dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type, name, class: 'IN' }]
    })
    return new Promise<DnsResponse>((resolve, reject) => {
      const onAbort = (): void => settle(new CancelledError())
      const settle = (outcome: DnsResponse | Error): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.waiting.delete(id)
        if (outcome instanceof Error) reject(outcome)
        else resolve(outcome)
      }
      const where = `${this.server.address}:${this.server.port}`
      const timer = setTimeout(
        () => settle(new Error(`no answer from ${where} within ${this.timeoutMs}ms`)),
        this.timeoutMs
      )
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.set(id, { name: name.toLowerCase(), resolve: settle, reject: settle, timer })
      this.socket.send(packet, this.server.port, this.server.address)
    })
  }

  close(): void {
    for (const entry of this.waiting.values()) entry.reject(new Error('DNS client closed'))
    this.socket.close()
  }

  private freeId(): number {
    do this.nextId = (this.nextId + 1) & 0xffff
    while (this.waiting.has(this.nextId))
    return this.nextId
  }

  private receive(message: Buffer): void {
    let decoded: dnsPacket.DecodedPacket & { rcode?: string }
    try {
      decoded = dnsPacket.decode(message)
    } catch {
      return // not a DNS message: the query times out instead
    }
    const entry = this.waiting.get(decoded.id ?? -1)
    const question = decoded.questions?.[0]?.name.toLowerCase().replace(/\.$/, '')
    if (!entry || question !== entry.name.replace(/\.$/, '')) return
    entry.resolve({
      rcode: decoded.rcode ?? 'NOERROR',
      truncated: ((decoded.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) !== 0,
      answers: (decoded.answers ?? []).flatMap((answer) =>
        answer.type === 'A' || answer.type === 'AAAA' || answer.type === 'CNAME'
          ? [{ type: answer.type, data: answer.data.toLowerCase().replace(/\.$/, '') }]
          : []
      )
    })
  }
}
