/**
 * Loopback HTTP plumbing shared by every sandbox server: bind 127.0.0.1 on an ephemeral port,
 * read bounded bodies, and close without leaving sockets behind (jest must exit on its own).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'

export interface LoopbackServer {
  readonly server: http.Server
  readonly port: number
  readonly url: string
  close(): Promise<void>
}

export async function listenLoopback(handler: http.RequestListener): Promise<LoopbackServer> {
  const server = http.createServer(handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return { server, port, url: `http://127.0.0.1:${port}`, close: () => closeServer(server) }
}

/** Stops accepting, then drops every connection, idle keep-alive ones included. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      server.closeAllConnections()
      resolve()
      return
    }
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes`)
  }
}

/** Reads the whole request body, refusing more than `limit` bytes instead of buffering forever. */
export function readBody(req: http.IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new BodyTooLargeError(limit))
        req.resume()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
    req.on('aborted', () => reject(new Error('Request aborted')))
  })
}

/** AWS answers every API call with a request id; the SDK exposes it as $metadata.requestId. */
export function requestId(): string {
  return randomUUID()
}
