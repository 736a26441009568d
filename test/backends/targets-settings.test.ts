import { describe, expect, it } from '@jest/globals'
import {
  parseTarget,
  readTargetsSettings,
  TARGETS_INPUTS,
  type TargetsSettings
} from '../../src/backends/targets-settings.js'
import { targets } from '../../src/backends/targets.js'
import { InputError } from '../../src/errors.js'
import { readCommonSettings } from '../../src/settings.js'
import { TG_ARN } from '../helpers/fake-target-group.js'
import { listOf } from './targets-fixtures.js'

/** Reads this mode's settings the way run.ts does: common inputs first, then the mode's. */
function readTargets(read: (name: string) => string): TargetsSettings {
  return readTargetsSettings(read, readCommonSettings(read, ['targets']))
}

describe('readTargetsSettings', () => {
  const base: Record<string, string> = {
    mode: 'targets',
    'target-group-arn': TG_ARN,
    'blue-targets': 'i-0b000000000000001, i-0b000000000000002',
    'green-targets': 'i-0e000000000000001\ni-0e000000000000002:8080'
  }
  const read = (overrides: Record<string, string>) => (name: string) =>
    ({ ...base, ...overrides })[name] ?? ''

  it('reads lists, ports and defaults', () => {
    const parsed = readTargets(read({}))
    expect(parsed.blue).toEqual(listOf(['i-0b000000000000001', 'i-0b000000000000002']))
    expect(parsed.green).toEqual({
      targets: [
        { id: 'i-0e000000000000001', kind: 'instance' },
        { id: 'i-0e000000000000002', port: 8080, kind: 'instance' }
      ]
    })
    expect(parsed.waitForDraining).toBe(true)
    expect(parsed.bakeMs).toBe(120_000)
  })

  it('takes the common settings it is given instead of reading them again', () => {
    const common = readCommonSettings(read({}), ['targets'])
    expect(readTargetsSettings(read({}), { ...common, bakeMs: 1000 }).bakeMs).toBe(1000)
  })

  it('names every input it reads, for the registry', () => {
    const asked = new Set<string>()
    readTargetsSettings(
      (name) => {
        asked.add(name)
        return base[name] ?? ''
      },
      readCommonSettings(read({}), ['targets'])
    )
    expect([...asked].sort()).toEqual([...TARGETS_INPUTS].sort())
    expect(targets.inputs).toBe(TARGETS_INPUTS)
  })

  it('reads Auto Scaling groups and wait-for-draining', () => {
    const parsed = readTargets(
      read({
        'blue-targets': '',
        'green-targets': '',
        'blue-auto-scaling-group': 'shop-blue',
        'green-auto-scaling-group': 'shop green 2',
        'wait-for-draining': 'false'
      })
    )
    expect(parsed.blue).toEqual({ autoScalingGroup: 'shop-blue' })
    expect(parsed.green).toEqual({ autoScalingGroup: 'shop green 2' })
    expect(parsed.waitForDraining).toBe(false)
  })

  it.each([
    ['10.0.1.7', { id: '10.0.1.7', kind: 'ip' }],
    ['10.0.1.7:8080', { id: '10.0.1.7', port: 8080, kind: 'ip' }],
    ['[2001:db8::7]:443', { id: '2001:db8::7', port: 443, kind: 'ip' }],
    ['[2001:db8::7]', { id: '2001:db8::7', kind: 'ip' }],
    ['i-12345678', { id: 'i-12345678', kind: 'instance' }],
    ['i-0123456789abcdef0:65535', { id: 'i-0123456789abcdef0', port: 65535, kind: 'instance' }]
  ])('parses %s', (raw, parsed) => {
    expect(parseTarget('green-targets', raw)).toEqual(parsed)
  })

  it.each([
    [{ 'target-group-arn': '' }, 'target-group-arn', 'targetgroup/'],
    [{ 'target-group-arn': 'shop' }, 'target-group-arn', 'targetgroup/'],
    [{ 'blue-targets': '' }, 'blue-targets', 'one of them is required'],
    [{ 'blue-targets': ' , ,' }, 'blue-targets', 'at least one'],
    [{ 'blue-auto-scaling-group': 'shop-blue' }, 'blue-auto-scaling-group', 'not both'],
    [{ 'green-targets': 'i-0e00000000000000Z' }, 'green-targets', 'instance ids'],
    [{ 'green-targets': 'i-123' }, 'green-targets', 'instance ids'],
    [{ 'green-targets': 'web-1' }, 'green-targets', 'instance ids'],
    [{ 'green-targets': '10.0.1.300:80' }, 'green-targets', 'IP addresses'],
    [{ 'green-targets': '2001:db8::7' }, 'green-targets', 'IP addresses'],
    [{ 'green-targets': '10.0.1.7:0' }, 'green-targets', 'a port is 1-65535'],
    [{ 'green-targets': '10.0.1.7:65536' }, 'green-targets', 'a port is 1-65535'],
    [{ 'green-targets': '10.0.1.7:080' }, 'green-targets', 'a port is 1-65535'],
    [{ 'green-targets': '10.0.1.7:' }, 'green-targets', 'a port is 1-65535'],
    [{ 'green-targets': 'i-0e000000000000001,i-0e000000000000001' }, 'green-targets', 'once'],
    [{ 'green-targets': 'i-0e000000000000001,10.0.1.7:80' }, 'green-targets', 'one kind'],
    [{ 'green-targets': '10.0.1.7:80' }, 'green-targets', 'same kind as the other side'],
    [{ 'green-targets': 'i-0b000000000000002' }, 'green-targets', 'not also in blue-targets'],
    [
      { 'blue-targets': '10.0.1.7:80', 'green-targets': '', 'green-auto-scaling-group': 'g' },
      'blue-targets',
      'an Auto Scaling group registers instances'
    ],
    [
      {
        'blue-targets': '',
        'blue-auto-scaling-group': 'shop',
        'green-targets': '',
        'green-auto-scaling-group': 'shop'
      },
      'green-auto-scaling-group',
      'other than blue-auto-scaling-group'
    ],
    [
      { 'blue-targets': '', 'blue-auto-scaling-group': 'arn:aws:autoscaling:x' },
      'blue-auto-scaling-group',
      'no colon'
    ],
    [{ 'wait-for-draining': 'yes' }, 'wait-for-draining', 'true or false']
  ])('rejects %j naming %s', (overrides, input, accepted) => {
    let error: unknown
    try {
      readTargets(read(overrides))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as InputError).message).toContain(accepted)
  })
})
