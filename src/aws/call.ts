import { AwsCallError, CancelledError } from '../errors.js'

/**
 * Runs one AWS call; a failure names the operation and the resource it touched. With a signal
 * (which `send` passes to the SDK as abortSignal), a call cut short by cancellation throws
 * CancelledError instead: the run was cancelled, the call did not fail.
 */
export async function awsCall<T>(
  operation: string,
  resource: string,
  send: () => Promise<T>,
  signal?: AbortSignal
): Promise<T> {
  try {
    return await send()
  } catch (error) {
    if (signal?.aborted) throw new CancelledError()
    throw new AwsCallError(operation, resource, error)
  }
}
