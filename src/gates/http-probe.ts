import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { USER_AGENT } from '../aws/clients.js'
import { CancelledError, InputError } from '../errors.js'
import { type InputReader, optional, parseDuration, parseInteger, parseList } from '../inputs.js'
import type { Gate, GateContext, GateDefinition, GateDeps, GateResult } from './gate.js'
import { parseProbeUrls, redactUrl, safeDecode, splitProbeUrls } from './probe-urls.js'

export interface HttpProbeSettings {
  urls: URL[]
  /** Inclusive status ranges that count as success. */
  expectedStatus: [number, number][]
  /** Also the request timeout: a slower answer fails anyway, so waiting longer tells nothing. */
  maxLatencyMs: number
  intervalMs: number
  /** Consecutive failures of one URL that fail the gate. */
  failureThreshold: number
}

/** Every URL is requested at once on each check; this keeps that burst small. */
export const MAX_PROBE_URLS = 20
const MAX_LATENCY_CAP_MS = 60_000
/** Every URL is asked at once, each bounded by probe-max-latency: a check ends by then, plus this. */
export const CHECK_MARGIN_MS = 5_000
const STATUS_ACCEPTED =
  'HTTP status codes and ranges from 100 to 599 separated by commas, such as 200,204,300-399'

export const httpProbe: GateDefinition<HttpProbeSettings> = {
  name: 'http-probe',
  inputs: [
    'probe-urls',
    'probe-expected-status',
    'probe-max-latency',
    'probe-interval',
    'probe-failure-threshold'
  ],
  readInputs(read) {
    const entries = splitProbeUrls(optional(read, 'probe-urls'))
    if (entries.length === 0) return undefined
    if (entries.length > MAX_PROBE_URLS) {
      throw new InputError('probe-urls', `${entries.length} URLs`, `at most ${MAX_PROBE_URLS} URLs`)
    }
    const urls = parseProbeUrls(entries)
    return {
      urls,
      expectedStatus: parseStatusRanges(
        'probe-expected-status',
        optional(read, 'probe-expected-status') || '200-399'
      ),
      maxLatencyMs: positiveDuration(read, 'probe-max-latency', '2s', MAX_LATENCY_CAP_MS),
      intervalMs: positiveDuration(read, 'probe-interval', '5s'),
      failureThreshold: parseInteger(
        'probe-failure-threshold',
        optional(read, 'probe-failure-threshold') || '3',
        1,
        100
      )
    }
  },
  create(settings, deps) {
    return new HttpProbeGate(settings, deps)
  }
}

/** "200,204,300-399" into inclusive ranges; every code 100-599, ranges low to high. */
export function parseStatusRanges(name: string, raw: string): [number, number][] {
  const items = parseList(raw)
  if (items.length === 0) throw new InputError(name, raw, STATUS_ACCEPTED)
  return items.map((item) => {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(item)
    const low = Number(match?.[1])
    const high = Number(match?.[2] ?? match?.[1])
    if (!match || low < 100 || high > 599 || low > high) {
      throw new InputError(name, raw, STATUS_ACCEPTED)
    }
    return [low, high]
  })
}

function positiveDuration(
  read: InputReader,
  name: string,
  fallback: string,
  maxMs?: number
): number {
  const raw = optional(read, name) || fallback
  const ms = parseDuration(name, raw, maxMs)
  if (ms <= 0) throw new InputError(name, raw, 'a duration above zero, such as 500ms or 2s')
  return ms
}

/** One request's outcome: failure carries what went wrong, in words. */
interface Outcome {
  ok: boolean
  detail: string
}

class HttpProbeGate implements Gate {
  readonly name = 'http-probe'
  readonly intervalMs: number
  readonly checkTimeoutMs: number
  /** Consecutive failures per URL (index into settings.urls); reset by a success. */
  private readonly failures: number[]

  constructor(
    private readonly settings: HttpProbeSettings,
    private readonly deps: GateDeps
  ) {
    this.intervalMs = settings.intervalMs
    this.checkTimeoutMs = settings.maxLatencyMs + CHECK_MARGIN_MS
    this.failures = settings.urls.map(() => 0)
  }

  async check(context: GateContext): Promise<GateResult> {
    const { urls, failureThreshold } = this.settings
    const outcomes = await Promise.all(urls.map((url) => this.probe(url, context.signal)))
    const lines = outcomes.map((outcome, i) => {
      this.failures[i] = outcome.ok ? 0 : this.failures[i] + 1
      const streak = outcome.ok ? '' : ` (${this.failures[i]} of ${failureThreshold} in a row)`
      return `${redactUrl(urls[i])}: ${outcome.detail}${streak}`
    })
    if (this.failures.some((count) => count >= failureThreshold)) {
      return { status: 'fail', detail: lines.join('; ') }
    }
    // A failure below the threshold is not yet a verdict: ask again next interval.
    const failing = outcomes.some((outcome) => !outcome.ok)
    return { status: failing ? 'pending' : 'pass', detail: lines.join('; ') }
  }

  private async probe(url: URL, signal: AbortSignal | undefined): Promise<Outcome> {
    const { maxLatencyMs, expectedStatus } = this.settings
    const started = this.deps.clock.now()
    let status: number
    try {
      status = await requestStatus(url, maxLatencyMs, signal)
    } catch (error) {
      if (error instanceof CancelledError) throw error
      return { ok: false, detail: scrub(errorText(error, maxLatencyMs), url) }
    }
    const latencyMs = this.deps.clock.now() - started
    const answer = `${status} in ${latencyMs}ms`
    if (!expectedStatus.some(([low, high]) => status >= low && status <= high)) {
      const wanted = expectedStatus
        .map(([low, high]) => (low === high ? `${low}` : `${low}-${high}`))
        .join(',')
      return { ok: false, detail: `${answer}, expected status ${wanted}` }
    }
    if (latencyMs > maxLatencyMs) {
      return { ok: false, detail: `${answer}, slower than probe-max-latency ${maxLatencyMs}ms` }
    }
    return { ok: true, detail: answer }
  }
}

class ProbeTimeout extends Error {}

/**
 * GET the URL and resolve with the status once the headers arrive (latency is time to first
 * byte; the body is not read). A fresh connection each time, so no pooled socket outlives a check,
 * and a timer destroys the request so a stuck server cannot stall the bake.
 */
function requestStatus(url: URL, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError())
    const req = send(url, {
      method: 'GET',
      agent: false,
      headers: { 'user-agent': USER_AGENT, accept: '*/*' }
    })
    const onAbort = (): void => {
      req.destroy(new CancelledError())
    }
    const timer = setTimeout(() => req.destroy(new ProbeTimeout()), timeoutMs)
    const settle = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    req.on('response', (res: IncomingMessage) => {
      settle()
      resolve(res.statusCode ?? 0)
      res.destroy()
    })
    req.on('error', (error) => {
      settle()
      reject(error)
    })
    req.end()
  })
}

function errorText(error: unknown, timeoutMs: number): string {
  if (error instanceof ProbeTimeout) return `no response within ${timeoutMs}ms (probe-max-latency)`
  // Duck-typed: socket errors may come from another realm (e.g. a test VM), failing instanceof.
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (typeof message !== 'string') return String(error)
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message
}

/** Error messages should not contain the URL's secrets; make sure, whatever the library says. */
function scrub(message: string, url: URL): string {
  const secrets = [url.username, url.password, url.search.slice(1)]
    .flatMap((secret) => [secret, safeDecode(secret)])
    .filter((secret) => secret.length >= 3)
  let text = message
  for (const secret of secrets) text = text.split(secret).join('***')
  return text
}
