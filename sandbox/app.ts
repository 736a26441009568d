/**
 * A tiny controllable app: the blue (v1) and green (v2) targets behind the sandbox ALB. Every
 * answer says which version served it (JSON body and `x-version` header); tests flip it unhealthy
 * (health path answers 500), failing (every request answers 500), or failing a share of requests
 * (a bad release that no health check notices).
 */
import { type LoopbackServer, listenLoopback } from './http.js'
import { type Random, seededRandom } from './random.js'

export interface AppOptions {
  version: string
  /** The path the target group health-checks; default '/health'. */
  healthPath?: string
  /**
   * The sandbox's seed (default 1) and this app's place among its version's apps (default 0):
   * together with the version they seed the failure draws, so one seed repeats its run exactly
   * while another seed, or another app of the same version, fails different requests.
   */
  seed?: number
  index?: number
  /** Draws which requests fail under setFailureRate; overrides `seed` and `index`. */
  random?: Random
}

/** A 32-bit FNV-1a hash of the app's identity: a distinct, repeatable stream per app and seed. */
export function appSeed(seed: number, version: string, index: number): number {
  let hash = 0x811c9dc5
  for (const char of `${seed}\u0000${version}\u0000${index}`) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193)
  }
  return hash >>> 0
}

export interface App {
  readonly version: string
  readonly port: number
  readonly url: string
  /** Requests served, health checks excluded. */
  readonly requests: number
  readonly healthChecks: number
  setHealthy(healthy: boolean): void
  setFailing(failing: boolean): void
  /** Each request (health checks excluded) answers 500 with this probability, 0 to 1. */
  setFailureRate(share: number): void
  close(): Promise<void>
}

export async function startApp(options: AppOptions): Promise<App> {
  const healthPath = options.healthPath ?? '/health'
  let healthy = true
  let failing = false
  let failureRate = 0
  const random =
    options.random ?? seededRandom(appSeed(options.seed ?? 1, options.version, options.index ?? 0))
  let requests = 0
  let healthChecks = 0
  const server: LoopbackServer = await listenLoopback((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname
    const isHealthCheck = path === healthPath
    if (isHealthCheck) healthChecks += 1
    else requests += 1
    const failed = failing || (!isHealthCheck && failureRate > 0 && random() < failureRate)
    const status = failed || (isHealthCheck && !healthy) ? 500 : 200
    // Drain the request body so keep-alive connections stay usable.
    req.resume()
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-version': options.version })
      res.end(JSON.stringify({ version: options.version, path, status }))
    })
  })
  return {
    version: options.version,
    port: server.port,
    url: server.url,
    get requests() {
      return requests
    },
    get healthChecks() {
      return healthChecks
    },
    setHealthy(value) {
      healthy = value
    },
    setFailing(value) {
      failing = value
    },
    setFailureRate(share) {
      if (!(share >= 0 && share <= 1)) throw new RangeError(`a share from 0 to 1, got ${share}`)
      failureRate = share
    },
    close: () => server.close()
  }
}
