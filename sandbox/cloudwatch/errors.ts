/**
 * CloudWatch errors in the protocol the pinned SDK speaks: AWS JSON 1.0 in awsQuery-compatible
 * mode. The body's `__type` names the error shape, and the `x-amzn-query-error: Code;Type`
 * header carries the legacy query code, which is what the SDK maps to its exception classes.
 */
export class CloudWatchError extends Error {
  constructor(
    /** The query-protocol code, e.g. 'ResourceNotFound'. */
    readonly code: string,
    /** The `__type` shape id, e.g. 'com.amazonaws.cloudwatch#ResourceNotFound'. */
    readonly shape: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender'
  ) {
    super(message)
  }
}

const NS = 'com.amazonaws.cloudwatch#'

export const cloudWatchErrors = {
  resourceNotFound: (message: string) =>
    new CloudWatchError('ResourceNotFound', `${NS}ResourceNotFound`, message, 404),
  invalidParameterValue: (message: string) =>
    new CloudWatchError('InvalidParameterValue', `${NS}InvalidParameterValueException`, message),
  missingParameter: (name: string) =>
    new CloudWatchError(
      'MissingParameter',
      `${NS}MissingRequiredParameterException`,
      `The parameter ${name} is required.`
    ),
  invalidParameterCombination: (message: string) =>
    new CloudWatchError(
      'InvalidParameterCombination',
      `${NS}InvalidParameterCombinationException`,
      message
    ),
  invalidFormat: (message: string) =>
    new CloudWatchError('InvalidFormat', `${NS}InvalidFormatFault`, message),
  invalidNextToken: () =>
    new CloudWatchError(
      'InvalidNextToken',
      `${NS}InvalidNextToken`,
      'The next token specified is invalid.'
    ),
  validation: (message: string) =>
    new CloudWatchError('ValidationError', `${NS}ValidationException`, message),
  serialization: (message: string) =>
    new CloudWatchError(
      'SerializationException',
      'com.amazon.coral.service#SerializationException',
      message
    ),
  unknownOperation: (target: string) =>
    new CloudWatchError(
      'UnknownOperationException',
      'com.amazon.coral.service#UnknownOperationException',
      `Unknown operation ${target}`
    ),
  missingAuthentication: () =>
    new CloudWatchError(
      'MissingAuthenticationToken',
      'com.amazon.coral.service#MissingAuthenticationTokenException',
      'Request is missing Authentication Token',
      403
    ),
  throttling: () =>
    new CloudWatchError(
      'Throttling',
      'com.amazon.coral.availability#ThrottlingException',
      'Rate exceeded'
    ),
  internal: (message: string) =>
    new CloudWatchError(
      'InternalServiceError',
      `${NS}InternalServiceFault`,
      message,
      500,
      'Receiver'
    )
}
