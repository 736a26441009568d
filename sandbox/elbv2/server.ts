/**
 * The ELBv2 API over awsQuery (see ../query-protocol.ts): API version 2015-12-01, members read
 * into an Input tree, operations that may be async, and faults in ELBv2's own words.
 */
import type http from 'node:http'
import type { Faults } from '../faults.js'
import { queryHandler, type QueryService } from '../query-protocol.js'
import type { ReadLag } from '../read-lag.js'
import type { Scheduler } from '../scheduler.js'
import type { ElbContext } from './context.js'
import { ElbError } from './errors.js'
import { operations } from './operations/index.js'
import { Input, parseQuery } from './query.js'

export const ELB_XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/'
export const ELB_API_VERSION = '2015-12-01'

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

const elbQuery: QueryService<Input, ElbContext> = {
  service: 'elbv2',
  version: ELB_API_VERSION,
  xmlns: ELB_XMLNS,
  parse: (form) => Input.of(parseQuery(form)),
  member: (input, name) => input.raw(name),
  operations,
  errorClass: ElbError,
  faultError
}

export function elbRequestHandler(
  context: ElbContext,
  faults: Faults,
  scheduler: Scheduler,
  lag?: ReadLag<ElbContext>
): http.RequestListener {
  return queryHandler(elbQuery, context, faults, scheduler, lag)
}
