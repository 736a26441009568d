/**
 * The awsQuery wire protocol ELBv2 and Auto Scaling share: a form-encoded POST (or GET) with
 * Action and Version, answered with `<ActionResponse><ActionResult>…</ActionResult>
 * <ResponseMetadata>` XML, or an `<ErrorResponse>` with the status AWS uses. Faults are injected
 * before the operation runs. What is each service's own (API version, namespace, how members are
 * read, the operations, a fault's wording) comes in its QueryService.
 */
import type http from 'node:http'
import { element, escapeXml, type XmlValue } from './elbv2/xml.js'
import type { Faults, Service } from './faults.js'
import { type ApiHandler, apiListener, dropIfLost, loseAnswer, readBody } from './http.js'
import { isReadOperation, type ReadLag } from './read-lag.js'
import type { Scheduler } from './scheduler.js'

/**
 * An awsQuery error as AWS sends it: a Code (the SDK maps modeled ones to their exceptions, e.g.
 * ListenerNotFound → ListenerNotFoundException), a Type and an HTTP status. Each service has its
 * own subclass, and its handler answers only that one as it is.
 */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender'
  ) {
    super(message)
  }
}

export interface QueryService<Params, Context> {
  /** The service's name in `faults`. */
  service: Service
  version: string
  xmlns: string
  /** Reads the form (a POST's body, a GET's query string); may throw the service's errors. */
  parse(form: string): Params
  /** A top-level member as parsed, for Action, Version and X-Amz-Algorithm. */
  member(params: Params, name: string): unknown
  operations: Record<string, (params: Params, context: Context) => XmlValue | Promise<XmlValue>>
  /** The service's QueryError subclass; any other error is a sandbox bug (InternalFailure). */
  errorClass: typeof QueryError
  /** An injected fault as the service reports it; undefined when it is no error (latency). */
  faultError(kind: string): QueryError | undefined
}

function reply(res: http.ServerResponse, status: number, id: string, xml: string): void {
  if (res.headersSent || res.destroyed || dropIfLost(res)) return
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': id })
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`)
}

export function queryHandler<Params, Context>(
  api: QueryService<Params, Context>,
  context: Context,
  faults: Faults,
  scheduler: Scheduler,
  /** Where the service's reads can lag behind its writes (eventual consistency). */
  lag?: ReadLag<Context>
): http.RequestListener {
  const { errorClass: ServiceError, version, xmlns } = api
  const handle: ApiHandler = async (req, res, id) => {
    const form =
      req.method === 'POST'
        ? (await readBody(req)).toString('utf8')
        : new URL(req.url ?? '/', 'http://sandbox').search.slice(1)
    const params = api.parse(form)
    const action = api.member(params, 'Action')
    if (typeof action !== 'string' || action === '') {
      throw new ServiceError('MissingAction', 'The request must contain the parameter Action')
    }
    const requested = api.member(params, 'Version')
    if (requested !== version) {
      throw new ServiceError(
        'InvalidAction',
        `Could not find operation ${action} for version ${String(requested ?? 'NO_VERSION_SPECIFIED')}`
      )
    }
    if (!req.headers.authorization && !api.member(params, 'X-Amz-Algorithm')) {
      throw new ServiceError(
        'MissingAuthenticationToken',
        'Request is missing Authentication Token',
        403
      )
    }
    const fault = faults.take(api.service, action)
    if (fault?.kind === 'latency') await scheduler.sleep(fault.latencyMs ?? 1000)
    // The operation still runs (and may fail): only its answer, whatever it is, is lost.
    if (fault?.kind === 'lost-response') loseAnswer(res, fault.latencyMs)
    const failure = fault && api.faultError(fault.kind)
    if (failure) throw failure
    const operation = Object.hasOwn(api.operations, action) ? api.operations[action] : undefined
    if (!operation) {
      throw new ServiceError(
        'InvalidAction',
        `Could not find operation ${action} for version ${version}`
      )
    }
    let state = context
    if (lag && isReadOperation(action)) state = lag.forRead(context)
    else lag?.beforeWrite(context)
    const result = element(`${action}Result`, await operation(params, state))
    reply(
      res,
      200,
      id,
      `<${action}Response xmlns="${xmlns}">${result || `<${action}Result/>`}` +
        `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`
    )
  }
  return apiListener(handle, {
    own: ServiceError,
    validation: (message) => new ServiceError('ValidationError', message, 413),
    internal: (message) => new ServiceError('InternalFailure', message, 500, 'Receiver'),
    send: (res, id, error) =>
      reply(
        res,
        error.status,
        id,
        `<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.type}</Type>` +
          `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
          `</Error><RequestId>${id}</RequestId></ErrorResponse>`
      )
  })
}
