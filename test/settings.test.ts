import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import { load } from 'js-yaml'
import { readFileSync } from 'node:fs'
import { ARN_INPUTS, readCommonSettings } from '../src/settings.js'

const MODES = ['weighted-target-groups', 'dns']
const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

describe('readCommonSettings', () => {
  it('applies the documented defaults', () => {
    const settings = readCommonSettings(reader({ mode: 'dns' }), MODES)
    expect(settings).toMatchObject({
      mode: 'dns',
      bakeMs: 120_000,
      rollbackTo: 'start',
      dryRun: false,
      region: undefined,
      checkIntervalMs: 10_000,
      verifyTimeoutMs: 300_000,
      healthTimeoutMs: 300_000
    })
    expect(settings.traffic.percent).toBe(100)
    expect(settings.schedule.points.map((p) => p.percent)).toEqual([10, 25, 50, 100])
  })

  it('takes the bake time from a CodeDeploy preset unless bake-time is given', () => {
    expect(
      readCommonSettings(reader({ mode: 'dns', steps: 'Canary10Percent5Minutes' }), MODES).bakeMs
    ).toBe(300_000)
    expect(
      readCommonSettings(
        reader({ mode: 'dns', steps: 'Canary10Percent5Minutes', 'bake-time': '30s' }),
        MODES
      ).bakeMs
    ).toBe(30_000)
  })

  it('reads a fixed rollback target', () => {
    const settings = readCommonSettings(reader({ mode: 'dns', 'rollback-to': '0' }), MODES)
    expect(settings.rollbackTo).not.toBe('start')
    expect(settings.rollbackTo === 'start' ? -1 : settings.rollbackTo.percent).toBe(0)
  })

  it.each([
    [{ mode: '' }, 'mode', 'one of weighted-target-groups, dns (this input is required)'],
    [{ mode: 'targets' }, 'mode', 'one of weighted-target-groups, dns'],
    [{ traffic: '110' }, 'traffic', 'from 0 to 100'],
    [{ steps: '50,10' }, 'steps', 'ascending'],
    [{ 'bake-time': '5' }, 'bake-time', 'a duration'],
    [{ 'rollback-to': 'previous' }, 'rollback-to', "'start' or a percent"],
    [{ 'dry-run': 'yes' }, 'dry-run', 'true or false'],
    [{ 'aws-region': 'Europe' }, 'aws-region', 'us-east-1'],
    [{ 'check-interval': '0' }, 'check-interval', 'above 0 and at most 6h'],
    [{ 'verify-timeout': '0' }, 'verify-timeout', 'above 0 and at most 6h'],
    [{ 'verify-timeout': 'forever' }, 'verify-timeout', 'a duration'],
    [{ 'health-timeout': '10' }, 'health-timeout', 'a duration']
  ])('rejects %j naming %s', (inputs, input, accepted) => {
    let error: unknown
    try {
      readCommonSettings(reader({ mode: 'dns', ...inputs }), MODES)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as InputError).message).toContain(accepted)
  })
})

describe('the region', () => {
  const ELB = 'arn:aws:elasticloadbalancing'
  const LISTENER = `${ELB}:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2`
  const BLUE = `${ELB}:eu-west-1:123456789012:targetgroup/shop-blue/73e2d6bc24d8a067`
  const GREEN_US = `${ELB}:us-east-1:123456789012:targetgroup/shop-green/2453ed029918f21f`
  const region = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    readCommonSettings(reader({ mode: 'dns', ...inputs }), MODES, env).region

  it('is aws-region when given, whatever the environment and the ARNs say', () => {
    expect(
      region({ 'aws-region': 'ap-south-1', 'listener-arn': LISTENER }, { AWS_REGION: 'us-west-2' })
    ).toBe('ap-south-1')
  })

  it('else AWS_REGION, else AWS_DEFAULT_REGION (which the SDK alone does not read)', () => {
    expect(region({ 'listener-arn': LISTENER }, { AWS_REGION: 'us-west-2' })).toBe('us-west-2')
    expect(region({ 'listener-arn': LISTENER }, { AWS_DEFAULT_REGION: 'us-west-1' })).toBe(
      'us-west-1'
    )
  })

  it('else the one region every ARN given names', () => {
    expect(region({ 'listener-arn': LISTENER, 'blue-target-group': BLUE })).toBe('eu-west-1')
    expect(region({ 'target-group-arn': GREEN_US })).toBe('us-east-1')
  })

  it('is left to the SDK (a profile may name one) when nothing names it', () => {
    expect(region({})).toBeUndefined()
    expect(region({ 'listener-arn': 'not-an-arn' })).toBeUndefined()
  })

  it('is refused, naming aws-region and AWS_REGION, when the ARNs disagree', () => {
    let error: unknown
    try {
      region({
        'listener-arn': LISTENER,
        'blue-target-group': BLUE,
        'green-target-group': GREEN_US
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('aws-region')
    expect((error as Error).message).toContain('neither aws-region nor AWS_REGION is set')
    expect((error as Error).message).toContain(
      'eu-west-1 in listener-arn, blue-target-group; us-east-1 in green-target-group'
    )
  })

  it('knows every ARN input of action.yml', () => {
    const action = load(readFileSync('action.yml', 'utf8')) as {
      inputs: Record<string, { description: string }>
    }
    const arnInputs = Object.entries(action.inputs)
      .filter(([name, input]) => name.endsWith('-arn') || /\bARN of\b/.test(input.description))
      .map(([name]) => name)
    expect([...ARN_INPUTS].sort()).toEqual(arnInputs.sort())
  })
})
