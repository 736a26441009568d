/**
 * Steady client traffic through a listener, loopback only and bounded in count: what users would
 * see during a shift, for the demo and the e2e tests.
 */
import { request } from 'node:http'

export interface Sample {
  at: number
  status: number
  version?: string
}

/**
 * Steady client traffic: `concurrency` loops, each sending one request after another, until
 * stopped or `maxRequests` is reached (bounded in count and time, loopback only).
 */
export class Traffic {
  readonly samples: Sample[] = []
  private running = true
  private readonly loops: Promise<void>[]

  constructor(
    private readonly url: string,
    concurrency = 4,
    private readonly maxRequests = 50_000,
    private readonly pauseMs = 5
  ) {
    this.loops = Array.from({ length: concurrency }, () => this.loop())
  }

  async stop(): Promise<Sample[]> {
    this.running = false
    await Promise.all(this.loops)
    return this.samples
  }

  failed(from = 0, to = Infinity): Sample[] {
    return this.samples.filter((s) => s.status !== 200 && s.at >= from && s.at <= to)
  }

  /** Share of successful answers from green (version v2) in a time window. */
  greenShare(from: number, to: number): { share: number; count: number } {
    const window = this.samples.filter((s) => s.status === 200 && s.at >= from && s.at <= to)
    const green = window.filter((s) => s.version === 'v2').length
    return { share: window.length === 0 ? NaN : green / window.length, count: window.length }
  }

  private async loop(): Promise<void> {
    while (this.running && this.samples.length < this.maxRequests) {
      this.samples.push(await this.once())
      await new Promise((r) => setTimeout(r, this.pauseMs))
    }
  }

  private once(): Promise<Sample> {
    return new Promise((resolveSample) => {
      const req = request(this.url, { agent: false, timeout: 5000 }, (res) => {
        res.resume()
        res.on('end', () =>
          resolveSample({
            at: Date.now(),
            status: res.statusCode ?? 0,
            version: res.headers['x-version'] as string | undefined
          })
        )
      })
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', () => resolveSample({ at: Date.now(), status: 0 }))
      req.end()
    })
  }
}

/** The largest deviation a binomial share of n samples shows by chance (z standard deviations). */
export function tolerance(share: number, n: number, z = 4): number {
  return z * Math.sqrt((share * (1 - share)) / Math.max(1, n))
}
