import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { USER_AGENT } from '../../src/aws/clients.js'
import { CancelledError, InputError } from '../../src/errors.js'
import type { Gate, GateContext } from '../../src/gates/gate.js'
import { httpProbe, MAX_PROBE_URLS, parseStatusRanges } from '../../src/gates/http-probe.js'
import { redactUrl } from '../../src/gates/probe-urls.js'
import { Split } from '../../src/split.js'
import { gateDeps, inputs, type TestDeps } from './deps.js'

const BAKE: GateContext = { phase: 'bake', split: Split.ofPercent(10), since: 0 }

function readProbe(values: Record<string, string>) {
  return httpProbe.readInputs(inputs(values), gateDeps().settings)
}

function refusal(values: Record<string, string>): InputError {
  try {
    readProbe(values)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error(`accepted ${JSON.stringify(values)}`)
}

describe('http-probe inputs', () => {
  it('is not configured without probe-urls', () => {
    expect(readProbe({})).toBeUndefined()
    expect(readProbe({ 'probe-urls': ' ,\n ' })).toBeUndefined()
  })

  it('has defaults for everything but the URLs', () => {
    expect(readProbe({ 'probe-urls': 'https://green.example.com/health' })).toEqual({
      urls: [new URL('https://green.example.com/health')],
      expectedStatus: [[200, 399]],
      maxLatencyMs: 2000,
      intervalMs: 5000,
      failureThreshold: 3
    })
  })

  it.each([
    ['probe-urls', 'http://a.example/health\nhttps://b.example:8443/x?y=1'],
    ['probe-max-latency', '750ms'],
    ['probe-max-latency', '60s'],
    ['probe-interval', '30s'],
    ['probe-failure-threshold', '1'],
    ['probe-failure-threshold', '100']
  ])('accepts %s %j', (name, raw) => {
    expect(readProbe({ 'probe-urls': 'http://a.example/', [name]: raw })).toBeDefined()
  })

  it.each([
    ['200', [[200, 200]]],
    [
      '200,204,300-399',
      [
        [200, 200],
        [204, 204],
        [300, 399]
      ]
    ],
    [' 100-599 ', [[100, 599]]],
    [
      '404\n410',
      [
        [404, 404],
        [410, 410]
      ]
    ]
  ])('probe-expected-status %j → %j', (raw, expected) => {
    expect(parseStatusRanges('probe-expected-status', raw)).toEqual(expected)
  })

  it.each([
    ['probe-urls', 'ftp://files.example/x'],
    ['probe-urls', 'green.example.com/health'],
    ['probe-urls', 'http://'],
    ['probe-urls', Array.from({ length: MAX_PROBE_URLS + 1 }, (_, i) => `http://h${i}/`).join(',')],
    ['probe-expected-status', '2xx'],
    ['probe-expected-status', '99'],
    ['probe-expected-status', '600'],
    ['probe-expected-status', '399-200'],
    ['probe-expected-status', '200-'],
    ['probe-expected-status', '200 - 299'],
    ['probe-expected-status', ','],
    ['probe-max-latency', '2'],
    ['probe-max-latency', '0'],
    ['probe-max-latency', '61s'],
    ['probe-max-latency', 'fast'],
    ['probe-interval', '0'],
    ['probe-interval', '-5s'],
    ['probe-failure-threshold', '0'],
    ['probe-failure-threshold', '101'],
    ['probe-failure-threshold', '2.5'],
    ['probe-failure-threshold', 'three']
  ])('refuses %s %j, naming the input', (name, raw) => {
    const values = { 'probe-urls': 'http://a.example/', [name]: raw }
    expect(refusal(values).input).toBe(name)
  })

  it('keeps credentials and query strings out of an input error', () => {
    const error = refusal({ 'probe-urls': 'ftp://deploy:hunter2@files.example/x?token=abc123' })
    expect(error.message).not.toMatch(/hunter2|abc123|deploy/)
    expect(error.message).toContain('ftp://***@files.example/x?***')
  })

  it('shows no part of a URL that does not parse', () => {
    const error = refusal({ 'probe-urls': 'https://a.example/, https://deploy:hun,ter2@gre en/' })
    expect(error.input).toBe('probe-urls')
    expect(error.message).not.toMatch(/deploy|hun|ter2|gre/)
    expect(error.message).toContain('URL 2 of 2 (not shown: it does not parse)')
  })

  it('keeps a comma inside the userinfo in its URL', () => {
    const settings = readProbe({
      'probe-urls': 'https://deploy:hun,ter2@green.example/health,http://a.example/x'
    })
    expect(settings?.urls.map((url) => url.href)).toEqual([
      'https://deploy:hun,ter2@green.example/health',
      'http://a.example/x'
    ])
  })
})

describe('redaction', () => {
  it.each([
    ['https://green.example/health', 'https://green.example/health'],
    ['https://user:pa55@green.example/health', 'https://***@green.example/health'],
    ['https://tok3n@green.example/', 'https://***@green.example/'],
    ['http://green.example:8080/h?key=s3cret#frag', 'http://green.example:8080/h?***']
  ])('redactUrl(%j) → %j', (raw, expected) => {
    expect(redactUrl(new URL(raw))).toBe(expected)
  })
})

describe('http-probe checks', () => {
  const servers: Server[] = []

  afterEach(async () => {
    jest.useRealTimers()
    await Promise.all(
      servers.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections()
            server.close(() => resolve())
          })
      )
    )
  })

  /** A server on 127.0.0.1 with an ephemeral port; returns its base URL. */
  async function serve(
    handler: (req: IncomingMessage, res: ServerResponse) => void
  ): Promise<string> {
    const server = createServer(handler)
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  function build(values: Record<string, string>, deps = gateDeps()): [Gate, TestDeps] {
    const settings = httpProbe.readInputs(inputs(values), deps.settings)!
    return [httpProbe.create(settings, deps)!, deps]
  }

  it('passes on an expected status, asking every URL once per check', async () => {
    const seen: string[] = []
    const base = await serve((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['user-agent']}`)
      res.writeHead(req.url === '/ready' ? 204 : 200).end('ok')
    })
    const [gate] = build({ 'probe-urls': `${base}/health, ${base}/ready` })
    expect(await gate.check(BAKE)).toEqual({
      status: 'pass',
      detail: `${base}/health: 200 in 0ms; ${base}/ready: 204 in 0ms`
    })
    expect(seen.sort()).toEqual([`GET /health ${USER_AGENT}`, `GET /ready ${USER_AGENT}`])
    expect(gate.intervalMs).toBe(5000)
  })

  it('fails on an unexpected status once the threshold is reached', async () => {
    const base = await serve((_, res) => res.writeHead(503).end())
    const [gate] = build({ 'probe-urls': `${base}/health`, 'probe-failure-threshold': '1' })
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail: `${base}/health: 503 in 0ms, expected status 200-399 (1 of 1 in a row)`
    })
  })

  it('counts consecutive failures per URL and resets them on success', async () => {
    let status = 500
    const base = await serve((req, res) => res.writeHead(req.url === '/ok' ? 200 : status).end())
    const [gate] = build({
      'probe-urls': `${base}/flaky, ${base}/ok`,
      'probe-expected-status': '200'
    })
    const statuses = async (count: number) => {
      const seen: string[] = []
      for (let i = 0; i < count; i += 1) seen.push((await gate.check(BAKE)).status)
      return seen
    }

    expect(await statuses(2)).toEqual(['pending', 'pending'])
    status = 200
    expect(await statuses(1)).toEqual(['pass'])
    status = 500
    expect(await statuses(2)).toEqual(['pending', 'pending'])
    const third = await gate.check(BAKE)
    expect(third.status).toBe('fail')
    expect(third.detail).toBe(
      `${base}/flaky: 500 in 0ms, expected status 200 (3 of 3 in a row); ${base}/ok: 200 in 0ms`
    )
  })

  it('fails a response slower than probe-max-latency, measured on the injected clock', async () => {
    const deps = gateDeps()
    const base = await serve((_, res) => {
      deps.clock.advance(2500)
      res.writeHead(200).end()
    })
    const [gate] = build(
      {
        'probe-urls': `${base}/health`,
        'probe-max-latency': '2s',
        'probe-failure-threshold': '1'
      },
      deps
    )
    expect(await gate.check(BAKE)).toEqual({
      status: 'fail',
      detail: `${base}/health: 200 in 2500ms, slower than probe-max-latency 2000ms (1 of 1 in a row)`
    })
  })

  it('fails when the connection is refused', async () => {
    const base = await serve(() => undefined)
    const server = servers.pop()!
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const [gate] = build({ 'probe-urls': `${base}/health`, 'probe-failure-threshold': '1' })
    const result = await gate.check(BAKE)
    expect(result.status).toBe('fail')
    expect(result.detail).toMatch(
      new RegExp(
        `^${base}/health: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+ \\(1 of 1 in a row\\)$`
      )
    )
  })

  it('gives up on a server that never answers after probe-max-latency', async () => {
    let arrived: () => void = () => undefined
    const request = new Promise<void>((resolve) => (arrived = resolve))
    const base = await serve(() => arrived())
    const [gate] = build({ 'probe-urls': `${base}/hang`, 'probe-failure-threshold': '1' })
    // Only the probe's own timer is faked: sockets and the server keep real time.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setInterval', 'queueMicrotask'] })
    const check = gate.check(BAKE)
    await request
    jest.advanceTimersByTime(2000)
    expect(await check).toEqual({
      status: 'fail',
      detail: `${base}/hang: no response within 2000ms (probe-max-latency) (1 of 1 in a row)`
    })
  })

  it('never puts credentials or query strings in a detail', async () => {
    let authorization: string | undefined
    const base = await serve((req, res) => {
      authorization = req.headers.authorization
      res.writeHead(500).end()
    })
    const secretUrl = base.replace('http://', 'http://deploy:hunter2@') + '/health?token=abc123'
    const [gate] = build({ 'probe-urls': secretUrl, 'probe-failure-threshold': '1' })
    const result = await gate.check(BAKE)
    // The userinfo is still sent, as basic auth: only the report hides it.
    expect(authorization).toBe(`Basic ${Buffer.from('deploy:hunter2').toString('base64')}`)
    expect(result.detail).toBe(
      `${base.replace('http://', 'http://***@')}/health?***: 500 in 0ms, expected status 200-399 (1 of 1 in a row)`
    )

    const down = servers.pop()!
    await new Promise<void>((resolve) => {
      down.closeAllConnections()
      down.close(() => resolve())
    })
    const refused = await gate.check(BAKE)
    expect(refused.detail).toContain('ECONNREFUSED')
    expect(refused.detail).not.toMatch(/deploy|hunter2|abc123/)
  })

  it('stops waiting at once when the run is cancelled', async () => {
    let arrived: () => void = () => undefined
    const request = new Promise<void>((resolve) => (arrived = resolve))
    const base = await serve(() => arrived())
    const [gate] = build({ 'probe-urls': `${base}/hang` })
    const controller = new AbortController()
    const check = gate.check({ ...BAKE, signal: controller.signal })
    await request
    controller.abort()
    await expect(check).rejects.toBeInstanceOf(CancelledError)
  })

  it('sends nothing when the run is already cancelled', async () => {
    let requests = 0
    const base = await serve((_, res) => {
      requests += 1
      res.end()
    })
    const [gate] = build({ 'probe-urls': `${base}/health` })
    await expect(gate.check({ ...BAKE, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      CancelledError
    )
    expect(requests).toBe(0)
  })
})
