/**
 * dist/index.js as a process against the sandbox: an alarm's StateReason carrying workflow
 * commands reaches stdout as text, and with step debug logging every AWS call is a debug line
 * with the request id the service answered with.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { type BlueGreenScenario, createBlueGreen } from '../../sandbox/scenario.js'
import { expectNoForgedCommand, FORGED } from '../helpers/workflow-commands.js'
import { startAction } from './harness.js'

const ALARM = 'shop-green-5xx'
jest.setTimeout(30_000)

let sandbox: Sandbox
let scenario: BlueGreenScenario

beforeEach(async () => {
  sandbox = await startSandbox({ timeScale: 0.05, seed: 11 })
  scenario = await createBlueGreen(sandbox, {
    forward: 'blue',
    targetsPerColor: 1,
    alarms: [ALARM]
  })
})

afterEach(async () => {
  await scenario.close()
  await sandbox.close()
})

describe('untrusted text end to end', () => {
  it('an alarm reason with workflow commands is printed as text; debug shows request ids', async () => {
    const action = startAction(
      {
        mode: 'weighted-target-groups',
        'listener-arn': scenario.listenerArn,
        'blue-target-group': scenario.blue.targetGroupArn,
        'green-target-group': scenario.green.targetGroupArn,
        steps: '10,100',
        'bake-time': '20s',
        'check-interval': '200ms',
        alarms: ALARM
      },
      // What the runner sets for a step with debug logging on (ACTIONS_STEP_DEBUG).
      { ...sandbox.env(), RUNNER_DEBUG: '1' }
    )
    await action.waitForLog(/AWS reports blue 900 \/ green 100/)
    sandbox.cloudwatch.setAlarmState(ALARM, 'ALARM', FORGED)
    const result = await action.done

    expect(result.outputs.status).toBe('rolled-back')
    expectNoForgedCommand(result.stdout)
    const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
    expect(result.stdout).toMatch(
      new RegExp(
        `^::debug::AWS ElasticLoadBalancingV2 DescribeListeners: 200 in \\d+ ms, 1 attempt, request id ${uuid}$`,
        'm'
      )
    )
    expect(result.stdout).toMatch(
      new RegExp(`^::debug::AWS CloudWatch DescribeAlarms: 200 .*request id ${uuid}$`, 'm')
    )
  })
})
