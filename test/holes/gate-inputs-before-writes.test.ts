/**
 * Issue 10, holes 9 and 10: nothing is written before every input is known good, gates' inputs
 * included. route53-health-check refuses a calculated check in its inspect()
 * (route53-health-check.test.ts); this holds the runner to asking every gate's inspect() before
 * the first write, so such a refusal ends the run with AWS untouched.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  Route53Client
} from '@aws-sdk/client-route-53'
import { mockClient } from 'aws-sdk-client-mock'
import { route53HealthCheck } from '../../src/gates/route53-health-check.js'
import { gateDeps, inputs } from '../gates/deps.js'
import {
  elb,
  plainBlue,
  statefulListener,
  topology
} from '../backends/weighted-target-groups-fixtures.js'
import { PASS, ScriptedGate } from '../helpers/fake-backend.js'
import { weightedRun, writes } from './weighted-run.js'

const route53 = mockClient(Route53Client)
const CALCULATED = '7d0b4f5c-8a1e-4b8e-9d3a-0c6f2e1a9b77'

beforeEach(() => {
  route53.reset()
  elb.reset()
  topology()
})

describe('holes 9 and 10: a gate input AWS refuses stops the run before any write', () => {
  it('refuses a calculated Route 53 health check before the first write', async () => {
    route53.on(GetHealthCheckCommand).resolves({
      HealthCheck: {
        Id: CALCULATED,
        CallerReference: 'shop',
        HealthCheckVersion: 1,
        HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: [] }
      }
    })
    route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [] })
    const deps = gateDeps()
    const settings = route53HealthCheck.readInputs(
      inputs({ 'route53-health-checks': CALCULATED }),
      deps.settings
    )!
    const healthCheck = route53HealthCheck.create(settings, deps)!
    const alarms = new ScriptedGate('cloudwatch-alarms', () => PASS)
    // A listener the run would adopt (green added at weight 0) as its first write.
    const alb = statefulListener(plainBlue)
    const record = await weightedRun([alarms, healthCheck]).run()

    expect(record.status).toBe('failed')
    expect(writes()).toEqual([])
    expect(alb.actions()).toEqual([plainBlue])
    expect(record.failure).toContain(`Input 'route53-health-checks' is "${CALCULATED}"`)
    expect(record.failure).toContain('a CALCULATED health check')
    // Refused at inspection: no gate was ever asked for a verdict.
    expect(route53.commandCalls(GetHealthCheckStatusCommand)).toHaveLength(0)
    expect(alarms.contexts).toHaveLength(0)
  })
})
