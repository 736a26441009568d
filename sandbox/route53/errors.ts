/**
 * Route 53's API errors. Each carries what the REST/XML error document needs: the code the SDK
 * turns into `error.name`, the HTTP status its error schema declares, and who is at fault.
 */
export class Route53Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender'
  ) {
    super(message)
    this.name = code
  }
}

export const invalidInput = (message: string) => new Route53Error('InvalidInput', message)

/** Route 53 reports every problem of a batch at once, as a bracketed list in one message. */
export const invalidChangeBatch = (messages: string[]) =>
  new Route53Error('InvalidChangeBatch', `[${messages.join(', ')}]`)

export const noSuchHostedZone = (id: string) =>
  new Route53Error('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404)

export const noSuchChange = (id: string) =>
  new Route53Error('NoSuchChange', `Could not find resource with ID: ${id}`, 404)

export const noSuchHealthCheck = (id: string) =>
  new Route53Error('NoSuchHealthCheck', `A health check with id ${id} does not exist.`, 404)

export const throttling = () => new Route53Error('Throttling', 'Rate exceeded')

export const priorRequestNotComplete = () =>
  new Route53Error(
    'PriorRequestNotComplete',
    'The request was rejected because Route 53 was still processing a prior request.'
  )

export const internalFailure = (message = 'An internal error occurred. Please try again.') =>
  new Route53Error('InternalFailure', message, 500)
