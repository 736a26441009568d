/**
 * The ELBv2 wire protocol (awsQuery): form-encoded POST (or GET) with Action and Version, answered
 * with `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>` XML, or an
 * `<ErrorResponse>` with the status AWS uses. Faults are injected here, before the operation runs.
 */
import type http from 'node:http'
import type { Faults } from '../faults.js'
import { BodyTooLargeError, readBody, requestId } from '../http.js'
import type { Scheduler } from '../scheduler.js'
import type { ElbContext } from './context.js'
import { ElbError } from './errors.js'
import { operations } from './operations/index.js'
import { Input, parseQuery } from './query.js'
import { element, escapeXml } from './xml.js'

export const ELB_XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/'
export const ELB_API_VERSION = '2015-12-01'

function send(res: http.ServerResponse, status: number, id: string, xml: string): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': id })
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`)
}

export function sendError(res: http.ServerResponse, id: string, error: ElbError): void {
  const body =
    `<ErrorResponse xmlns="${ELB_XMLNS}"><Error><Type>${error.type}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${id}</RequestId></ErrorResponse>`
  send(res, error.status, id, body)
}

/** The fault-injection kinds, as ELBv2 reports them. */
function faultError(kind: string): ElbError | undefined {
  switch (kind) {
    case 'throttle':
      return new ElbError('Throttling', 'Rate exceeded')
    case 'prior-request-not-complete':
      return new ElbError(
        'PriorRequestNotComplete',
        'A previous request is still being processed',
        429
      )
    case 'server-error':
      return new ElbError(
        'InternalFailure',
        'The request processing has failed because of an unknown error',
        500,
        'Receiver'
      )
    default:
      return undefined
  }
}

export function elbRequestHandler(
  context: ElbContext,
  faults: Faults,
  scheduler: Scheduler
): http.RequestListener {
  const handle = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: string
  ): Promise<void> => {
    const body = req.method === 'POST' ? (await readBody(req)).toString('utf8') : ''
    const query = new URL(req.url ?? '/', 'http://sandbox').search.slice(1)
    const params = parseQuery(req.method === 'POST' ? body : query)
    const action = params.Action
    if (typeof action !== 'string' || action === '') {
      throw new ElbError('MissingAction', 'The request must contain the parameter Action')
    }
    if (params.Version !== ELB_API_VERSION) {
      throw new ElbError(
        'InvalidAction',
        `Could not find operation ${action} for version ${String(params.Version ?? 'NO_VERSION_SPECIFIED')}`
      )
    }
    if (!req.headers.authorization && !params['X-Amz-Algorithm']) {
      throw new ElbError(
        'MissingAuthenticationToken',
        'Request is missing Authentication Token',
        403
      )
    }
    const fault = faults.take('elbv2', action)
    if (fault?.kind === 'latency') await scheduler.sleep(fault.latencyMs ?? 1000)
    const failure = fault && faultError(fault.kind)
    if (failure) throw failure
    const operation = Object.hasOwn(operations, action) ? operations[action] : undefined
    if (!operation)
      throw new ElbError(
        'InvalidAction',
        `Could not find operation ${action} for version ${ELB_API_VERSION}`
      )
    const result = await operation(Input.of(params), context)
    send(
      res,
      200,
      id,
      `<${action}Response xmlns="${ELB_XMLNS}">${element(`${action}Result`, result) || `<${action}Result/>`}` +
        `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`
    )
  }
  return (req, res) => {
    const id = requestId()
    handle(req, res, id).catch((error: unknown) => {
      if (error instanceof ElbError) return sendError(res, id, error)
      if (error instanceof BodyTooLargeError) {
        return sendError(res, id, new ElbError('ValidationError', error.message, 413))
      }
      // A sandbox bug must still answer (and say what broke) rather than hang the client.
      const message = error instanceof Error ? error.message : String(error)
      sendError(
        res,
        id,
        new ElbError('InternalFailure', `Sandbox error: ${message}`, 500, 'Receiver')
      )
    })
  }
}
