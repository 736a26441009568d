/**
 * Fault injection through the shared Faults: each service renders throttling, server errors and
 * latency in its own protocol, so the SDK classifies (and retries) them as it would on AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { cloudWatchClient, elbClient, failure } from './sandbox-helpers.js'

let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await startSandbox()
})

afterAll(async () => {
  await sandbox.close()
})

describe('ELBv2 faults', () => {
  it('throttles with Throttling (HTTP 400), which the SDK retries', async () => {
    const once = elbClient(sandbox, 1)
    const retrying = elbClient(sandbox, 3)
    try {
      sandbox.faults.add({
        service: 'elbv2',
        operation: 'DescribeLoadBalancers',
        kind: 'throttle',
        times: 1
      })
      const error = await failure(once.send(new DescribeLoadBalancersCommand({})))
      expect(error.name).toBe('Throttling')
      expect(error.$metadata.httpStatusCode).toBe(400)
      sandbox.faults.add({
        service: 'elbv2',
        operation: 'DescribeLoadBalancers',
        kind: 'throttle',
        times: 2
      })
      const out = await retrying.send(new DescribeLoadBalancersCommand({}))
      expect(out.$metadata.attempts).toBe(3)
      const faulted = sandbox.faults.calls.filter(
        (call) => call.service === 'elbv2' && call.fault === 'throttle'
      )
      expect(faulted).toHaveLength(3)
    } finally {
      once.destroy()
      retrying.destroy()
    }
  })

  it('fails with a 500 InternalFailure as a server fault', async () => {
    const client = elbClient(sandbox, 1)
    try {
      sandbox.faults.add({ service: 'elbv2', kind: 'server-error', times: 1 })
      const error = await failure(client.send(new DescribeLoadBalancersCommand({})))
      expect(error.name).toBe('InternalFailure')
      expect(error.$metadata.httpStatusCode).toBe(500)
      expect(error.$fault).toBe('server')
    } finally {
      client.destroy()
    }
  })

  it('answers late under injected latency', async () => {
    const client = elbClient(sandbox, 1)
    try {
      sandbox.faults.add({ service: 'elbv2', kind: 'latency', latencyMs: 150, times: 1 })
      const started = Date.now()
      await client.send(new DescribeLoadBalancersCommand({}))
      expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    } finally {
      client.destroy()
    }
  })

  it("throttles beyond a token bucket, like AWS's Describe* limits", async () => {
    const client = elbClient(sandbox, 1)
    try {
      sandbox.faults.limitRate({
        service: 'elbv2',
        operations: (op) => op.startsWith('Describe'),
        burst: 3,
        perSecond: 0.001
      })
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => client.send(new DescribeLoadBalancersCommand({})))
      )
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
      expect(
        results
          .filter((r) => r.status === 'rejected')
          .map((r) => (r as PromiseRejectedResult).reason.name)
      ).toEqual(['Throttling', 'Throttling'])
    } finally {
      sandbox.faults.clear()
      client.destroy()
    }
  })
})

describe('CloudWatch faults', () => {
  it('throttles with the query-compatible Throttling code, which the SDK retries', async () => {
    const once = cloudWatchClient(sandbox, 1)
    const retrying = cloudWatchClient(sandbox, 2)
    try {
      sandbox.faults.add({
        service: 'cloudwatch',
        operation: 'DescribeAlarms',
        kind: 'throttle',
        times: 1
      })
      const error = await failure(once.send(new DescribeAlarmsCommand({})))
      expect(error.name).toBe('Throttling')
      sandbox.faults.add({
        service: 'cloudwatch',
        operation: 'DescribeAlarms',
        kind: 'throttle',
        times: 1
      })
      const out = await retrying.send(new DescribeAlarmsCommand({}))
      expect(out.$metadata.attempts).toBe(2)
    } finally {
      once.destroy()
      retrying.destroy()
    }
  })

  it('fails with a 500 as a server fault and logs the call', async () => {
    const client = cloudWatchClient(sandbox, 1)
    try {
      const before = sandbox.faults.count('cloudwatch', 'DescribeAlarms')
      sandbox.faults.add({ service: 'cloudwatch', kind: 'server-error', times: 1 })
      const error = await failure(client.send(new DescribeAlarmsCommand({})))
      expect(error.$metadata.httpStatusCode).toBe(500)
      expect(error.$fault).toBe('server')
      expect(sandbox.faults.count('cloudwatch', 'DescribeAlarms')).toBe(before + 1)
    } finally {
      client.destroy()
    }
  })
})
