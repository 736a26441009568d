/**
 * The data plane: every listener is a real HTTP server on 127.0.0.1 (an ephemeral port; the AWS
 * Port stays what the API was given). A request is matched against the listener's rules, then
 * its action runs: forward picks a target group by weight (or the AWSALBTG stickiness cookie),
 * then a healthy target, and proxies the request to it. Like an ALB: draining and initial targets
 * get nothing, an all-unhealthy group fails open, no target at all is a 503.
 */
import { EventEmitter } from 'node:events'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { type LoopbackServer, listenLoopback } from '../http.js'
import type { Random } from '../random.js'
import type { Scheduler } from '../scheduler.js'
import { matchesAll } from './conditions.js'
import type { AddressResolver } from './health.js'
import {
  type Action,
  type ElbModel,
  type ForwardConfig,
  type Listener,
  type Target,
  type TargetGroup,
  type TargetGroupWeight,
  ordered,
  targetKey
} from './model.js'

export const GROUP_COOKIE = 'AWSALBTG'
export const TARGET_COOKIE = 'AWSALB'
/** ALB's default idle timeout. Real time, not scaled: a slow target in a test should not 504. */
const IDLE_TIMEOUT_MS = 60_000
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']

const STATUS_TEXT: Record<number, string> = {
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out'
}

/** One routed request, for tests and the demo's traffic view. */
export interface Routed {
  listenerArn: string
  targetGroupArn?: string
  targetId?: string
  status: number
  /**
   * Seconds from sending the request to the target until its response headers (ALB's
   * target_processing_time, the TargetResponseTime metric); only when a target answered.
   */
  targetResponseTime?: number
}

interface StickyValue {
  /** target group ARN */
  g: string
  /** target key (target cookie only) */
  t?: string
  /** expiry, epoch ms */
  e: number
}

function encodeSticky(value: StickyValue): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function decodeSticky(text: string | undefined): StickyValue | undefined {
  if (!text) return undefined
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as StickyValue
    return typeof value.g === 'string' && typeof value.e === 'number' ? value : undefined
  } catch {
    return undefined
  }
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {}
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0) cookies[part.slice(0, at).trim()] = part.slice(at + 1).trim()
  }
  return cookies
}

function cookie(name: string, value: string, expiresAt: number): string {
  return `${name}=${value}; Expires=${new Date(expiresAt).toUTCString()}; Path=/`
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const copy: http.OutgoingHttpHeaders = { ...headers }
  for (const name of HOP_BY_HOP) delete copy[name]
  return copy
}

export class DataPlane extends EventEmitter {
  private readonly servers = new Map<string, LoopbackServer>()
  private readonly roundRobin = new Map<string, number>()
  private readonly agent = new http.Agent({ keepAlive: true })
  /** Requests a target of the group answered (whatever the status), per target group ARN. */
  readonly served = new Map<string, number>()

  constructor(
    private readonly model: ElbModel,
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly resolve: AddressResolver
  ) {
    super()
  }

  /** Starts the listener's HTTP port; returns the real port. */
  async open(listenerArn: string): Promise<number> {
    const server = await listenLoopback((req, res) => this.handle(listenerArn, req, res))
    this.servers.set(listenerArn, server)
    return server.port
  }

  async closeListener(listenerArn: string): Promise<void> {
    const server = this.servers.get(listenerArn)
    this.servers.delete(listenerArn)
    await server?.close()
  }

  /** The listener's real address, e.g. http://127.0.0.1:41234. */
  url(listenerArn: string): string | undefined {
    return this.servers.get(listenerArn)?.url
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.values()].map((server) => server.close()))
    this.servers.clear()
    this.agent.destroy()
    this.removeAllListeners()
  }

  private handle(listenerArn: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const listener = this.model.listeners.get(listenerArn)
    if (!listener) return this.errorPage(res, listenerArn, 503)
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const rule = this.model
      .rulesOf(listenerArn)
      .find((r) => matchesAll(r.conditions, req, url.pathname))
    const actions = ordered(rule ? rule.actions : listener.defaultActions)
    const action = actions.find(
      (a) => a.type === 'forward' || a.type === 'fixed-response' || a.type === 'redirect'
    )
    if (!action) return this.errorPage(res, listenerArn, 503)
    this.perform(action, listener, url, req, res)
  }

  private perform(
    action: Action,
    listener: Listener,
    url: URL,
    req: http.IncomingMessage,
    res: http.ServerResponse
  ): void {
    if ('fixedResponse' in action) {
      const { statusCode, contentType, messageBody } = action.fixedResponse
      res.writeHead(Number(statusCode), {
        'content-type': contentType ?? 'text/plain',
        server: 'awselb/2.0'
      })
      res.end(messageBody ?? '')
      this.record({ listenerArn: listener.arn, status: Number(statusCode) })
      return
    }
    if ('redirect' in action) {
      const { statusCode, protocol, host, port, path, query } = action.redirect
      const fill = (template: string): string =>
        template
          .replace(/#\{protocol\}/g, 'http')
          .replace(/#\{host\}/g, (req.headers.host ?? '127.0.0.1').replace(/:\d+$/, ''))
          .replace(/#\{port\}/g, String(listener.port))
          .replace(/#\{path\}/g, url.pathname.slice(1))
          .replace(/#\{query\}/g, url.search.slice(1))
      const search = fill(query ?? '#{query}')
      const location = `${fill(protocol ?? '#{protocol}').toLowerCase()}://${fill(host ?? '#{host}')}:${fill(port ?? '#{port}')}${fill(path ?? '/#{path}')}${search ? `?${search}` : ''}`
      const status = statusCode === 'HTTP_301' ? 301 : 302
      res.writeHead(status, { location, server: 'awselb/2.0' })
      res.end()
      this.record({ listenerArn: listener.arn, status })
      return
    }
    if ('forward' in action) return this.forward(listener, action.forward, req, res)
    this.errorPage(res, listener.arn, 503)
  }

  private forward(
    listener: Listener,
    config: ForwardConfig,
    req: http.IncomingMessage,
    res: http.ServerResponse
  ): void {
    const cookies = parseCookies(req.headers.cookie)
    const setCookies: string[] = []
    const now = Date.now()
    let choice: TargetGroupWeight | undefined
    if (config.stickiness.enabled) {
      // A sticky client keeps its group while the cookie lives, whatever the weights now are.
      const sticky = decodeSticky(cookies[GROUP_COOKIE])
      if (sticky && sticky.e > now) {
        choice = config.targetGroups.find((group) => group.targetGroupArn === sticky.g)
      }
    }
    if (!choice) {
      choice = this.pickWeighted(config.targetGroups)
      if (config.stickiness.enabled) {
        const expires = now + this.scheduler.scaled(config.stickiness.durationSeconds ?? 1)
        setCookies.push(
          cookie(GROUP_COOKIE, encodeSticky({ g: choice.targetGroupArn, e: expires }), expires)
        )
      }
    }
    const group = this.model.targetGroups.get(choice.targetGroupArn)
    const target = group && this.pickTarget(group, cookies[TARGET_COOKIE], setCookies, now)
    if (!group || !target) return this.errorPage(res, listener.arn, 503, choice.targetGroupArn)
    this.proxy(listener, group, target, setCookies, req, res)
  }

  private pickWeighted(groups: TargetGroupWeight[]): TargetGroupWeight {
    const total = groups.reduce((sum, group) => sum + group.weight, 0)
    let point = this.random() * total
    for (const group of groups) {
      if (group.weight === 0) continue
      if (point < group.weight) return group
      point -= group.weight
    }
    return [...groups].reverse().find((group) => group.weight > 0) ?? groups[0]
  }

  /** Healthy targets (or all, when health checks are off); none healthy → all unhealthy ones. */
  private routable(group: TargetGroup): Target[] {
    const targets = [...group.targets.values()]
    const inService = targets.filter((t) => t.state === 'healthy' || t.state === 'unavailable')
    return inService.length > 0 ? inService : targets.filter((t) => t.state === 'unhealthy')
  }

  private pickTarget(
    group: TargetGroup,
    stickyCookie: string | undefined,
    setCookies: string[],
    now: number
  ): Target | undefined {
    const candidates = this.routable(group)
    if (candidates.length === 0) return undefined
    const sticky =
      group.attributes.get('stickiness.enabled') === 'true' &&
      group.attributes.get('stickiness.type') === 'lb_cookie'
    if (sticky) {
      const pinned = decodeSticky(stickyCookie)
      if (pinned && pinned.g === group.arn && pinned.e > now) {
        const target = candidates.find((t) => targetKey(t.id, t.port) === pinned.t)
        if (target) return target
      }
    }
    const turn = this.roundRobin.get(group.arn) ?? 0
    this.roundRobin.set(group.arn, turn + 1)
    const target = candidates[turn % candidates.length]
    if (sticky) {
      const seconds = Number(group.attributes.get('stickiness.lb_cookie.duration_seconds') ?? 86400)
      const expires = now + this.scheduler.scaled(seconds)
      const value = encodeSticky({ g: group.arn, t: targetKey(target.id, target.port), e: expires })
      setCookies.push(cookie(TARGET_COOKIE, value, expires))
    }
    return target
  }

  private proxy(
    listener: Listener,
    group: TargetGroup,
    target: Target,
    setCookies: string[],
    req: http.IncomingMessage,
    res: http.ServerResponse
  ): void {
    const address = this.resolve(group, target.id, target.port)
    if (!address) return this.errorPage(res, listener.arn, 502, group.arn, target.id)
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress ?? '127.0.0.1']
      .filter(Boolean)
      .join(', ')
    const traceId = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`
    const sentAt = performance.now()
    const upstream = http.request({
      host: address.host,
      port: address.port,
      method: req.method,
      path: req.url,
      agent: this.agent,
      headers: {
        ...withoutHopByHop(req.headers),
        'x-forwarded-for': forwardedFor,
        'x-forwarded-proto': listener.protocol.toLowerCase(),
        'x-forwarded-port': String(listener.port),
        'x-amzn-trace-id': traceId
      }
    })
    let settled = false
    const fail = (status: number): void => {
      if (settled) return
      settled = true
      upstream.destroy()
      this.errorPage(res, listener.arn, status, group.arn, target.id)
    }
    upstream.setTimeout(IDLE_TIMEOUT_MS, () => fail(504))
    upstream.on('error', () => fail(502))
    upstream.on('response', (answer) => {
      if (settled) return
      settled = true
      const headers = withoutHopByHop(answer.headers)
      const existing = answer.headers['set-cookie'] ?? []
      if (setCookies.length > 0) headers['set-cookie'] = [...existing, ...setCookies]
      const status = answer.statusCode ?? 502
      res.writeHead(status, headers)
      answer.pipe(res)
      answer.on('error', () => res.destroy())
      this.served.set(group.arn, (this.served.get(group.arn) ?? 0) + 1)
      this.record({
        listenerArn: listener.arn,
        targetGroupArn: group.arn,
        targetId: target.id,
        status,
        targetResponseTime: (performance.now() - sentAt) / 1000
      })
    })
    // A client that goes away takes its upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy()
    })
    req.pipe(upstream)
  }

  private errorPage(
    res: http.ServerResponse,
    listenerArn: string,
    status: number,
    targetGroupArn?: string,
    targetId?: string
  ): void {
    this.record({ listenerArn, targetGroupArn, targetId, status })
    if (res.headersSent) {
      res.destroy()
      return
    }
    const text = STATUS_TEXT[status] ?? String(status)
    res.writeHead(status, { 'content-type': 'text/html', server: 'awselb/2.0' })
    res.end(
      `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n</body>\r\n</html>\r\n`
    )
  }

  private record(routed: Routed): void {
    this.emit('request', routed)
  }
}
