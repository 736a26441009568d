import { invalidInput } from './errors.js'
import type { HealthCheckConfig, HealthCheckInput } from './health-checks.js'
import { isRecordType, type Change, type ChangeAction, type RecordSet } from './records.js'
import {
  asObject,
  listItems,
  optionalBoolean,
  optionalInteger,
  optionalText,
  parseRequest,
  requiredText,
  type XmlObject
} from './xml.js'

/** Request bodies → typed inputs. Anything malformed is InvalidInput, as Route 53's XSD says. */

export function parseChangeBatch(body: string): { changes: Change[]; comment?: string } {
  const request = parseRequest(body, 'ChangeResourceRecordSetsRequest')
  const batch = asObject(request.ChangeBatch, 'ChangeBatch')
  const items = listItems(batch, 'Changes', 'Change')
  if (!items?.length) throw invalidInput("Invalid request: Missing field 'ChangeBatch.Changes'")
  const changes = items.map((item) => {
    const change = asObject(item, 'Change')
    const action = requiredText(change, 'Action')
    if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT') {
      throw invalidInput(
        `Invalid XML ; cvc-enumeration-valid: Value '${action}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'.`
      )
    }
    return {
      action: action as ChangeAction,
      record: parseRecordSet(asObject(change.ResourceRecordSet, 'ResourceRecordSet'))
    }
  })
  const comment = optionalText(batch, 'Comment')
  return { changes, ...(comment !== undefined && { comment }) }
}

const UNSUPPORTED_ROUTING = [
  'Region',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
  'GeoProximityLocation'
]

function parseRecordSet(xml: XmlObject): RecordSet {
  const unsupported = UNSUPPORTED_ROUTING.find((element) => xml[element] !== undefined)
  if (unsupported) {
    throw invalidInput(
      `The Route 53 sandbox simulates simple and weighted routing only; ${unsupported} is not supported`
    )
  }
  const type = requiredText(xml, 'Type')
  if (!isRecordType(type)) {
    throw invalidInput(
      `Invalid XML ; cvc-enumeration-valid: Value '${type}' is not a valid RRType.`
    )
  }
  const record: RecordSet = { name: requiredText(xml, 'Name'), type }
  const setIdentifier = optionalText(xml, 'SetIdentifier')
  const weight = optionalInteger(xml, 'Weight')
  const ttl = optionalInteger(xml, 'TTL')
  const values = listItems(xml, 'ResourceRecords', 'ResourceRecord')
  const healthCheckId = optionalText(xml, 'HealthCheckId')
  if (setIdentifier !== undefined) record.setIdentifier = setIdentifier
  if (weight !== undefined) record.weight = weight
  if (ttl !== undefined) record.ttl = ttl
  if (values !== undefined) {
    record.values = values.map((value) => requiredText(asObject(value, 'ResourceRecord'), 'Value'))
  }
  if (xml.AliasTarget !== undefined) {
    const alias = asObject(xml.AliasTarget, 'AliasTarget')
    const evaluate = optionalBoolean(alias, 'EvaluateTargetHealth')
    if (evaluate === undefined)
      throw invalidInput("Invalid request: Missing field 'EvaluateTargetHealth'")
    record.aliasTarget = {
      hostedZoneId: requiredText(alias, 'HostedZoneId'),
      dnsName: requiredText(alias, 'DNSName'),
      evaluateTargetHealth: evaluate
    }
  }
  if (healthCheckId !== undefined) record.healthCheckId = healthCheckId
  return record
}

export function parseCreateHostedZone(body: string): {
  name: string
  callerReference: string
  comment?: string
  privateZone: boolean
} {
  const request = parseRequest(body, 'CreateHostedZoneRequest')
  if (request.DelegationSetId !== undefined) {
    throw invalidInput('The Route 53 sandbox does not simulate reusable delegation sets')
  }
  const config = asObject(request.HostedZoneConfig, 'HostedZoneConfig')
  const comment = optionalText(config, 'Comment')
  return {
    name: requiredText(request, 'Name'),
    callerReference: requiredText(request, 'CallerReference'),
    ...(comment !== undefined && { comment }),
    // A VPC makes the zone private; the sandbox's one DNS server answers for it all the same.
    privateZone: request.VPC !== undefined || optionalBoolean(config, 'PrivateZone') === true
  }
}

export function parseCreateHealthCheck(body: string): {
  callerReference: string
  config: HealthCheckInput
} {
  const request = parseRequest(body, 'CreateHealthCheckRequest')
  const xml = asObject(request.HealthCheckConfig, 'HealthCheckConfig')
  const config: HealthCheckInput = { type: requiredText(xml, 'Type') }
  const set = <K extends Exclude<keyof HealthCheckConfig, 'type'>>(
    key: K,
    value: HealthCheckConfig[K] | undefined
  ) => {
    if (value !== undefined) config[key] = value
  }
  set('ipAddress', optionalText(xml, 'IPAddress'))
  set('port', optionalInteger(xml, 'Port'))
  set('resourcePath', optionalText(xml, 'ResourcePath'))
  set('fullyQualifiedDomainName', optionalText(xml, 'FullyQualifiedDomainName'))
  set('searchString', optionalText(xml, 'SearchString'))
  set('requestInterval', optionalInteger(xml, 'RequestInterval'))
  set('failureThreshold', optionalInteger(xml, 'FailureThreshold'))
  set('measureLatency', optionalBoolean(xml, 'MeasureLatency'))
  set('inverted', optionalBoolean(xml, 'Inverted'))
  set('disabled', optionalBoolean(xml, 'Disabled'))
  set('enableSNI', optionalBoolean(xml, 'EnableSNI'))
  set('healthThreshold', optionalInteger(xml, 'HealthThreshold'))
  const children = listItems(xml, 'ChildHealthChecks', 'ChildHealthCheck')
  set(
    'childHealthChecks',
    children?.map((child) => textOf(child, 'ChildHealthCheck'))
  )
  const regions = listItems(xml, 'Regions', 'Region')
  set(
    'regions',
    regions?.map((region) => textOf(region, 'Region'))
  )
  return { callerReference: requiredText(request, 'CallerReference'), config }
}

function textOf(value: unknown, element: string): string {
  if (typeof value !== 'string') throw invalidInput(`Invalid XML ; element ${element} must be text`)
  return value
}
