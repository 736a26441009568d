/** Helpers for the ELBv2 / CloudWatch sandbox tests: clients, error capture, bounded polling. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Sandbox } from '../../sandbox/index.js'

/** A real SDK client aimed at the sandbox; one attempt unless a test wants the SDK's retries. */
export function elbClient(sandbox: Sandbox, maxAttempts = 1): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({ ...sandbox.clientConfig('elbv2'), maxAttempts })
}

export function cloudWatchClient(sandbox: Sandbox, maxAttempts = 1): CloudWatchClient {
  return new CloudWatchClient({ ...sandbox.clientConfig('cloudwatch'), maxAttempts })
}

export interface AwsError extends Error {
  $fault?: string
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number }
  Code?: string
}

/** The error a call fails with (the test fails if it succeeds). */
export async function failure(call: Promise<unknown>): Promise<AwsError> {
  try {
    await call
  } catch (error) {
    return error as AwsError
  }
  throw new Error('Expected the call to fail, but it succeeded')
}

/** Polls until probe returns a value other than undefined; fails after timeoutMs. */
export async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
  what = 'condition'
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A raw HTTP call, for what the SDK never sends (malformed requests). */
export async function rawRequest(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {}
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    body: init.body,
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test', ...init.headers }
  })
  return { status: response.status, body: await response.text(), headers: response.headers }
}
