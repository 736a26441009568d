/**
 * Auto Scaling errors as AWS sends them over awsQuery: a Code (the SDK maps modeled ones, e.g.
 * ResourceContention → ResourceContentionFault), a Type and an HTTP status.
 */
export class AutoScalingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender'
  ) {
    super(message)
  }
}

/** AWS's catch-all for bad requests (the SDK names it ValidationError). */
export function validationError(message: string): AutoScalingError {
  return new AutoScalingError('ValidationError', message)
}
