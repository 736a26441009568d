import { lookup } from 'node:dns/promises'
import { isIP, isIPv6 } from 'node:net'
import type { Side, Sides } from '../backends/sides.js'
import { DNS_MODE } from '../backends/dns-settings.js'
import { CancelledError, describeError, InputError } from '../errors.js'
import { type DnsResponse, type DnsServer, UdpDnsClient } from '../dns/udp-client.js'
import { optional, parseList } from '../inputs.js'
import type { Split } from '../split.js'
import type { Gate, GateContext, GateDefinition, GateDeps, GateResult } from './gate.js'
import { checkTimeoutFor, WaitingSince, worstOf } from './verdicts.js'

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
  inputs: ['dns-resolvers'],
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
type QueryType = 'A' | 'AAAA' | 'CNAME'

/** A name the records answer for: every side's weighted record of that name and type. */
interface Question {
  name: string
  type: QueryType
}

/** What one resolver showed for one name at the current split, accumulated over checks. */
interface Seen {
  /** The split these sightings belong to; a new split starts afresh. */
  permille: number
  sides: Set<SideName>
}

/**
 * Resolves the records through the chosen resolvers (by default the zone's authoritative name
 * servers) and confirms the answers follow the applied split: a side with a share above 0
 * appears, a side at 0 no longer does. Pending until then; failing after health-timeout.
 */
class DnsAnswerGate implements Gate {
  readonly name = 'dns-answer'
  readonly intervalMs: number
  readonly checkTimeoutMs: number
  private servers?: { label: string; server: DnsServer }[]
  private values?: Map<string, SideName>
  private readonly questions: Question[]
  private readonly seen = new Map<string, Seen>()
  /** Since when each resolver has been asked about the current split, per name. */
  private readonly waitingSince = new WaitingSince()

  constructor(
    private readonly settings: DnsAnswerSettings,
    private readonly deps: GateDeps
  ) {
    this.intervalMs = deps.settings.checkIntervalMs
    this.checkTimeoutMs = checkTimeoutFor(this.intervalMs)
    const records = [...deps.sides.blue.records, ...deps.sides.green.records]
    const keys = new Set(records.map((record) => `${record.type} ${normalName(record.name)}`))
    this.questions = [...keys].map((key) => {
      const [type, name] = key.split(' ')
      return { name, type: type as QueryType }
    })
  }

  async check(context: GateContext): Promise<GateResult> {
    const servers = await this.resolvers()
    if (servers.length === 0) {
      return {
        status: 'fail',
        detail: 'the hosted zone has no public name servers (a private zone?): give dns-resolvers'
      }
    }
    this.values ??= await sideValues(this.deps.sides)
    const values = this.values
    const count = queriesFor(context.split)
    const results = await Promise.all(
      this.questions.flatMap((question) =>
        servers.map(({ label, server }) =>
          this.checkOne(label, server, question, values, context, count)
        )
      )
    )
    return worstOf(results)
  }

  private async checkOne(
    resolver: string,
    server: DnsServer,
    question: Question,
    values: Map<string, SideName>,
    context: GateContext,
    count: number
  ): Promise<GateResult> {
    const label = this.questions.length > 1 ? `${resolver} ${question.name}` : resolver
    const now = this.deps.clock.now()
    const { permille } = context.split
    let seen = this.seen.get(label)
    if (!seen || seen.permille !== permille) {
      seen = { permille, sides: new Set() }
      this.seen.set(label, seen)
      this.waitingSince.stop(label)
    }
    const waited = this.waitingSince.waited(label, now)
    const { responses, errors } = await ask(server, question, count, context.signal)
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
    const share = { blue: (1000 - permille) / 10, green: permille / 10 }
    const problems: string[] = []
    for (const name of ['blue', 'green'] as const) {
      if (share[name] > 0 && !seen.sides.has(name)) {
        problems.push(`${name} (at ${share[name]}%) has not answered yet`)
      }
      if (share[name] === 0 && tally[name] > 0) problems.push(`${name} (at 0%) still answers`)
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
 * How many queries make a side with a share above 0 show up at least once with 99 % confidence,
 * within MIN_QUERIES..MAX_QUERIES (smaller shares accumulate over several checks).
 */
export function queriesFor(split: Split): number {
  const smallest = Math.min(split.permille, 1000 - split.permille) / 1000
  if (smallest === 0) return MIN_QUERIES
  const needed = Math.ceil(Math.log(1 - CONFIDENCE) / Math.log(1 - smallest))
  return Math.min(MAX_QUERIES, Math.max(MIN_QUERIES, needed))
}

/** Every value that identifies a side in an answer: addresses, CNAME targets, alias targets. */
async function sideValues(sides: Sides): Promise<Map<string, SideName>> {
  const values = new Map<string, SideName>()
  for (const name of ['blue', 'green'] as const) {
    for (const record of sides[name].records) {
      for (const value of record.values) values.set(normalValue(value), name)
      const alias = record.aliasTarget && normalName(record.aliasTarget.dnsName)
      if (alias) {
        // An alias answers with its target's addresses; a CNAME to it where that is not resolved.
        values.set(alias, name)
        for (const address of await addressesOf(alias)) values.set(address, name)
      }
    }
  }
  return values
}

/** Names without the trailing dot, lower case, as answers are compared. */
function normalName(name: string): string {
  return name.replace(/\.$/, '').toLowerCase()
}

function normalValue(value: string): string {
  return normalName(value)
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
