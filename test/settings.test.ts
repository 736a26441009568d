import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import { readCommonSettings } from '../src/settings.js'

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
    [{ 'check-interval': '0' }, 'check-interval', 'above zero'],
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
