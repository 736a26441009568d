import { lookup } from 'node:dns/promises'
import { isIP, isIPv6 } from 'node:net'
import type { Side, Sides } from '../backends/sides.js'
import { DNS_MODE } from '../backends/dns-settings.js'
import { CancelledError, describeError, InputError } from '../errors.js'
import { type DnsResponse, type DnsServer, UdpDnsClient } from '../dns/udp-client.js'
import { optional, parseList } from '../inputs.js'
import type { Gate, GateContext, GateDefinition, GateDeps, GateResult } from './gate.js'
import { WaitingSince, worstOf } from './verdicts.js'

/** A resolver as the user wrote it: a host (address or name) and a port. */
export interface ResolverInput {
  host: string
  port: number
}

export interface DnsAnswerSettings {
  /** Empty: ask the hosted zone's authoritative name servers. */
  resolvers: ResolverInput[]
}

export const MAX_RESOLVERS = 8
/** Queries per resolver per check: enough to see a side at a small weight, few enough to be quick. */
export const MIN_QUERIES = 4
export const MAX_QUERIES = 64
/** How sure a check wants to be that a side with weight above 0 shows up at least once. */
const CONFIDENCE = 0.99
const IN_FLIGHT = 16
const ACCEPTED =
  'DNS servers as host[:port] (203.0.113.53, 127.0.0.1:5353, [2001:db8::53]:53, ns1.example.com), comma separated, or off'

export const dnsAnswer: GateDefinition<DnsAnswerSettings> = {
  name: 'dns-answer',
  readInputs(read, common) {
    const raw = optional(read, 'dns-resolvers')
    if (common.mode !== DNS_MODE) {
      if (raw) throw new InputError('dns-resolvers', raw, 'no value unless mode is dns')
      return undefined
    }
    if (raw === 'off') return undefined
    const entries = parseList(raw)
    if (entries.length > MAX_RESOLVERS) {
      throw new InputError('dns-resolvers', raw, `at most ${MAX_RESOLVERS} resolvers`)
    }
    return { resolvers: entries.map(parseResolver) }
  },
  inputs: ['dns-resolvers'],
  create(settings, deps) {
    // On by default wherever the sides are DNS records (mode dns).
    if (deps.sides.blue.records.length === 0) return undefined
    return new DnsAnswerGate(settings, deps)
  }
}

export function parseResolver(raw: string): ResolverInput {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw)
  const [host, portText] = bracketed
    ? [bracketed[1], bracketed[2]]
    : isIPv6(raw)
      ? [raw, undefined]
      : (raw.split(':') as [string, string | undefined])
  const port = portText === undefined ? 53 : Number(portText)
  const hostOk =
    isIP(host) !== 0 ||
    /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i.test(
      host
    )
  if (!hostOk || !/^\d{1,5}$/.test(portText ?? '53') || port < 1 || port > 65535) {
    throw new InputError('dns-resolvers', raw, ACCEPTED)
  }
  return { host, port }
}

type SideName = 'blue' | 'green'

/** One side as DNS answers it: its share of answers now, and what identifies it in an answer. */
export interface DnsSide {
  /** The side's share of the weight, 0..1 (0: it must no longer answer). */
  share: number
  /** Addresses or host names (lower case, no trailing dot). */
  values: string[]
  /** For an alias: the target's DNS name, whose own addresses are the answers. */
  aliasDnsName?: string
}

/** Both sides at the applied split, from the records the backend's inspection found. */
export function dnsSides(sides: Sides, greenShare: number): { blue: DnsSide; green: DnsSide } {
  const side = (from: Side, share: number): DnsSide => ({
    share,
    values: from.records.flatMap((record) => record.values),
    aliasDnsName: from.records.find((record) => record.aliasTarget)?.aliasTarget?.dnsName
  })
  return { blue: side(sides.blue, 1 - greenShare), green: side(sides.green, greenShare) }
}

/** What one resolver showed for the current weights, accumulated over checks. */
interface Seen {
  /** The weights these sightings belong to; new weights start afresh. */
  key: string
  sides: Set<SideName>
}

/**
 * Resolves the record through the chosen resolvers (by default the zone's authoritative name
 * servers) and confirms the answers reflect the live weights: a side with weight above 0
 * appears, a side at 0 no longer does. Pending until then; failing after health-timeout.
 */
class DnsAnswerGate implements Gate {
  readonly name = 'dns-answer'
  readonly intervalMs: number
  readonly checkTimeoutMs: number
  private servers?: { label: string; server: DnsServer }[]
  private readonly seen = new Map<string, Seen>()
  /** Since when each resolver has been asked about the current weights. */
  private readonly waitingSince = new WaitingSince()

  constructor(
    private readonly settings: DnsAnswerSettings,
    private readonly deps: GateDeps
  ) {
    this.intervalMs = deps.settings.checkIntervalMs
    // Every resolver is asked in parallel, each query bounded by the UDP client's own timeout.
    this.checkTimeoutMs = Math.max(15_000, 2 * this.intervalMs)
  }

  async check(context: GateContext): Promise<GateResult> {
    const servers = await this.resolvers()
    if (servers.length === 0) {
      return {
        status: 'fail',
        detail: 'the hosted zone has no public name servers (a private zone?): give dns-resolvers'
      }
    }
    const sides = dnsSides(this.deps.sides, context.split.permille / 1000)
    const values = await sideValues(sides)
    const key = String(context.split.permille)
    const count = queriesFor(sides)
    const results = await Promise.all(
      servers.map(({ label, server }) =>
        this.checkOne(label, server, values, sides, key, count, context.signal)
      )
    )
    return worstOf(results)
  }

  private async checkOne(
    label: string,
    server: DnsServer,
    values: Map<string, SideName>,
    sides: { blue: DnsSide; green?: DnsSide },
    key: string,
    count: number,
    signal: AbortSignal | undefined
  ): Promise<GateResult> {
    const now = this.deps.clock.now()
    let seen = this.seen.get(label)
    if (!seen || seen.key !== key) {
      seen = { key, sides: new Set() }
      this.seen.set(label, seen)
      this.waitingSince.stop(label)
    }
    const waited = this.waitingSince.waited(label, now)
    const { responses, errors } = await ask(server, this.deps.sides, count, signal)
    const tally = { blue: 0, green: 0 }
    const other = new Map<string, number>()
    for (const response of responses) {
      const side = classify(response, values)
      if (side) {
        tally[side] += 1
        seen.sides.add(side)
      } else {
        const shown = response.answers.map((answer) => answer.data).join(' ')
        other.set(shown, (other.get(shown) ?? 0) + 1)
      }
    }
    const counts =
      `${responses.length} answers: blue ${tally.blue}, green ${tally.green}` +
      [...other].map(([value, times]) => `, other ${value} ×${times}`).join('') +
      (errors.length > 0 ? `, ${errors.length} without answer (${errors[0]})` : '')
    const problems: string[] = []
    for (const name of ['blue', 'green'] as const) {
      const side = sides[name]
      if (!side) continue
      const share = `${Math.round(side.share * 1000) / 10} %`
      if (side.share > 0 && !seen.sides.has(name)) {
        problems.push(`${name} (${share} of the weight) has not answered yet`)
      }
      if (side.share === 0 && tally[name] > 0) {
        problems.push(`${name} (weight 0) still answers`)
      }
    }
    if (problems.length === 0) return { status: 'pass', detail: `${label}: ${counts}` }
    const detail = `${label}: ${problems.join(', ')} (${counts})`
    return waited >= this.deps.settings.healthTimeoutMs
      ? { status: 'fail', detail: `${detail}, after ${waited / 1000}s (health-timeout)` }
      : { status: 'pending', detail }
  }

  /** The resolvers' addresses, looked up once; names (and default name servers) via the system. */
  private async resolvers(): Promise<{ label: string; server: DnsServer }[]> {
    if (this.servers) return this.servers
    const inputs: ResolverInput[] =
      this.settings.resolvers.length > 0
        ? this.settings.resolvers
        : this.deps.sides.nameServers.map((host) => ({ host, port: 53 }))
    this.servers = await Promise.all(
      inputs.map(async ({ host, port }) => {
        const address = isIP(host) ? host : (await lookup(host)).address
        const label = isIP(host) ? `${host}:${port}` : `${host} (${address}:${port})`
        return { label, server: { address, port } }
      })
    )
    return this.servers
  }
}

/**
 * How many queries make a side with weight above 0 show up at least once with 99 % confidence,
 * within MIN_QUERIES..MAX_QUERIES (smaller weights accumulate over several checks).
 */
export function queriesFor(sides: { blue: DnsSide; green?: DnsSide }): number {
  const shares = [sides.blue.share, sides.green?.share ?? 0]
  const smallest = Math.min(...shares.filter((share) => share > 0))
  if (!Number.isFinite(smallest) || smallest >= 1) return MIN_QUERIES
  const needed = Math.ceil(Math.log(1 - CONFIDENCE) / Math.log(1 - smallest))
  return Math.min(MAX_QUERIES, Math.max(MIN_QUERIES, needed))
}

/** Every value that identifies a side in an answer: addresses, CNAME targets, alias targets. */
async function sideValues(sides: {
  blue: DnsSide
  green?: DnsSide
}): Promise<Map<string, SideName>> {
  const values = new Map<string, SideName>()
  for (const name of ['blue', 'green'] as const) {
    const side = sides[name]
    if (!side) continue
    for (const value of side.values) values.set(value, name)
    if (side.aliasDnsName) {
      // An alias answers with its target's addresses; a CNAME to it where that is not resolved.
      values.set(side.aliasDnsName, name)
      for (const address of await addressesOf(side.aliasDnsName)) values.set(address, name)
    }
  }
  return values
}

async function addressesOf(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map((entry) => entry.address.toLowerCase())
  } catch {
    return [] // not resolvable from here: the alias name itself may still show as a CNAME
  }
}

function classify(response: DnsResponse, values: Map<string, SideName>): SideName | undefined {
  for (const answer of response.answers) {
    const side = values.get(answer.data)
    if (side) return side
  }
  return undefined
}

/** `count` queries, IN_FLIGHT at a time, each on its own id; failures are kept as text. */
async function ask(
  server: DnsServer,
  sides: Sides,
  count: number,
  signal: AbortSignal | undefined
): Promise<{ responses: DnsResponse[]; errors: string[] }> {
  const client = new UdpDnsClient(server)
  const responses: DnsResponse[] = []
  const errors: string[] = []
  const { name, type } = sides.blue.records[0] as { name: string; type: 'A' | 'AAAA' | 'CNAME' }
  try {
    for (let sent = 0; sent < count; sent += IN_FLIGHT) {
      const batch = Array.from({ length: Math.min(IN_FLIGHT, count - sent) }, () =>
        client.query(name, type, signal).then(
          (response) => {
            if (response.rcode !== 'NOERROR') errors.push(`rcode ${response.rcode}`)
            else if (response.answers.length === 0) errors.push('no records in the answer')
            else responses.push(response)
          },
          (error: unknown) => {
            if (error instanceof CancelledError) throw error
            errors.push(describeError(error))
          }
        )
      )
      await Promise.all(batch)
    }
  } finally {
    client.close()
  }
  return { responses, errors }
}
