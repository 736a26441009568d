import { AwsCallError } from '../errors.js'

/** Runs one AWS call; a failure names the operation and the resource it touched. */
export async function awsCall<T>(
  operation: string,
  resource: string,
  send: () => Promise<T>
): Promise<T> {
  try {
    return await send()
  } catch (error) {
    throw new AwsCallError(operation, resource, error)
  }
}
