import { describe, expect, it } from '@jest/globals'
import { classifyTarget, type TargetState } from '../../src/aws/target-states.js'

describe('classifyTarget: one reading of DescribeTargetHealth for the targets mode and the gate', () => {
  it.each<[string, string, TargetState]>([
    ['healthy', '', 'healthy'],
    ['initial', 'Elb.RegistrationInProgress', 'waiting'],
    ['initial', 'Elb.InitialHealthChecking', 'waiting'],
    // Checked once a load balancer uses the group (or the target's zone is enabled).
    ['unused', 'Target.NotInUse', 'waiting'],
    // Leaving: deregistration, or an unhealthy target draining its connections.
    ['draining', 'Target.DeregistrationInProgress', 'draining'],
    ['unhealthy.draining', 'Target.Timeout', 'draining'],
    ['unhealthy.draining', '', 'draining'],
    // Waiting will not fix these.
    ['unused', 'Target.NotRegistered', 'broken'],
    ['unused', 'Target.InvalidState', 'broken'],
    ['unused', 'Target.IpUnusable', 'broken'],
    ['unused', '', 'broken'],
    ['unhealthy', 'Target.ResponseCodeMismatch', 'broken'],
    ['unhealthy', 'Target.Timeout', 'broken'],
    ['unhealthy', 'Target.FailedHealthChecks', 'broken'],
    ['unhealthy', 'Elb.InternalError', 'broken'],
    ['unavailable', 'Target.HealthCheckDisabled', 'broken'],
    ['unknown', '', 'broken']
  ])('%s (%s) is %s', (state, reason, standing) => {
    expect(classifyTarget(state, reason)).toBe(standing)
  })
})
