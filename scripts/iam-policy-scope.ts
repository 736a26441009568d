/**
 * The generic IAM policy (docs/iam-policy.json) narrowed to one's own resources. Every statement
 * keeps its Sid and its actions; only its Resource narrows and its Condition gains keys. A
 * statement this file has no rule for, or a narrowed value the generic statement would not
 * allow, is an error: the generated policy can never grant what the generic one does not.
 */

export interface Statement {
  Sid: string
  Effect: string
  Action: string | string[]
  Resource: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
}

export interface Policy {
  Version: string
  Statement: Statement[]
}

/** What one run of the action touches, from its parsed inputs (scripts/iam-policy.ts). */
export interface PolicyScope {
  mode: string
  /** The partition the ARNs given name; '*' when none is given (mode dns names only ids). */
  partition: string
  /** The listener or rule whose weights the run shifts (weighted-target-groups). */
  shiftedOn?: string
  /** The ELB resource that carries the lease's tags: the listener, rule or target group. */
  leaseOn?: string
  /** The target group whose targets the run moves (targets). */
  targetGroup?: string
  /** Region and account of the ARNs given, for the Auto Scaling group ARNs. */
  region?: string
  account?: string
  autoScalingGroups: string[]
  hostedZoneId?: string
  /** The record and the lease's TXT beside it, as the record-name input was parsed. */
  recordNames: string[]
  recordTypes: string[]
  healthCheckIds: string[]
  /** traffic-split or canary-analysis is on: CloudWatch GetMetricData is read. */
  readsAlbMetrics: boolean
}

type Narrowed = { Resource: string[]; Condition?: Statement['Condition'] } | undefined

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value])

/**
 * IAM reads '*' and '?' in a Resource as wildcards; `${*}` and `${?}` are their literal forms
 * (policy version 2012-10-17). An Auto Scaling group name may hold either.
 */
export function literalInArn(text: string): string {
  return text.replace(/[$*?]/g, (char) => `\${${char}}`)
}

/**
 * route53:ChangeResourceRecordSetsNormalizedRecordNames as Route 53 documents it: lower case, no
 * trailing dot, and every character other than a-z, 0-9, '-', '_' and '.' as a backslash and
 * three octal digits (e.g. '*' is \052).
 */
export function normalizedRecordName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/[^a-z0-9_.-]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`)
}

/** Scoping of each statement of docs/iam-policy.json; undefined: the run never needs it. */
const RULES: Record<string, (scope: PolicyScope, generic: Statement) => Narrowed> = {
  // Describe* and DescribeAlarms: see the README (no resource-level permission, composite alarms).
  ReadTrafficAndHealth: (_scope, generic) => ({ Resource: list(generic.Resource) }),
  ReadAlbMetrics: (scope, generic) =>
    scope.readsAlbMetrics ? { Resource: list(generic.Resource) } : undefined,
  ShiftListenerWeights: (scope) => (scope.shiftedOn ? { Resource: [scope.shiftedOn] } : undefined),
  HoldTheLease: (scope, generic) =>
    scope.leaseOn ? { Resource: [scope.leaseOn], Condition: generic.Condition } : undefined,
  ReadDnsRecords: (scope) => (scope.hostedZoneId ? { Resource: [zoneArn(scope)] } : undefined),
  ShiftDnsWeights: (scope, generic) => {
    if (!scope.hostedZoneId) return undefined
    const equals = generic.Condition?.['ForAllValues:StringEquals'] ?? {}
    return {
      Resource: [zoneArn(scope)],
      Condition: {
        ...generic.Condition,
        'ForAllValues:StringEquals': {
          ...equals,
          'route53:ChangeResourceRecordSetsRecordTypes': scope.recordTypes,
          'route53:ChangeResourceRecordSetsNormalizedRecordNames':
            scope.recordNames.map(normalizedRecordName)
        }
      }
    }
  },
  // A change id is only known once Route 53 answers a change: it cannot be named in advance.
  WatchDnsChanges: (scope, generic) =>
    scope.hostedZoneId ? { Resource: list(generic.Resource).map(inPartition(scope)) } : undefined,
  ReadRoute53HealthChecks: (scope) =>
    scope.healthCheckIds.length > 0
      ? {
          Resource: scope.healthCheckIds.map(
            (id) => `arn:${scope.partition}:route53:::healthcheck/${id}`
          )
        }
      : undefined,
  MoveTargets: (scope) => (scope.targetGroup ? { Resource: [scope.targetGroup] } : undefined),
  HandOverAutoScalingGroups: (scope) =>
    scope.targetGroup && scope.autoScalingGroups.length > 0
      ? {
          // The group's id (a UUID) is not an input; its name is.
          Resource: scope.autoScalingGroups.map(
            (name) =>
              `arn:${scope.partition}:autoscaling:${scope.region}:${scope.account}:` +
              `autoScalingGroup:*:autoScalingGroupName/${literalInArn(name)}`
          ),
          // Attach and detach only this target group (each key is in its own API's requests).
          Condition: {
            'ForAllValues:ArnEquals': { 'autoscaling:TargetGroupARNs': [scope.targetGroup] },
            'ForAllValues:StringEquals': {
              'autoscaling:TrafficSourceIdentifiers': [scope.targetGroup]
            }
          }
        }
      : undefined
}

function zoneArn(scope: PolicyScope): string {
  return `arn:${scope.partition}:route53:::hostedzone/${scope.hostedZoneId}`
}

function inPartition(scope: PolicyScope): (arn: string) => string {
  return (arn) => arn.replace(/^arn:\*:/, `arn:${scope.partition}:`)
}

/** Whether IAM's pattern (with '*' and '?' wildcards) covers the text. */
export function covers(pattern: string, text: string): boolean {
  const regex = pattern
    .split('')
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/, '\\$&')
    )
    .join('')
  return new RegExp(`^${regex}$`, 's').test(text)
}

function narrowingProblems(generic: Statement, narrowed: Statement): string[] {
  const problems: string[] = []
  const patterns = list(generic.Resource)
  for (const resource of list(narrowed.Resource)) {
    if (!patterns.some((pattern) => covers(pattern, resource))) {
      problems.push(`${narrowed.Sid}: ${resource} is outside ${patterns.join(', ')}`)
    }
  }
  for (const [operator, keys] of Object.entries(generic.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      const kept = narrowed.Condition?.[operator]?.[key]
      const allowed = list(values)
      if (kept === undefined || list(kept).some((value) => !allowed.includes(value))) {
        problems.push(`${narrowed.Sid}: ${operator} ${key} widens ${allowed.join(', ')}`)
      }
    }
  }
  return problems
}

/** The generic policy scoped to what the inputs name; throws when the two have drifted apart. */
export function scopedPolicy(generic: Policy, scope: PolicyScope): Policy {
  const statements: Statement[] = []
  for (const statement of generic.Statement) {
    const rule = RULES[statement.Sid]
    if (!rule) {
      throw new Error(
        `docs/iam-policy.json has a statement ${statement.Sid} that scripts/iam-policy-scope.ts ` +
          'has no scoping rule for: add one'
      )
    }
    const narrowed = rule(scope, statement)
    if (!narrowed) continue
    const scoped: Statement = {
      Sid: statement.Sid,
      Effect: statement.Effect,
      Action: statement.Action,
      Resource: narrowed.Resource.length === 1 ? narrowed.Resource[0] : narrowed.Resource,
      ...(narrowed.Condition ? { Condition: narrowed.Condition } : {})
    }
    const problems = narrowingProblems(statement, scoped)
    if (problems.length > 0) throw new Error(`The scoped policy is not narrower: ${problems[0]}`)
    statements.push(scoped)
  }
  return { Version: generic.Version, Statement: statements }
}
