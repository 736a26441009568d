import { describe, expect, it } from '@jest/globals'
import { weightedTargetGroups } from '../../src/backends/weighted-target-groups.js'
import { readWeightedSettings } from '../../src/backends/weighted-settings.js'
import { InputError } from '../../src/errors.js'
import { BLUE, GREEN, LISTENER, RULE } from './weighted-target-groups-fixtures.js'

const base: Record<string, string> = {
  'listener-arn': LISTENER,
  'blue-target-group': BLUE,
  'green-target-group': GREEN
}
const read = (overrides: Record<string, string>) => (name: string) =>
  ({ ...base, ...overrides })[name] ?? ''
const settings = (overrides: Record<string, string>, region?: string) =>
  readWeightedSettings(read(overrides), { region })

function refusal(overrides: Record<string, string>, region?: string): InputError {
  try {
    settings(overrides, region)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('readWeightedSettings', () => {
  it('reads a listener setup', () => {
    expect(settings({})).toEqual({
      listenerArn: LISTENER,
      ruleArn: undefined,
      blueTargetGroup: BLUE,
      greenTargetGroup: GREEN,
      stickinessSeconds: undefined
    })
  })

  it('reads a rule setup', () => {
    expect(settings({ 'listener-arn': '', 'rule-arn': RULE })).toMatchObject({
      listenerArn: undefined,
      ruleArn: RULE
    })
  })

  it.each([
    ['1h', 3600],
    ['300s', 300],
    ['5m', 300],
    // issue 13: a plain number of seconds, as the ALB console and API count them
    ['300', 300],
    ['604800', 604800],
    ['off', 0],
    ['0', 0],
    ['604800s', 604800]
  ])('stickiness-duration %s is %d seconds', (raw, seconds) => {
    expect(settings({ 'stickiness-duration': raw }).stickinessSeconds).toBe(seconds)
  })

  it.each([
    [{ 'rule-arn': RULE }, 'rule-arn', 'either listener-arn or rule-arn, not both'],
    [{ 'listener-arn': '' }, 'listener-arn', 'an ALB listener ARN'],
    [{ 'listener-arn': BLUE }, 'listener-arn', 'listener/app/'],
    [{ 'blue-target-group': '' }, 'blue-target-group', 'required'],
    [{ 'green-target-group': LISTENER }, 'green-target-group', 'targetgroup/'],
    [{ 'green-target-group': BLUE }, 'green-target-group', 'other than blue-target-group'],
    [{ 'stickiness-duration': '604801s' }, 'stickiness-duration', '1 to 604800'],
    [{ 'stickiness-duration': '604801' }, 'stickiness-duration', '1 to 604800'],
    [{ 'stickiness-duration': '7d' }, 'stickiness-duration', 'or off'],
    [{ 'stickiness-duration': '1.5s' }, 'stickiness-duration', 'whole number of seconds'],
    [{ 'stickiness-duration': '-1' }, 'stickiness-duration', 'or off']
  ])('rejects %j naming %s', (overrides, input, accepted) => {
    const error = refusal(overrides)
    expect(error.input).toBe(input)
    expect(error.message).toContain(accepted)
  })

  it('refuses ARNs of different regions, accounts or partitions before any AWS call', () => {
    const otherRegion = GREEN.replace('us-east-1', 'eu-west-1')
    expect(refusal({ 'green-target-group': otherRegion }).input).toBe('green-target-group')
    expect(refusal({ 'green-target-group': otherRegion }).message).toContain('region us-east-1')
    const otherAccount = BLUE.replace('123456789012', '210987654321')
    expect(refusal({ 'blue-target-group': otherAccount }).message).toContain('account 123456789012')
  })

  it('refuses ARNs outside the region aws-region names', () => {
    const error = refusal({}, 'eu-west-1')
    expect(error.input).toBe('listener-arn')
    expect(error.message).toContain('(eu-west-1, from aws-region or AWS_REGION)')
    expect(() => settings({}, 'us-east-1')).not.toThrow()
  })
})

describe('the weighted-target-groups registry entry', () => {
  it('lists every input the mode reads', () => {
    const asked = new Set<string>()
    weightedTargetGroups.readInputs(
      (name) => {
        asked.add(name)
        return base[name] ?? ''
      },
      { region: undefined } as never
    )
    expect([...asked].sort()).toEqual([...weightedTargetGroups.inputs].sort())
  })
})
