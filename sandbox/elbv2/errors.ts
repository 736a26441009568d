import { QueryError } from '../query-protocol.js'

/**
 * ELBv2 errors as AWS sends them: a Code the SDK maps to a modeled exception (its awsQueryError
 * code, e.g. ListenerNotFound → ListenerNotFoundException), a Type, and an HTTP status.
 */
export class ElbError extends QueryError {}

/** AWS's request-validation failure (not modeled by the SDK, so error.name is 'ValidationError'). */
export function validationError(message: string): ElbError {
  return new ElbError('ValidationError', message)
}

/** The wording AWS uses for a member that breaks a constraint. */
export function constraintError(value: unknown, path: string, constraint: string): ElbError {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`
  return validationError(
    `1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`
  )
}

export const notFound = {
  loadBalancer: () => new ElbError('LoadBalancerNotFound', 'One or more load balancers not found'),
  targetGroup: () => new ElbError('TargetGroupNotFound', 'One or more target groups not found'),
  listener: () => new ElbError('ListenerNotFound', 'One or more listeners not found'),
  rule: () => new ElbError('RuleNotFound', 'One or more rules not found')
}
