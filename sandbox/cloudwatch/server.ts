/**
 * The CloudWatch wire protocol of the pinned SDK: AWS JSON 1.0 (POST /, `X-Amz-Target:
 * GraniteServiceVersion20100801.<Operation>`, JSON in and out), in awsQuery-compatible mode, so
 * errors carry `x-amzn-query-error: Code;Type` next to the JSON `__type`.
 */
import type http from 'node:http'
import type { Faults } from '../faults.js'
import { type ApiHandler, apiListener, dropIfLost, loseAnswer, readBody } from '../http.js'
import type { Scheduler } from '../scheduler.js'
import { CloudWatchError, cloudWatchErrors } from './errors.js'
import { JsonInput } from './json-input.js'
import type { CloudWatchContext } from './context.js'
import { cloudWatchOperations } from './operations.js'

export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801'
const CONTENT_TYPE = 'application/x-amz-json-1.0'

function send(
  res: http.ServerResponse,
  status: number,
  id: string,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {}
): void {
  if (res.headersSent || res.destroyed || dropIfLost(res)) return
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': id, ...headers })
  res.end(JSON.stringify(body))
}

function sendError(res: http.ServerResponse, id: string, error: CloudWatchError): void {
  send(
    res,
    error.status,
    id,
    { __type: error.shape, message: error.message },
    {
      'x-amzn-query-error': `${error.code};${error.type}`
    }
  )
}

export function cloudWatchRequestHandler(
  context: CloudWatchContext,
  faults: Faults,
  scheduler: Scheduler
): http.RequestListener {
  const handle: ApiHandler = async (req, res, id) => {
    const body = (await readBody(req)).toString('utf8')
    const target = String(req.headers['x-amz-target'] ?? '')
    const [prefix, operationName] = target.split('.')
    if (req.method !== 'POST' || prefix !== CLOUDWATCH_TARGET_PREFIX || !operationName) {
      throw cloudWatchErrors.unknownOperation(target || '(no X-Amz-Target)')
    }
    if (!req.headers.authorization) throw cloudWatchErrors.missingAuthentication()
    const fault = faults.take('cloudwatch', operationName)
    if (fault?.kind === 'latency') await scheduler.sleep(fault.latencyMs ?? 1000)
    if (fault?.kind === 'lost-response') loseAnswer(res, fault.latencyMs)
    if (fault?.kind === 'throttle') throw cloudWatchErrors.throttling()
    if (fault?.kind === 'server-error' || fault?.kind === 'prior-request-not-complete') {
      throw cloudWatchErrors.internal(
        'The request processing has failed because of an unknown error'
      )
    }
    const operation = Object.hasOwn(cloudWatchOperations, operationName)
      ? cloudWatchOperations[operationName]
      : undefined
    if (!operation) throw cloudWatchErrors.unknownOperation(target)
    send(res, 200, id, operation(JsonInput.parse(body), context))
  }
  return apiListener(handle, {
    own: CloudWatchError,
    validation: cloudWatchErrors.validation,
    internal: cloudWatchErrors.internal,
    send: sendError
  })
}
