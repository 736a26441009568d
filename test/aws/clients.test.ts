import { afterEach, describe, expect, it } from '@jest/globals'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { createServer, type Server, type Socket } from 'node:net'
import { createClients } from '../../src/aws/clients.js'

describe('createClients', () => {
  let server: Server | undefined
  const sockets: Socket[] = []
  const saved = { ...process.env }

  afterEach(async () => {
    process.env = { ...saved }
    sockets.forEach((socket) => socket.destroy())
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  })

  it('gives up on an endpoint that accepts connections and never answers', async () => {
    // A half-open AWS endpoint must fail the call, not hang the deploy until the job times out.
    server = createServer((socket) => sockets.push(socket))
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    process.env.AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 = `http://127.0.0.1:${port}`
    process.env.AWS_ACCESS_KEY_ID = 'test'
    process.env.AWS_SECRET_ACCESS_KEY = 'test'
    const clients = createClients('us-east-1', { requestTimeoutMs: 200, maxAttempts: 1 })
    const started = Date.now()
    await expect(
      clients.get(ElasticLoadBalancingV2Client).send(new DescribeListenersCommand({}))
    ).rejects.toThrow(/timeout/i)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('builds each client once, on first use', () => {
    const clients = createClients('eu-west-1')
    const elbv2 = clients.get(ElasticLoadBalancingV2Client)
    expect(clients.get(ElasticLoadBalancingV2Client)).toBe(elbv2)
    expect(elbv2).toBeInstanceOf(ElasticLoadBalancingV2Client)
    expect(clients.get(CloudWatchClient)).not.toBe(elbv2)
    expect(clients.get(CloudWatchClient)).toBe(clients.get(CloudWatchClient))
  })
})
