import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dropIfLost, loseAnswer } from '../http.js'
import type { Faults, FaultRule } from '../faults.js'
import {
  internalFailure,
  invalidInput,
  priorRequestNotComplete,
  Route53Error,
  throttling
} from './errors.js'
import type { Route53Model } from './model.js'
import { OPERATIONS, type Operation, type Reply } from './operations.js'
import { document, el } from './xml.js'

export interface ApiServer {
  url: string
  close(): Promise<void>
}

/** Route 53 requests are small; anything larger is refused rather than buffered. */
const MAX_BODY_BYTES = 1024 * 1024

/**
 * The REST/XML control plane on 127.0.0.1. Every request asks the shared Faults first and
 * renders an injected fault in Route 53's own error format; nothing a client sends can crash
 * it: every failure becomes an ErrorResponse.
 */
export async function startApiServer(model: Route53Model, faults: Faults): Promise<ApiServer> {
  const delays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>()
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const delay = { timer: setTimeout(() => finish(), ms), resolve: () => finish() }
      const finish = () => {
        clearTimeout(delay.timer)
        delays.delete(delay)
        resolve()
      }
      delays.add(delay)
    })

  let baseUrl = ''
  const server = createServer((request, response) => {
    void handle(request, response).catch(() => response.destroy())
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID()
    let reply: Reply
    try {
      const url = new URL(request.url ?? '/', baseUrl)
      const match = findOperation(request.method ?? 'GET', url.pathname)
      const body = await readBody(request)
      const fault = faults.take('route53', match?.operation.name ?? 'UnknownOperation')
      if (fault?.kind === 'latency') await sleep(fault.latencyMs ?? 0)
      // The change is still made (or refused): only the answer is lost.
      else if (fault?.kind === 'lost-response') loseAnswer(response, fault.latencyMs)
      else if (fault) throw faultError(fault)
      if (!match) {
        throw new Route53Error(
          'UnknownOperation',
          `The Route 53 sandbox does not implement ${request.method} ${url.pathname}`,
          404
        )
      }
      reply = match.operation.handle(model, {
        params: match.params,
        query: url.searchParams,
        body,
        baseUrl
      })
    } catch (error) {
      reply = errorReply(error, requestId)
    }
    if (response.destroyed || dropIfLost(response)) return
    response.writeHead(reply.status, {
      'content-type': 'text/xml',
      'content-length': Buffer.byteLength(reply.body),
      'x-amzn-requestid': requestId,
      ...reply.headers
    })
    response.end(reply.body)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: baseUrl,
    close: async () => {
      for (const delay of delays) delay.resolve()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    }
  }
}

function findOperation(
  method: string,
  path: string
): { operation: Operation; params: string[] } | undefined {
  for (const operation of OPERATIONS) {
    const match = operation.path.exec(path)
    if (!match || operation.method !== method) continue
    try {
      return { operation, params: match.slice(1).map((param) => decodeURIComponent(param)) }
    } catch {
      throw invalidInput(`Invalid request: malformed path ${path}`)
    }
  }
  return undefined
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(invalidInput(`Request body over ${MAX_BODY_BYTES} bytes`))
      else resolve(Buffer.concat(chunks).toString('utf8'))
    })
    request.on('error', reject)
  })
}

function faultError(fault: FaultRule): Route53Error {
  switch (fault.kind) {
    case 'throttle':
      return throttling()
    case 'prior-request-not-complete':
      return priorRequestNotComplete()
    default:
      return internalFailure()
  }
}

/** Route 53's REST/XML error document; the SDK reads Error/Code into `error.name`. */
function errorReply(error: unknown, requestId: string): Reply {
  const failure =
    error instanceof Route53Error
      ? error
      : internalFailure(
          `The Route 53 sandbox failed: ${error instanceof Error ? error.message : String(error)}`
        )
  return {
    status: failure.status,
    body: document('ErrorResponse', [
      el('Error', [
        el('Type', failure.type),
        el('Code', failure.code),
        el('Message', failure.message)
      ]),
      el('RequestId', requestId)
    ])
  }
}
