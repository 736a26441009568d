/**
 * Loopback HTTP plumbing shared by every sandbox server: bind 127.0.0.1 on an ephemeral port,
 * read bounded bodies, give API requests their ids and answer what their handlers throw, and
 * close without leaving sockets behind (jest must exit on its own).
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

/** Responses whose answer a `lost-response` fault swallows, with how long to hold each. */
const lostAnswers = new WeakMap<http.ServerResponse, number>()

/** Marks the answer to this request as lost: the request still runs, its reply never arrives. */
export function loseAnswer(res: http.ServerResponse, holdMs = 0): void {
  lostAnswers.set(res, holdMs)
}

/**
 * Called where a server would answer: a lost answer drops the connection instead (at once, or
 * after the hold, unless the client gave up first), and the caller must not write. The SDK sees
 * a network error or its own timeout, as when a reply is lost between AWS and the client.
 */
export function dropIfLost(res: http.ServerResponse): boolean {
  const holdMs = lostAnswers.get(res)
  if (holdMs === undefined) return false
  lostAnswers.delete(res)
  if (holdMs <= 0) {
    res.destroy()
    return true
  }
  const timer = setTimeout(() => res.destroy(), holdMs)
  // The client timing out, or the sandbox closing, ends the hold early.
  res.once('close', () => clearTimeout(timer))
  return true
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

/** One API request: answers on `res`, or throws for the listener to answer. */
export type ApiHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  id: string
) => Promise<void>

/** How a service words what its handler throws. */
export interface ApiErrors<E> {
  /** The service's own error class: those are answered as they are. */
  own: abstract new (...args: never[]) => E
  /** An oversized body. */
  validation(message: string): E
  /** Anything else: a sandbox bug. */
  internal(message: string): E
  send(res: http.ServerResponse, id: string, error: E): void
}

/**
 * An API server's request listener: each request gets its request id, and whatever the handler
 * throws is answered in the service's protocol. A sandbox bug must still answer (and say what
 * broke) rather than hang the client.
 */
export function apiListener<E>(handle: ApiHandler, errors: ApiErrors<E>): http.RequestListener {
  return (req, res) => {
    const id = requestId()
    handle(req, res, id).catch((error: unknown) => {
      if (error instanceof errors.own) return errors.send(res, id, error)
      if (error instanceof BodyTooLargeError) {
        return errors.send(res, id, errors.validation(error.message))
      }
      const message = error instanceof Error ? error.message : String(error)
      errors.send(res, id, errors.internal(`Sandbox error: ${message}`))
    })
  }
}
