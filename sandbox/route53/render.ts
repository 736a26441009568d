import { CHECKER_REGIONS, type HealthCheck } from './health-checks.js'
import type { ChangeInfo, HostedZone } from './model.js'
import type { RecordSet } from './records.js'
import { el, type Xml } from './xml.js'

/**
 * The XML shapes Route 53 answers with, element names and order as the SDK's schemas for
 * @aws-sdk/client-route-53 declare them. Ids carry the `/hostedzone/` and `/change/` prefixes
 * the real service returns.
 */
export function hostedZoneXml(zone: HostedZone): Xml | undefined {
  return el('HostedZone', [
    el('Id', `/hostedzone/${zone.id}`),
    el('Name', zone.name),
    el('CallerReference', zone.callerReference),
    el('Config', [el('Comment', zone.comment), el('PrivateZone', zone.privateZone)]),
    el('ResourceRecordSetCount', zone.records.length)
  ])
}

export function delegationSetXml(zone: HostedZone): Xml | undefined {
  return el('DelegationSet', [
    el(
      'NameServers',
      // Route 53 lists name servers without the trailing dot.
      zone.nameServers.map((server) => el('NameServer', server.replace(/\.$/, '')))
    )
  ])
}

export function changeInfoXml(change: ChangeInfo): Xml | undefined {
  return el('ChangeInfo', [
    el('Id', `/change/${change.id}`),
    el('Status', change.status),
    el('SubmittedAt', change.submittedAt),
    el('Comment', change.comment)
  ])
}

export function recordSetXml(record: RecordSet): Xml | undefined {
  const alias = record.aliasTarget
  return el('ResourceRecordSet', [
    el('Name', record.name),
    el('Type', record.type),
    el('SetIdentifier', record.setIdentifier),
    el('Weight', record.weight),
    el('TTL', record.ttl),
    record.values &&
      el(
        'ResourceRecords',
        record.values.map((value) => el('ResourceRecord', [el('Value', value)]))
      ),
    alias &&
      el('AliasTarget', [
        el('HostedZoneId', alias.hostedZoneId),
        el('DNSName', alias.dnsName),
        el('EvaluateTargetHealth', alias.evaluateTargetHealth)
      ]),
    el('HealthCheckId', record.healthCheckId)
  ])
}

export function healthCheckXml(check: HealthCheck): Xml | undefined {
  const c = check.config
  return el('HealthCheck', [
    el('Id', check.id),
    el('CallerReference', check.callerReference),
    el('HealthCheckConfig', [
      el('IPAddress', c.ipAddress),
      el('Port', c.port),
      el('Type', c.type),
      el('ResourcePath', c.resourcePath),
      el('FullyQualifiedDomainName', c.fullyQualifiedDomainName),
      el('SearchString', c.searchString),
      el('RequestInterval', c.requestInterval),
      el('FailureThreshold', c.failureThreshold),
      el('MeasureLatency', c.measureLatency),
      el('Inverted', c.inverted),
      el('Disabled', c.disabled),
      el('HealthThreshold', c.healthThreshold),
      c.childHealthChecks &&
        el(
          'ChildHealthChecks',
          c.childHealthChecks.map((child) => el('ChildHealthCheck', child))
        ),
      el('EnableSNI', c.enableSNI),
      c.regions &&
        el(
          'Regions',
          c.regions.map((region) => el('Region', region))
        )
    ]),
    el('HealthCheckVersion', check.version)
  ])
}

/** One observation per checker region, all reporting the status the admin API set. */
export function observationsXml(check: HealthCheck): Xml | undefined {
  const regions = check.config.regions ?? CHECKER_REGIONS
  return el(
    'HealthCheckObservations',
    regions.map((region, index) =>
      el('HealthCheckObservation', [
        el('Region', region),
        // Addresses from Route 53's published checker range; cosmetic in the sandbox.
        el('IPAddress', `15.177.${index * 8}.${10 + index}`),
        el('StatusReport', [el('Status', check.statusReport), el('CheckedTime', check.checkedAt)])
      ])
    )
  )
}
