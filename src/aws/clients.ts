import { attachCallLog, type DebugLog, type MiddlewareHolder } from './call-log.js'

export const USER_AGENT = 'aws-traffic-shift/0.1.0'
export const CONNECTION_TIMEOUT_MS = 3_000
export const REQUEST_TIMEOUT_MS = 15_000

/** The configuration every SDK v3 client of the action is built with. */
export interface ClientConfig {
  region: string | undefined
  maxAttempts: number
  retryMode: 'standard'
  customUserAgent: string
  requestHandler: {
    connectionTimeout: number
    requestTimeout: number
    throwOnRequestTimeout: boolean
  }
}

/** Any SDK v3 client class: `new ElasticLoadBalancingV2Client(config)`. */
export type ClientClass<T> = new (config: ClientConfig) => T

/**
 * Builds SDK clients on first use, one per class, so a mode brings the clients it needs (and a
 * run pays only for those) without this file naming every service.
 */
export interface ClientFactory {
  get<T>(client: ClientClass<T>): T
}

/**
 * The only place that configures SDK clients. Endpoints come from the SDK's own
 * AWS_ENDPOINT_URL_* variables (the local sandbox uses them). Throttling and 5xx are retried by
 * the SDK's standard mode; six attempts ride out a burst without hiding a real outage for long.
 * With `debug` (step debug logging on), every call is logged there (call-log.ts).
 */
export function createClients(
  region: string | undefined,
  limits: { requestTimeoutMs?: number; maxAttempts?: number } = {},
  debug?: DebugLog
): ClientFactory {
  const config: ClientConfig = {
    region: region || undefined,
    maxAttempts: limits.maxAttempts ?? 6,
    retryMode: 'standard',
    customUserAgent: USER_AGENT,
    // No call may hang a deploy: the SDK's default has no request timeout at all, and without
    // throwOnRequestTimeout a configured one only logs a warning.
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: limits.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true
    }
  }
  const built = new Map<ClientClass<unknown>, unknown>()
  return {
    get<T>(client: ClientClass<T>): T {
      if (!built.has(client)) {
        const instance = new client(config)
        // Every SDK v3 client has a middleware stack; its generic overloads defeat a type check.
        if (debug) attachCallLog(instance as unknown as MiddlewareHolder, debug)
        built.set(client, instance)
      }
      return built.get(client) as T
    }
  }
}
