import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { createServer, type Server, type Socket } from 'node:net'

export type DnsHandler = (message: Buffer, transport: 'udp' | 'tcp') => Buffer | undefined

export interface DnsServer {
  port: number
  close(): Promise<void>
}

const HOST = '127.0.0.1'
/** An idle TCP client is let go after this long, so a forgotten connection cannot pin close(). */
const TCP_IDLE_MS = 10_000

/**
 * A real DNS server on 127.0.0.1: UDP and TCP (RFC 1035 length-prefixed) on the same ephemeral
 * port, so `dig @127.0.0.1 -p PORT` and resolvers that fall back to TCP both work.
 */
export async function startDnsServer(handler: DnsHandler): Promise<DnsServer> {
  const safe = (message: Buffer, transport: 'udp' | 'tcp') => {
    try {
      return handler(message, transport)
    } catch {
      // Never let one odd query take the server down: answer SERVFAIL when the id is readable.
      return message.length >= 2 ? servfail(message.readUInt16BE(0)) : undefined
    }
  }
  // The UDP port is chosen by the OS; TCP then takes the same number, retrying if it is taken.
  for (let attempt = 0; ; attempt += 1) {
    const udp = await bindUdp(safe)
    const port = udp.address().port
    try {
      const tcp = await listenTcp(port, safe)
      return { port, close: () => closeBoth(udp, tcp) }
    } catch (error) {
      await new Promise<void>((resolve) => udp.close(() => resolve()))
      if (attempt >= 10) throw error
    }
  }
}

function bindUdp(handler: DnsHandler): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4')
    socket.once('error', reject)
    socket.on('message', (message, remote) => {
      const response = handler(message, 'udp')
      if (response) socket.send(response, remote.port, remote.address)
    })
    socket.bind(0, HOST, () => {
      socket.off('error', reject)
      socket.on('error', () => undefined) // e.g. ICMP unreachable for a vanished client
      resolve(socket)
    })
  })
}

interface TcpServer {
  server: Server
  sockets: Set<Socket>
}

function listenTcp(port: number, handler: DnsHandler): Promise<TcpServer> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy())
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    let pending = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0)
        const response = handler(pending.subarray(2, 2 + length), 'tcp')
        pending = pending.subarray(2 + length)
        if (response) {
          const prefix = Buffer.alloc(2)
          prefix.writeUInt16BE(response.length)
          socket.write(Buffer.concat([prefix, response]))
        }
      }
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, HOST, () => {
      server.off('error', reject)
      resolve({ server, sockets })
    })
  })
}

async function closeBoth(udp: UdpSocket, tcp: TcpServer): Promise<void> {
  for (const socket of tcp.sockets) socket.destroy()
  await Promise.all([
    new Promise<void>((resolve) => udp.close(() => resolve())),
    new Promise<void>((resolve) => tcp.server.close(() => resolve()))
  ])
}

function servfail(id: number): Buffer {
  const header = Buffer.alloc(12)
  header.writeUInt16BE(id, 0)
  header.writeUInt16BE(0x8000 | 2, 2) // QR=1, RCODE=SERVFAIL
  return header
}
