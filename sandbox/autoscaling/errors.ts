import { QueryError } from '../query-protocol.js'

/**
 * Auto Scaling errors as AWS sends them over awsQuery: a Code (the SDK maps modeled ones, e.g.
 * ResourceContention → ResourceContentionFault), a Type and an HTTP status.
 */
export class AutoScalingError extends QueryError {}

/** AWS's catch-all for bad requests (the SDK names it ValidationError). */
export function validationError(message: string): AutoScalingError {
  return new AutoScalingError('ValidationError', message)
}
