/**
 * The Auto Scaling wire protocol (awsQuery, API version 2011-01-01): a form-encoded POST with
 * Action and Version, answered with `<ActionResponse><ActionResult>…` XML or an
 * `<ErrorResponse>`. Faults are injected before the operation runs.
 */
import type http from 'node:http'
import { element, escapeXml } from '../elbv2/xml.js'
import type { Faults } from '../faults.js'
import { BodyTooLargeError, readBody, requestId } from '../http.js'
import type { Scheduler } from '../scheduler.js'
import { AutoScalingError } from './errors.js'
import { type AutoScalingContext, operations } from './operations.js'
import { QueryParams } from './query.js'

export const AUTO_SCALING_XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/'
export const AUTO_SCALING_API_VERSION = '2011-01-01'

function reply(res: http.ServerResponse, status: number, id: string, xml: string): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': id })
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`)
}

function replyError(res: http.ServerResponse, id: string, error: AutoScalingError): void {
  reply(
    res,
    error.status,
    id,
    `<ErrorResponse xmlns="${AUTO_SCALING_XMLNS}"><Error><Type>${error.type}</Type>` +
      `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
      `</Error><RequestId>${id}</RequestId></ErrorResponse>`
  )
}

/** Injected faults as Auto Scaling reports them. */
function faultError(kind: string): AutoScalingError | undefined {
  if (kind === 'throttle') return new AutoScalingError('Throttling', 'Rate exceeded')
  if (kind === 'server-error') {
    return new AutoScalingError('InternalFailure', 'An internal error occurred', 500, 'Receiver')
  }
  if (kind === 'prior-request-not-complete') {
    // Auto Scaling's own word for a conflicting change in flight.
    return new AutoScalingError(
      'ResourceContention',
      'You already have a pending update to an Auto Scaling resource',
      500,
      'Receiver'
    )
  }
  return undefined
}

export function autoScalingHandler(
  context: AutoScalingContext,
  faults: Faults,
  scheduler: Scheduler
): http.RequestListener {
  const handle = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: string
  ): Promise<void> => {
    const body =
      req.method === 'POST'
        ? (await readBody(req)).toString('utf8')
        : new URL(req.url ?? '/', 'http://sandbox').search.slice(1)
    const params = new QueryParams(body)
    const action = params.string('Action')
    if (!action)
      throw new AutoScalingError('MissingAction', 'The request must contain the parameter Action')
    const version = params.string('Version')
    if (version !== AUTO_SCALING_API_VERSION) {
      throw new AutoScalingError(
        'InvalidAction',
        `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`
      )
    }
    if (!req.headers.authorization && !params.string('X-Amz-Algorithm')) {
      throw new AutoScalingError(
        'MissingAuthenticationToken',
        'Request is missing Authentication Token',
        403
      )
    }
    const fault = faults.take('autoscaling', action)
    if (fault?.kind === 'latency') await scheduler.sleep(fault.latencyMs ?? 1000)
    const failure = fault && faultError(fault.kind)
    if (failure) throw failure
    const operation = Object.hasOwn(operations, action) ? operations[action] : undefined
    if (!operation) {
      throw new AutoScalingError(
        'InvalidAction',
        `Could not find operation ${action} for version ${AUTO_SCALING_API_VERSION}`
      )
    }
    const result = element(`${action}Result`, operation(params, context)) || `<${action}Result/>`
    reply(
      res,
      200,
      id,
      `<${action}Response xmlns="${AUTO_SCALING_XMLNS}">${result}` +
        `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`
    )
  }
  return (req, res) => {
    const id = requestId()
    handle(req, res, id).catch((error: unknown) => {
      if (error instanceof AutoScalingError) return replyError(res, id, error)
      if (error instanceof BodyTooLargeError) {
        return replyError(res, id, new AutoScalingError('ValidationError', error.message, 413))
      }
      // A sandbox bug must still answer, and say what broke, rather than hang the client.
      const message = error instanceof Error ? error.message : String(error)
      replyError(
        res,
        id,
        new AutoScalingError('InternalFailure', `Sandbox error: ${message}`, 500, 'Receiver')
      )
    })
  }
}
