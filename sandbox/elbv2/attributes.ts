/**
 * Target group attributes with AWS's defaults and ranges. The sandbox acts on the deregistration
 * delay and lb_cookie stickiness; the others are validated and stored so read-modify-write of
 * attributes round-trips.
 */
import { validationError } from './errors.js'

type Check = (value: string) => boolean

const intIn =
  (min: number, max: number): Check =>
  (value) =>
    /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max
const oneOf =
  (...allowed: string[]): Check =>
  (value) =>
    allowed.includes(value)
const bool = oneOf('true', 'false')

const ATTRIBUTES: Record<string, { default: string; check: Check; accepts: string }> = {
  'deregistration_delay.timeout_seconds': {
    default: '300',
    check: intIn(0, 3600),
    accepts: '0-3600'
  },
  'stickiness.enabled': { default: 'false', check: bool, accepts: 'true|false' },
  'stickiness.type': {
    default: 'lb_cookie',
    check: oneOf('lb_cookie', 'app_cookie'),
    accepts: 'lb_cookie|app_cookie'
  },
  'stickiness.lb_cookie.duration_seconds': {
    default: '86400',
    check: intIn(1, 604800),
    accepts: '1-604800'
  },
  'stickiness.app_cookie.cookie_name': { default: '', check: () => true, accepts: 'a cookie name' },
  'stickiness.app_cookie.duration_seconds': {
    default: '86400',
    check: intIn(1, 604800),
    accepts: '1-604800'
  },
  'slow_start.duration_seconds': {
    default: '0',
    check: (v) => v === '0' || intIn(30, 900)(v),
    accepts: '0 or 30-900'
  },
  'load_balancing.algorithm.type': {
    default: 'round_robin',
    check: oneOf('round_robin', 'least_outstanding_requests', 'weighted_random'),
    accepts: 'round_robin|least_outstanding_requests|weighted_random'
  },
  'load_balancing.algorithm.anomaly_mitigation': {
    default: 'off',
    check: oneOf('on', 'off'),
    accepts: 'on|off'
  },
  'load_balancing.cross_zone.enabled': {
    default: 'use_load_balancer_configuration',
    check: oneOf('true', 'false', 'use_load_balancer_configuration'),
    accepts: 'true|false|use_load_balancer_configuration'
  },
  'target_group_health.dns_failover.minimum_healthy_targets.count': {
    default: '1',
    check: (v) => v === 'off' || intIn(1, 1000)(v),
    accepts: 'off or 1-1000'
  },
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': {
    default: 'off',
    check: (v) => v === 'off' || intIn(1, 100)(v),
    accepts: 'off or 1-100'
  },
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': {
    default: '1',
    check: intIn(1, 1000),
    accepts: '1-1000'
  },
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': {
    default: 'off',
    check: (v) => v === 'off' || intIn(1, 100)(v),
    accepts: 'off or 1-100'
  }
}

export function defaultAttributes(): Map<string, string> {
  return new Map(Object.entries(ATTRIBUTES).map(([key, spec]) => [key, spec.default]))
}

/** Validates every pair first, so a bad one leaves the group unchanged (AWS is all-or-nothing). */
export function applyAttributes(target: Map<string, string>, pairs: [string, string][]): void {
  for (const [key, value] of pairs) {
    const spec = ATTRIBUTES[key]
    if (!spec) throw validationError(`Target group attribute key '${key}' is not recognized`)
    if (!spec.check(value)) {
      throw validationError(
        `'${value}' is not a valid value for '${key}'; accepted: ${spec.accepts}`
      )
    }
  }
  for (const [key, value] of pairs) target.set(key, value)
}
