import { invalidInput } from './errors.js'
import type { Route53Model } from './model.js'
import { isValidName, normaliseName, reversedName, compareAscii } from './names.js'
import { parseChangeBatch, parseCreateHealthCheck, parseCreateHostedZone } from './parse.js'
import { isRecordType } from './records.js'
import {
  changeInfoXml,
  delegationSetXml,
  healthCheckXml,
  hostedZoneXml,
  observationsXml,
  recordSetXml
} from './render.js'
import { document, el } from './xml.js'

export interface Request {
  /** Path parameters, URL-decoded (bare ids: the SDK strips `/hostedzone/`). */
  params: string[]
  query: URLSearchParams
  body: string
  /** The sandbox's base URL, for Location headers. */
  baseUrl: string
}

export interface Reply {
  status: number
  body: string
  headers?: Record<string, string>
}

export interface Operation {
  name: string
  method: string
  path: RegExp
  handle(model: Route53Model, request: Request): Reply
}

const ok = (body: string): Reply => ({ status: 200, body })
const V = '/2013-04-01'

/**
 * The Route 53 operations the sandbox serves, with the methods, paths and status codes of
 * @aws-sdk/client-route-53's operation schemas.
 */
export const OPERATIONS: Operation[] = [
  {
    name: 'CreateHostedZone',
    method: 'POST',
    path: route('hostedzone'),
    handle(model, request) {
      const { zone, change } = model.createHostedZone(parseCreateHostedZone(request.body))
      return {
        status: 201,
        headers: { location: `${request.baseUrl}${V}/hostedzone/${zone.id}` },
        body: document('CreateHostedZoneResponse', [
          hostedZoneXml(zone),
          changeInfoXml(change),
          delegationSetXml(zone)
        ])
      }
    }
  },
  {
    name: 'GetHostedZone',
    method: 'GET',
    path: route('hostedzone', '*'),
    handle(model, { params }) {
      const zone = model.zone(params[0])
      return ok(
        document('GetHostedZoneResponse', [
          hostedZoneXml(zone),
          zone.privateZone ? undefined : delegationSetXml(zone)
        ])
      )
    }
  },
  {
    name: 'DeleteHostedZone',
    method: 'DELETE',
    path: route('hostedzone', '*'),
    handle(model, { params }) {
      return ok(
        document('DeleteHostedZoneResponse', [changeInfoXml(model.deleteHostedZone(params[0]))])
      )
    }
  },
  {
    name: 'ListHostedZones',
    method: 'GET',
    path: route('hostedzone'),
    handle(model, { query }) {
      const zones = [...model.zones.values()]
      const page = pageByMarker(zones, query, 100)
      return ok(
        document('ListHostedZonesResponse', [
          el('HostedZones', page.items.map(hostedZoneXml)),
          el('Marker', query.get('marker') ?? undefined),
          el('IsTruncated', page.next !== undefined),
          el('NextMarker', page.next?.id),
          el('MaxItems', page.maxItems)
        ])
      )
    }
  },
  {
    name: 'ListHostedZonesByName',
    method: 'GET',
    path: route('hostedzonesbyname'),
    handle(model, { query }) {
      const dnsName = query.get('dnsname') ?? undefined
      const zoneId = query.get('hostedzoneid') ?? undefined
      if (zoneId !== undefined && dnsName === undefined) {
        throw invalidInput('Invalid request: hostedzoneid requires dnsname')
      }
      if (dnsName !== undefined && !isValidName(dnsName)) {
        throw invalidInput(`Invalid request: '${dnsName}' is not a valid DNS name`)
      }
      const maxItems = parseMaxItems(query, 100)
      // Route 53 sorts zones by name with the labels reversed, then by id.
      const key = (name: string, id: string) => [reversedName(name), id]
      const zones = [...model.zones.values()].sort((a, b) =>
        compareTuple(key(a.name, a.id), key(b.name, b.id))
      )
      const start = dnsName === undefined ? [] : key(normaliseName(dnsName), zoneId ?? '')
      const from = zones.findIndex((zone) => compareTuple(key(zone.name, zone.id), start) >= 0)
      const rest = from < 0 ? [] : zones.slice(from)
      const next = rest[maxItems]
      return ok(
        document('ListHostedZonesByNameResponse', [
          el('HostedZones', rest.slice(0, maxItems).map(hostedZoneXml)),
          el('DNSName', dnsName),
          el('HostedZoneId', zoneId),
          el('IsTruncated', next !== undefined),
          el('NextDNSName', next?.name),
          el('NextHostedZoneId', next?.id),
          el('MaxItems', maxItems)
        ])
      )
    }
  },
  {
    name: 'ListResourceRecordSets',
    method: 'GET',
    path: route('hostedzone', '*', 'rrset'),
    handle(model, { params, query }) {
      const zone = model.zone(params[0])
      const name = query.get('name') ?? undefined
      const type = query.get('type') ?? undefined
      const identifier = query.get('identifier') ?? undefined
      if (type !== undefined && name === undefined) {
        throw invalidInput('Invalid request: StartRecordType requires StartRecordName')
      }
      if (identifier !== undefined && type === undefined) {
        throw invalidInput('Invalid request: StartRecordIdentifier requires StartRecordType')
      }
      if (type !== undefined && !isRecordType(type)) {
        throw invalidInput(`Invalid request: '${type}' is not a valid record type`)
      }
      if (name !== undefined && !isValidName(name)) {
        throw invalidInput(`Invalid request: '${name}' is not a valid DNS name`)
      }
      const maxItems = parseMaxItems(query, 300)
      // Records are kept in AWS's list order: reversed name, type, set identifier.
      const key = (n: string, t = '', i = '') => [reversedName(n), t, i]
      const start = name === undefined ? [] : key(normaliseName(name), type, identifier)
      const from = zone.records.findIndex(
        (r) => compareTuple(key(r.name, r.type, r.setIdentifier), start) >= 0
      )
      const rest = from < 0 ? [] : zone.records.slice(from)
      const next = rest[maxItems]
      return ok(
        document('ListResourceRecordSetsResponse', [
          el('ResourceRecordSets', rest.slice(0, maxItems).map(recordSetXml)),
          el('IsTruncated', next !== undefined),
          el('NextRecordName', next?.name),
          el('NextRecordType', next?.type),
          el('NextRecordIdentifier', next?.setIdentifier),
          el('MaxItems', maxItems)
        ])
      )
    }
  },
  {
    name: 'ChangeResourceRecordSets',
    method: 'POST',
    path: route('hostedzone', '*', 'rrset'),
    handle(model, { params, body }) {
      model.zone(params[0]) // NoSuchHostedZone before any complaint about the body
      const { changes, comment } = parseChangeBatch(body)
      const change = model.changeRecords(params[0], changes, comment)
      return ok(document('ChangeResourceRecordSetsResponse', [changeInfoXml(change)]))
    }
  },
  {
    name: 'GetChange',
    method: 'GET',
    path: route('change', '*'),
    handle(model, { params }) {
      return ok(document('GetChangeResponse', [changeInfoXml(model.change(params[0]))]))
    }
  },
  {
    name: 'CreateHealthCheck',
    method: 'POST',
    path: route('healthcheck'),
    handle(model, request) {
      const { callerReference, config } = parseCreateHealthCheck(request.body)
      const { check } = model.createHealthCheck(callerReference, config)
      return {
        status: 201,
        headers: { location: `${request.baseUrl}${V}/healthcheck/${check.id}` },
        body: document('CreateHealthCheckResponse', [healthCheckXml(check)])
      }
    }
  },
  {
    name: 'GetHealthCheck',
    method: 'GET',
    path: route('healthcheck', '*'),
    handle(model, { params }) {
      return ok(document('GetHealthCheckResponse', [healthCheckXml(model.healthCheck(params[0]))]))
    }
  },
  {
    name: 'DeleteHealthCheck',
    method: 'DELETE',
    path: route('healthcheck', '*'),
    handle(model, { params }) {
      model.deleteHealthCheck(params[0])
      return ok(document('DeleteHealthCheckResponse', []))
    }
  },
  {
    name: 'GetHealthCheckStatus',
    method: 'GET',
    path: route('healthcheck', '*', 'status'),
    handle(model, { params }) {
      return ok(
        document('GetHealthCheckStatusResponse', [observationsXml(model.healthCheck(params[0]))])
      )
    }
  },
  {
    name: 'ListHealthChecks',
    method: 'GET',
    path: route('healthcheck'),
    handle(model, { query }) {
      const page = pageByMarker([...model.healthChecks.values()], query, 100)
      return ok(
        document('ListHealthChecksResponse', [
          el('HealthChecks', page.items.map(healthCheckXml)),
          el('Marker', query.get('marker') ?? undefined),
          el('IsTruncated', page.next !== undefined),
          el('NextMarker', page.next?.id),
          el('MaxItems', page.maxItems)
        ])
      )
    }
  }
]

/** `/2013-04-01/a/{x}/b` as a pattern; `*` captures one path segment. */
function route(...segments: string[]): RegExp {
  const body = segments.map((segment) => (segment === '*' ? '([^/]+)' : segment)).join('/')
  return new RegExp(`^${V}/${body}/?$`)
}

/** MaxItems as Route 53 reads it: a positive integer, capped at the operation's maximum. */
function parseMaxItems(query: URLSearchParams, max: number): number {
  const text = query.get('maxitems')
  if (text === null) return max
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw invalidInput(`Invalid request: maxitems must be a positive integer, not '${text}'`)
  }
  return Math.min(Number(text), max)
}

/** Marker paging (ListHostedZones, ListHealthChecks): the marker is the id to start from. */
function pageByMarker<T extends { id: string }>(items: T[], query: URLSearchParams, max: number) {
  const marker = query.get('marker')
  const maxItems = parseMaxItems(query, max)
  const from = marker === null ? 0 : items.findIndex((item) => item.id === marker)
  if (from < 0) throw invalidInput(`Invalid request: marker '${marker}' does not name an item`)
  return { items: items.slice(from, from + maxItems), next: items[from + maxItems], maxItems }
}

function compareTuple(a: string[], b: string[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const order = compareAscii(a[index] ?? '', b[index] ?? '')
    if (order !== 0) return order
  }
  return 0
}
