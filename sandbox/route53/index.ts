import { randomUUID } from 'node:crypto'
import type { Faults } from '../faults.js'
import { startDnsServer } from './dns-server.js'
import { respond } from './dns-wire.js'
import type { HealthCheck, HealthCheckInput } from './health-checks.js'
import { startApiServer } from './http-server.js'
import { Route53Model, type ChangeInfo, type HostedZone } from './model.js'
import { seededRandom } from '../random.js'
import type { Change } from './records.js'
import { Resolver } from './resolver.js'

export type { ChangeInfo, ChangeStatus, HostedZone } from './model.js'
export type { HealthCheck, HealthCheckConfig, HealthCheckInput } from './health-checks.js'
export type { AliasTarget, Change, ChangeAction, RecordSet, RecordType } from './records.js'
export { Route53Error } from './errors.js'
export { seededRandom } from '../random.js'

export interface Route53SandboxOptions {
  faults: Faults
  /** How long a change stays PENDING before INSYNC; default 1000 ms × timeScale. */
  pendingMs?: number
  /** Scales the sandbox's simulated durations (0.01 makes a second take 10 ms). Default 1. */
  timeScale?: number
  /** The DNS server's weighted choices draw from this; default a fixed seed, so runs repeat. */
  random?: () => number
  /** What an alias to a name outside the zones answers (the ELB sandbox's load balancers). */
  aliasAddresses?: (dnsName: string, hostedZoneId: string) => string[] | undefined
}

export interface Route53Sandbox {
  /** The endpoint for AWS_ENDPOINT_URL_ROUTE_53 (or the client's `endpoint`). */
  readonly url: string
  /** A real DNS server (UDP and TCP) answering from the zones' INSYNC records. */
  readonly dns: { host: '127.0.0.1'; port: number }
  /** Live model, keyed by bare zone id; `records` is the API's view, `served` the DNS's. */
  readonly zones: ReadonlyMap<string, HostedZone>
  readonly healthChecks: ReadonlyMap<string, HealthCheck>
  /** Every change ever submitted, in order, with its current status. */
  readonly changes: readonly ChangeInfo[]
  /** Creates a zone directly (with its SOA and NS), INSYNC at once. */
  createHostedZone(
    name: string,
    options?: { comment?: string; callerReference?: string }
  ): HostedZone
  /**
   * Applies a change batch directly, validated exactly like ChangeResourceRecordSets (throws
   * Route53Error), INSYNC at once unless pendingMs says otherwise. Accepts `/hostedzone/` ids.
   */
  changeRecords(
    zoneId: string,
    changes: Change[],
    options?: { comment?: string; pendingMs?: number }
  ): ChangeInfo
  /** Creates a health check directly; healthy until told otherwise. */
  createHealthCheck(config?: Partial<HealthCheckInput>): HealthCheck
  /** Sets what GetHealthCheckStatus reports and what weighted DNS answers act on. */
  setHealthCheckStatus(id: string, healthy: boolean, statusReport?: string): void
  /** PENDING time of changes submitted from now on. */
  setPendingMs(ms: number): void
  /** Resolves when the change (bare or `/change/` id) is INSYNC. */
  whenInSync(changeId: string): Promise<void>
  /** Frees every socket and timer. */
  close(): Promise<void>
}

const bare = (id: string) => id.replace(/^\/(hostedzone|change)\//, '')

/** A NaN or negative duration would silently become "at once"; refuse it instead. */
function checkDuration(name: string, value: number, positive = false): number {
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new RangeError(
      `${name} must be a ${positive ? 'positive' : 'non-negative'} number, got ${value}`
    )
  }
  return value
}

/** Starts the Route 53 sandbox: the REST/XML API and an authoritative DNS server. */
export async function startRoute53(options: Route53SandboxOptions): Promise<Route53Sandbox> {
  const timeScale = checkDuration('timeScale', options.timeScale ?? 1, true)
  const model = new Route53Model(checkDuration('pendingMs', options.pendingMs ?? 1000 * timeScale))
  const resolver = new Resolver(
    {
      zones: () => model.zones.values(),
      healthCheck: (id) => model.healthChecks.get(id),
      aliasAddresses: options.aliasAddresses
    },
    options.random ?? seededRandom(53)
  )
  const api = await startApiServer(model, options.faults)
  const answer = resolver.answer.bind(resolver)
  const dns = await startDnsServer((message, transport) =>
    respond(answer, message, transport)
  ).catch(async (error: unknown) => {
    await api.close()
    throw error
  })
  let closing: Promise<void> | undefined
  return {
    url: api.url,
    dns: { host: '127.0.0.1', port: dns.port },
    get zones() {
      return model.zones
    },
    get healthChecks() {
      return model.healthChecks
    },
    get changes() {
      return model.changes
    },
    createHostedZone(name, zoneOptions = {}) {
      return model.createHostedZone({
        name,
        callerReference: zoneOptions.callerReference ?? `sandbox-${randomUUID()}`,
        ...(zoneOptions.comment !== undefined && { comment: zoneOptions.comment }),
        pendingMs: 0
      }).zone
    },
    changeRecords(zoneId, changes, changeOptions = {}) {
      return model.changeRecords(
        bare(zoneId),
        changes,
        changeOptions.comment,
        changeOptions.pendingMs ?? 0
      )
    },
    createHealthCheck(config = {}) {
      const full: HealthCheckInput = {
        type: 'HTTP',
        ipAddress: '127.0.0.1',
        port: 80,
        resourcePath: '/',
        ...config
      }
      return model.createHealthCheck(`sandbox-${randomUUID()}`, full).check
    },
    setHealthCheckStatus: (id, healthy, statusReport) =>
      model.setHealthCheckStatus(id, healthy, statusReport),
    setPendingMs(ms) {
      model.pendingMs = checkDuration('pendingMs', ms)
    },
    whenInSync: (changeId) => model.whenInSync(bare(changeId)),
    close() {
      closing ??= (async () => {
        model.close()
        await Promise.all([api.close(), dns.close()])
      })()
      return closing
    }
  }
}
