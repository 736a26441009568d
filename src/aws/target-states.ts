/**
 * How a registered target stands, from DescribeTargetHealth's state and reason code, for every
 * part of the action that judges targets (the targets mode and the target-health gate):
 * - `healthy`: takes traffic.
 * - `waiting`: resolves on its own: `initial` (registration or first health checks in progress),
 *   and `unused` with Target.NotInUse (the group is not used by a load balancer yet, or the
 *   target's Availability Zone is not enabled; checks start once it is).
 * - `draining`: leaving, so neither counted for nor against: `draining` (deregistration in
 *   progress) and `unhealthy.draining` (failed its checks and drains its connections).
 * - `broken`: will not take traffic by waiting: `unhealthy`, `unavailable`, and every other
 *   `unused` reason (Target.NotRegistered, Target.InvalidState for a stopped instance,
 *   Target.IpUnusable, or none given), and any state AWS adds later.
 */
export type TargetState = 'healthy' | 'waiting' | 'draining' | 'broken'

export function classifyTarget(state: string, reason: string): TargetState {
  switch (state) {
    case 'healthy':
      return 'healthy'
    case 'initial':
      return 'waiting'
    case 'draining':
    case 'unhealthy.draining':
      return 'draining'
    case 'unused':
      return reason === 'Target.NotInUse' ? 'waiting' : 'broken'
    default:
      return 'broken'
  }
}
