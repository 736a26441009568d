import type { RunRecord } from '../record.js'

/**
 * Short names for the resources a report mentions. An ARN is ~100-140 characters of which people
 * read one word (the load balancer's or the group's name), so charts, tables and annotation
 * titles name resources by that word, and the summary lists the full ARNs once.
 */

// An ARN in running text: it ends at whitespace, a quote, a bracket, a comma or a semicolon.
// Alarm names may hold other punctuation, so only these end it; a sentence's final period is
// trimmed (see arnsIn).
const ARN_IN_TEXT = /\barn:aws[a-z-]*:[a-z0-9-]+:[^\s"'`()[\]{}<>,;]+/g

/** How the dns backend names its target: "www.example.com. A in hosted zone Z123". */
const DNS_TARGET = /^(\S+?)\.? (\S+) in hosted zone (\S+)$/

interface Parsed {
  /** The short name when no other ARN of the report shares it. */
  name: string
  /** The part that tells two ARNs with the same name apart (an id), shown only then. */
  id: string
}

/** A short name for one ARN (or the dns backend's target), as people call the resource. */
export function shortName(resource: string): string {
  return parse(resource)?.name ?? resource
}

function parse(resource: string): Parsed | undefined {
  const dns = DNS_TARGET.exec(resource)
  if (dns) return { name: dns[1], id: `${dns[2]} ${dns[3]}` }
  const arn = /^arn:aws[a-z-]*:([a-z0-9-]+):[^:]*:[^:]*:(.+)$/.exec(resource)
  if (!arn) return undefined
  const [, service, rest] = arn
  return fromResource(service, rest)
}

/** The resource part of an ARN (after the account) as a name and an id. */
function fromResource(service: string, rest: string): Parsed {
  if (service === 'elasticloadbalancing') {
    // listener/app/NAME/LB-ID/LISTENER-ID, listener-rule/app/NAME/LB-ID/LISTENER-ID/RULE-ID,
    // loadbalancer/app/NAME/LB-ID, targetgroup/NAME/TG-ID
    const parts = rest.split('/')
    const id = parts[parts.length - 1]
    if (parts[0] === 'targetgroup' && parts.length >= 2) return { name: parts[1], id }
    const kind = { listener: 'listener', 'listener-rule': 'rule', loadbalancer: 'load balancer' }[
      parts[0]
    ]
    if (kind !== undefined && parts.length >= 3) return { name: `${parts[2]} ${kind}`, id }
  }
  if (service === 'autoscaling') {
    const group = /autoScalingGroupName\/(.+)$/.exec(rest)
    if (group) return { name: group[1], id: rest.split(':')[1] ?? '' }
  }
  if (service === 'cloudwatch' && rest.startsWith('alarm:')) {
    return { name: rest.slice('alarm:'.length), id: '' }
  }
  if (service === 'route53') {
    const [kind, id = ''] = rest.split('/')
    const label = { hostedzone: 'hosted zone', healthcheck: 'health check' }[kind]
    if (label !== undefined) return { name: `${label} ${id}`, id: '' }
  }
  // Any other ARN: its last path or colon segment is what its owner named.
  const segments = rest.split(/[/:]/).filter((segment) => segment !== '')
  return { name: segments[segments.length - 1] ?? rest, id: '' }
}

/** Every ARN in a text, in order of appearance, each once. */
export function arnsIn(text: string): string[] {
  const found = (text.match(ARN_IN_TEXT) ?? []).map((arn) => arn.replace(/[.:]+$/, ''))
  return [...new Set(found)]
}

/**
 * Short names for a report's resources, unique within it: two listeners of one load balancer
 * are both "shop listener" alone, so where names collide each gets the end of its id.
 */
export class ShortNames {
  private readonly names = new Map<string, string>()

  constructor(resources: Iterable<string>) {
    const byName = new Map<string, { resource: string; parsed: Parsed }[]>()
    for (const resource of new Set(resources)) {
      const parsed = parse(resource) ?? { name: resource, id: '' }
      byName.set(parsed.name, [...(byName.get(parsed.name) ?? []), { resource, parsed }])
    }
    for (const [name, entries] of byName) {
      if (entries.length === 1) {
        this.names.set(entries[0].resource, name)
        continue
      }
      const ids = entries.map((entry) => entry.parsed.id)
      const length = distinctTail(ids)
      entries.forEach(({ resource }, i) => {
        const id = ids[i].slice(-length)
        this.names.set(resource, id === '' ? resource : `${name} …${id}`)
      })
    }
  }

  /** The resource's short name (its own short name when this set has not seen it). */
  of(resource: string): string {
    return this.names.get(resource) ?? shortName(resource)
  }

  /** The text with every ARN in it replaced by its short name. */
  shorten(text: string): string {
    return text.replace(ARN_IN_TEXT, (match) => {
      const arn = match.replace(/[.:]+$/, '')
      return `${this.of(arn)}${match.slice(arn.length)}`
    })
  }

  /** Each resource given a name different from itself, with that name. */
  entries(): [resource: string, name: string][] {
    return [...this.names].filter(([resource, name]) => resource !== name)
  }
}

/** The shortest tail length (at least 4) that tells the ids apart; their whole length if none. */
function distinctTail(ids: string[]): number {
  const longest = Math.max(...ids.map((id) => id.length))
  for (let length = Math.min(4, longest); length < longest; length++) {
    if (new Set(ids.map((id) => id.slice(-length))).size === ids.length) return length
  }
  return longest
}

/** The short names of every ARN the record mentions, unique within it. */
export function reportNames(record: RunRecord): ShortNames {
  const texts = [
    record.failure,
    record.finalNative,
    record.failedGate?.detail,
    ...(record.warnings ?? []),
    ...record.steps.flatMap((step) => [step.native, ...step.gates.map((check) => check.detail)]),
    ...record.events.map((event) => event.message)
  ]
  const arns = texts.flatMap((text) => (text === undefined ? [] : arnsIn(text)))
  return new ShortNames([record.target, ...arns])
}
