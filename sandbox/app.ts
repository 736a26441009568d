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
  /** Draws which requests fail under setFailureRate; seeded by default, so runs repeat. */
  random?: Random
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
    options.random ??
    seededRandom([...options.version].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 17))
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
