/**
 * The ELBv2 sandbox: the query-protocol API server plus its data plane and health checker, and an
 * admin API for tests (real listener addresses, instance ids → local ports, awaiting states).
 */
import { ALB_HOSTED_ZONE_ID } from './render.js'
import type { Faults } from '../faults.js'
import { type LoopbackServer, listenLoopback } from '../http.js'
import { type Random, seededRandom } from '../random.js'
import { copyModel, ReadLag } from '../read-lag.js'
import { Scheduler } from '../scheduler.js'
import type { ElbContext } from './context.js'
import { DataPlane, type Routed } from './data-plane.js'
import {
  type AddressResolver,
  HealthChecker,
  type TargetAddress,
  type TargetRef
} from './health.js'
import { ElbModel, type TargetState } from './model.js'
import { elbRequestHandler } from './server.js'

export interface ElbSandboxOptions {
  faults: Faults
  /** Multiplies health-check intervals/timeouts, deregistration delays and stickiness durations. */
  timeScale?: number
  /** The data plane's weighted choice; seeded (seed 1) by default so runs repeat. */
  random?: Random
  region?: string
}

export interface ElbSandbox {
  /** The API endpoint (AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2). */
  readonly url: string
  readonly model: ElbModel
  readonly health: HealthChecker
  readonly dataPlane: DataPlane
  /** The real address of a listener, e.g. http://127.0.0.1:41234 (the AWS Port is unchanged). */
  listenerUrl(listenerArn: string): string
  /**
   * The addresses a DNS name answers when it is a load balancer's (lower case, with or without
   * Route 53's `dualstack.` prefix) in ALB's canonical hosted zone: what an alias to it answers.
   */
  addressesOf(dnsName: string, hostedZoneId: string): string[] | undefined
  /**
   * Where a client that resolved a load balancer's address reaches its listener on `port` (the
   * AWS Port): every listener really serves on 127.0.0.1 with an ephemeral port.
   */
  listenerUrlAt(address: string, port: number): string | undefined
  /** Makes an instance id registrable; its traffic and health checks go to host:port. */
  defineInstance(instanceId: string, port: number, host?: string): void
  /**
   * Resolves when the target reaches the state (undefined: fully deregistered); rejects after
   * timeoutMs (default 10 s). Give {id, port} when targets share an Id (ip targets).
   */
  waitForTargetState(
    targetGroupArn: string,
    target: TargetRef,
    state: TargetState | undefined,
    timeoutMs?: number
  ): Promise<void>
  /**
   * Tells lagging reads (`faults.lagReads`) that the state is about to change outside the API,
   * as when Auto Scaling registers an instance: reads keep showing the state before it.
   */
  beforeWrite(): void
  /** Every request the data plane answers, as it happens. */
  onRequest(listener: (routed: Routed) => void): () => void
  close(): Promise<void>
}

export async function startElbv2(options: ElbSandboxOptions): Promise<ElbSandbox> {
  const scheduler = new Scheduler(options.timeScale ?? 1)
  const model = new ElbModel(options.region)
  const instances = new Map<string, TargetAddress>()
  const resolve: AddressResolver = (group, id, port) =>
    group.targetType === 'ip' ? { host: id, port } : instances.get(id)
  const health = new HealthChecker(model, scheduler, resolve)
  const dataPlane = new DataPlane(model, scheduler, options.random ?? seededRandom(1), resolve)
  const context: ElbContext = { model, health, dataPlane, instances }
  // Only the model is copied: reads answer from it alone.
  const lag = new ReadLag<ElbContext>(options.faults, 'elbv2', (live) => ({
    ...live,
    model: copyModel(live.model)
  }))
  let api: LoopbackServer
  try {
    api = await listenLoopback(elbRequestHandler(context, options.faults, scheduler, lag))
  } catch (error) {
    scheduler.close()
    throw error
  }
  return {
    url: api.url,
    model,
    health,
    dataPlane,
    listenerUrl(listenerArn) {
      const url = dataPlane.url(listenerArn)
      if (!url) throw new Error(`No listener ${listenerArn} in the sandbox`)
      return url
    },
    addressesOf(dnsName, hostedZoneId) {
      if (hostedZoneId !== ALB_HOSTED_ZONE_ID) return undefined
      const name = dnsName
        .toLowerCase()
        .replace(/\.$/, '')
        .replace(/^dualstack\./, '')
      const lb = [...model.loadBalancers.values()].find(
        (each) => each.dnsName.toLowerCase() === name
      )
      return lb && [lb.address]
    },
    listenerUrlAt(address, port) {
      const lb = [...model.loadBalancers.values()].find((each) => each.address === address)
      const listener = lb && model.listenersOf(lb.arn).find((each) => each.port === port)
      return listener && dataPlane.url(listener.arn)
    },
    defineInstance(instanceId, port, host = '127.0.0.1') {
      instances.set(instanceId, { host, port })
    },
    waitForTargetState: (targetGroupArn, target, state, timeoutMs) =>
      health.waitFor(targetGroupArn, target, state, timeoutMs),
    beforeWrite: () => lag.beforeWrite(context),
    onRequest(listener) {
      dataPlane.on('request', listener)
      return () => dataPlane.off('request', listener)
    },
    async close() {
      scheduler.close()
      health.close()
      await Promise.all([api.close(), dataPlane.close()])
    }
  }
}
