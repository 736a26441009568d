import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { Route53Client } from '@aws-sdk/client-route-53'
import type { BackendDeps } from '../backends/backend.js'
import type { DnsSettings } from '../backends/dns-settings.js'
import type { TargetsSettings } from '../backends/targets-settings.js'
import type { WeightedSettings } from '../backends/weighted-settings.js'
import { InputError } from '../errors.js'
import { booleanInput, type InputReader } from '../inputs.js'
import type { CommonSettings } from '../settings.js'
import { ElbTagLease } from './elb-tag-lease.js'
import { runIdentity } from './identity.js'
import { type Lease, leaseDurationMs, type RunIdentity } from './lease.js'
import { LEASE_LABEL, Route53TxtLease } from './route53-txt-lease.js'

export type { Lease } from './lease.js'

export const BREAK_LEASE_INPUT = 'break-lease'

/** DNS names are at most 253 characters; the lease's TXT name adds its label and a dot. */
const MAX_LEASED_NAME = 253 - LEASE_LABEL.length - 1

/**
 * The lease's inputs, read with the others before any AWS call: `break-lease: true` takes over
 * another run's live lease on purpose; in mode dns the lease's TXT name must be a DNS name too.
 */
export function readLeaseInputs(read: InputReader, mode: string, modeSettings: unknown): boolean {
  const recordName = mode === 'dns' ? (modeSettings as DnsSettings).recordName : undefined
  if (recordName !== undefined && recordName.length > MAX_LEASED_NAME) {
    throw new InputError(
      'record-name',
      recordName,
      `a name of at most ${MAX_LEASED_NAME} characters, so that the lease's TXT ` +
        `${LEASE_LABEL}.<record-name> fits DNS's 253`
    )
  }
  return booleanInput(read, BREAK_LEASE_INPUT, false)
}

/**
 * The lease on what a mode moves: the listener or rule, the target group, or the record's TXT.
 * Undefined for a mode with no lease here (a new mode adds its line).
 */
export function leaseFor(
  settings: CommonSettings,
  modeSettings: unknown,
  deps: BackendDeps,
  breakLease: boolean,
  me: RunIdentity = runIdentity()
): Lease | undefined {
  const options = {
    me,
    durationMs: leaseDurationMs(settings),
    breakLease,
    clock: deps.clock,
    logger: deps.logger
  }
  const elb = (arn: string) =>
    new ElbTagLease(deps.clients.get(ElasticLoadBalancingV2Client), arn, options)
  switch (settings.mode) {
    case 'weighted-target-groups': {
      const { listenerArn, ruleArn } = modeSettings as WeightedSettings
      return elb((listenerArn ?? ruleArn)!)
    }
    case 'targets':
      return elb((modeSettings as TargetsSettings).targetGroupArn)
    case 'dns': {
      const { hostedZoneId, recordName } = modeSettings as DnsSettings
      return new Route53TxtLease(deps.clients.get(Route53Client), hostedZoneId, recordName, options)
    }
    default:
      return undefined
  }
}
