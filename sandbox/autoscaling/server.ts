/**
 * The Auto Scaling API over awsQuery (see ../query-protocol.ts): API version 2011-01-01, members
 * read as QueryParams, and faults in Auto Scaling's own words.
 */
import type http from 'node:http'
import type { Faults } from '../faults.js'
import { queryHandler, type QueryService } from '../query-protocol.js'
import type { ReadLag } from '../read-lag.js'
import type { Scheduler } from '../scheduler.js'
import { AutoScalingError } from './errors.js'
import { type AutoScalingContext, operations } from './operations.js'
import { QueryParams } from './query.js'

export const AUTO_SCALING_XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/'
export const AUTO_SCALING_API_VERSION = '2011-01-01'

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

const autoScalingQuery: QueryService<QueryParams, AutoScalingContext> = {
  service: 'autoscaling',
  version: AUTO_SCALING_API_VERSION,
  xmlns: AUTO_SCALING_XMLNS,
  parse: (form) => new QueryParams(form),
  member: (params, name) => params.string(name),
  operations,
  errorClass: AutoScalingError,
  faultError
}

export function autoScalingHandler(
  context: AutoScalingContext,
  faults: Faults,
  scheduler: Scheduler,
  lag?: ReadLag<AutoScalingContext>
): http.RequestListener {
  return queryHandler(autoScalingQuery, context, faults, scheduler, lag)
}
