import type { Answer } from 'dns-packet'
import { soaData, toAnswers } from './answers.js'
import { isHealthy, type HealthCheck } from './health-checks.js'
import type { HostedZone } from './model.js'
import { isInZone, normaliseName, parentName, wireName } from './names.js'
import type { RecordSet } from './records.js'
import { chooseWeighted } from './weighted.js'

/** What the DNS server reads: the zones' served records and the health checks' status. */
export interface DnsData {
  zones(): Iterable<HostedZone>
  healthCheck(id: string): HealthCheck | undefined
  /** The addresses of an alias target outside the zones (a load balancer's), when known. */
  aliasAddresses?(dnsName: string, hostedZoneId: string): string[] | undefined
}

type Rcode = 'NOERROR' | 'NXDOMAIN'

export interface Answered {
  rcode: Rcode | 'REFUSED'
  authoritative: boolean
  answers: Answer[]
  authorities: Answer[]
}

interface Lookup {
  rcode: Rcode
  answers: Answer[]
}

/** How deep CNAME chains and alias chains are followed before giving up (loops end here). */
const MAX_DEPTH = 8
/** TTL of an alias answer outside the zones (ELB's, CloudFront's: 60 s), or of its CNAME. */
const EXTERNAL_ALIAS_TTL = 60

/**
 * Answers DNS questions from the served records of the sandbox's hosted zones, as Route 53's
 * authoritative name servers do: weighted choice per query (with health), alias resolution,
 * CNAME chasing inside the sandbox, wildcards, NXDOMAIN with the zone's SOA, REFUSED outside
 * every zone.
 */
export class Resolver {
  constructor(
    private readonly data: DnsData,
    private readonly random: () => number
  ) {}

  /** The answer to one question, before it becomes a packet. */
  answer(qname: string, qtype: string, qclass: string): Answered {
    const name = normaliseName(qname)
    const zone = qclass === 'IN' || qclass === 'ANY' ? this.zoneFor(name) : undefined
    if (!zone) return { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [] }
    const lookup = this.resolve(zone, name, qname, qtype, 0)
    const soa = zone.served.find((record) => record.name === zone.name && record.type === 'SOA')
    const soaValue = soa?.values?.[0]
    // A negative answer carries the SOA, whose TTL bounds how long resolvers cache the absence.
    const authorities: Answer[] =
      lookup.answers.length === 0 && soaValue
        ? [
            {
              name: wireName(zone.name),
              type: 'SOA',
              ttl: Math.min(soa?.ttl ?? 0, soaData(soaValue).minimum),
              class: 'IN',
              data: soaData(soaValue)
            }
          ]
        : []
    return { rcode: lookup.rcode, authoritative: true, answers: lookup.answers, authorities }
  }

  /** The most specific zone holding the name; of two zones with one name, the older. */
  private zoneFor(name: string): HostedZone | undefined {
    let best: HostedZone | undefined
    for (const zone of this.data.zones()) {
      if (zone.served.length === 0 || !isInZone(name, zone.name)) continue
      if (!best || zone.name.length > best.name.length) best = zone
    }
    return best
  }

  private resolve(
    zone: HostedZone,
    name: string,
    owner: string,
    type: string,
    depth: number
  ): Lookup {
    let atName = zone.served.filter((record) => record.name === name)
    if (atName.length === 0) {
      const wildcard = this.wildcard(zone, name)
      if (wildcard) atName = wildcard
      else return { rcode: nameExists(zone, name) ? 'NOERROR' : 'NXDOMAIN', answers: [] }
    }
    const types = type === 'ANY' ? [...new Set(atName.map((record) => record.type))] : [type]
    const answers: Answer[] = []
    for (const wanted of types) {
      const group = atName.filter((record) => record.type === wanted)
      const chosen = this.pick(group, depth)
      if (chosen) answers.push(...this.expand(chosen, owner, depth))
    }
    if (answers.length > 0 || type === 'CNAME' || type === 'ANY')
      return { rcode: 'NOERROR', answers }
    const cname = this.pick(
      atName.filter((record) => record.type === 'CNAME'),
      depth
    )
    if (!cname?.values) return { rcode: 'NOERROR', answers }
    answers.push(...toAnswers(cname, owner))
    // Follow the CNAME while it stays inside the sandbox, as Route 53 does within its zones.
    const target = normaliseName(cname.values[0])
    const targetZone = this.zoneFor(target)
    if (!targetZone || depth >= MAX_DEPTH) return { rcode: 'NOERROR', answers }
    const chased = this.resolve(targetZone, target, wireName(target), type, depth + 1)
    return { rcode: chased.rcode, answers: [...answers, ...chased.answers] }
  }

  /** Records of the closest wildcard (`*.parent`) that covers a name which does not exist. */
  private wildcard(zone: HostedZone, name: string): RecordSet[] | undefined {
    for (
      let parent = parentName(name);
      parent && isInZone(parent, zone.name);
      parent = parentName(parent)
    ) {
      const source = `\\052.${parent}`
      const records = zone.served.filter((record) => record.name === source)
      if (records.length > 0) return records.map((record) => ({ ...record, name }))
      if (nameExists(zone, parent)) return undefined
    }
    return undefined
  }

  /** A simple record answers as is; a weighted group answers with one record per query. */
  private pick(group: RecordSet[], depth: number): RecordSet | undefined {
    if (group.length === 1 && group[0].setIdentifier === undefined) return group[0]
    return chooseWeighted(group, (record) => this.healthy(record, depth), this.random)
  }

  private healthy(record: RecordSet, depth: number): boolean {
    const check =
      record.healthCheckId === undefined ? undefined : this.data.healthCheck(record.healthCheckId)
    if (!isHealthy(check)) return false
    const alias = record.aliasTarget
    if (!alias?.evaluateTargetHealth || depth >= MAX_DEPTH) return true
    const target = this.aliasZone(record)
    if (!target) return true // outside the sandbox: nothing to evaluate
    const group = target.served.filter((r) => r.name === alias.dnsName && r.type === record.type)
    return group.some((r) => this.healthy(r, depth + 1))
  }

  /**
   * Values of a record, or for an alias the answers of its target under the alias's name (with
   * the target's TTL). An alias to a name outside the sandbox (an ELB, CloudFront) answers as a
   * CNAME to that name: the sandbox cannot resolve it, and a CNAME says where traffic goes.
   */
  private expand(record: RecordSet, owner: string, depth: number): Answer[] {
    const alias = record.aliasTarget
    if (!alias) return toAnswers(record, owner)
    const target = this.aliasZone(record)
    if (!target) {
      // An alias to a load balancer answers its addresses with ELB's TTL, as Route 53 does.
      const addresses =
        record.type === 'A'
          ? this.data.aliasAddresses?.(alias.dnsName, alias.hostedZoneId)
          : undefined
      if (addresses) {
        return addresses.map((data) => ({
          name: owner,
          type: 'A' as const,
          ttl: EXTERNAL_ALIAS_TTL,
          class: 'IN' as const,
          data
        }))
      }
      return [
        {
          name: owner,
          type: 'CNAME',
          ttl: EXTERNAL_ALIAS_TTL,
          class: 'IN',
          data: wireName(alias.dnsName)
        }
      ]
    }
    if (depth >= MAX_DEPTH) return []
    const targetOwner = wireName(alias.dnsName)
    const resolved = this.resolve(target, alias.dnsName, targetOwner, record.type, depth + 1)
    return resolved.answers.map((answer) =>
      answer.name === targetOwner ? { ...answer, name: owner } : answer
    )
  }

  private aliasZone(record: RecordSet): HostedZone | undefined {
    const alias = record.aliasTarget
    if (!alias) return undefined
    for (const zone of this.data.zones()) {
      if (zone.id === alias.hostedZoneId && zone.served.length > 0) return zone
    }
    return undefined
  }
}

/** A name exists when it owns records or sits above names that do (an empty non-terminal). */
function nameExists(zone: HostedZone, name: string): boolean {
  return zone.served.some((record) => record.name === name || record.name.endsWith(`.${name}`))
}
