/**
 * One debug line per AWS call (service, operation, outcome, request id, attempts, time), so a
 * run with step debug logging on shows what AWS was asked and the ids AWS support asks for.
 * An SDK middleware rather than a wrapper around `send`, so every client the factory builds
 * logs without any mode knowing.
 */

/** What the SDK puts in `$metadata` of a response or an error (retries counted by the SDK). */
interface CallMetadata {
  httpStatusCode?: number
  requestId?: string
  attempts?: number
  totalRetryDelay?: number
}

/** The SDK's handler context: which client and command this call is. */
interface CallContext {
  clientName?: string
  commandName?: string
}

type Handler = (args: unknown) => Promise<{ output?: { $metadata?: CallMetadata } }>

/** The part of an SDK v3 client's middleware stack this file uses. */
export interface MiddlewareHolder {
  middlewareStack: {
    add(
      middleware: (next: Handler, context: CallContext) => Handler,
      options: { step: 'initialize'; priority: 'high'; name: string }
    ): void
  }
}

export type DebugLog = (line: string) => void

/**
 * Adds the call log to a client: at the `initialize` step with high priority, the outermost
 * place, so the time and attempts include every retry and its back-off.
 */
export function attachCallLog(
  client: MiddlewareHolder,
  log: DebugLog,
  now: () => number = () => performance.now()
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const started = now()
      try {
        const result = await next(args)
        log(describeCall(context, result.output?.$metadata, now() - started))
        return result
      } catch (error) {
        log(describeCall(context, metadataOf(error), now() - started, error))
        throw error
      }
    },
    { step: 'initialize', priority: 'high', name: 'awsTrafficShiftCallLog' }
  )
}

/**
 * e.g. `AWS ElasticLoadBalancingV2 DescribeListeners: 200 in 42 ms, 2 attempts (retry delay
 * 95 ms), request id 6f1c…`, or `…: failed (400) in …: AccessDenied: User … is not authorized`.
 */
export function describeCall(
  context: CallContext,
  metadata: CallMetadata | undefined,
  elapsedMs: number,
  error?: unknown
): string {
  const service = (context.clientName ?? 'client').replace(/Client$/, '')
  const operation = (context.commandName ?? 'call').replace(/Command$/, '')
  const attempts = metadata?.attempts ?? 1
  const retried = attempts > 1 ? ` (retry delay ${metadata?.totalRetryDelay ?? 0} ms)` : ''
  const parts = [
    `in ${Math.round(elapsedMs)} ms`,
    `${attempts} attempt${attempts === 1 ? '' : 's'}${retried}`,
    `request id ${metadata?.requestId ?? 'none'}`
  ]
  const status = metadata?.httpStatusCode
  if (error === undefined)
    return `AWS ${service} ${operation}: ${status ?? 'done'} ${parts.join(', ')}`
  const failed = `failed${status ? ` (${status})` : ''}`
  return `AWS ${service} ${operation}: ${failed} ${parts.join(', ')}: ${errorText(error)}`
}

function metadataOf(error: unknown): CallMetadata | undefined {
  const metadata = (error as { $metadata?: unknown } | null)?.$metadata
  return typeof metadata === 'object' && metadata !== null ? (metadata as CallMetadata) : undefined
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  return error.message && error.message !== error.name
    ? `${error.name}: ${error.message}`
    : error.name
}
