import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import { readCommonSettings } from '../src/settings.js'
import { parseSettings, withSettings } from '../src/settings-file.js'

const MODES = ['weighted-target-groups', 'dns', 'targets']
const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

function inputError(fn: () => unknown): InputError {
  try {
    fn()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('parseSettings', () => {
  it('reads each value as the text written, lists one item per line', () => {
    const settings = parseSettings(
      [
        'mode: dns',
        'bake-time: 5m',
        'dry-run: true',
        "record-ttl: 060 # stays '060', not 60 or 48",
        'alarms: [shop-5xx, shop-latency]',
        'probe-urls:',
        '  - https://shop.example.com/health',
        '  - https://shop.example.com/ready',
        'green-value: |',
        '  198.51.100.20',
        'blue-targets:'
      ].join('\n')
    )
    expect(Object.fromEntries(settings)).toEqual({
      mode: 'dns',
      'bake-time': '5m',
      'dry-run': 'true',
      'record-ttl': '060',
      alarms: 'shop-5xx\nshop-latency',
      'probe-urls': 'https://shop.example.com/health\nhttps://shop.example.com/ready',
      'green-value': '198.51.100.20\n',
      'blue-targets': ''
    })
  })

  it('is empty for an empty block', () => {
    expect(parseSettings('  \n').size).toBe(0)
  })

  it.each([
    ['bake_time: 3s', 'bake_time', 'did you mean bake-time?'],
    ['hosted-zone: Z1', 'hosted-zone', 'did you mean hosted-zone-id?'],
    ['github-token: x', 'github-token', 'action.yml lists the inputs'],
    ['constructor: x', 'constructor', 'an input name of action.yml'],
    ['traffic: 50', 'traffic', 'traffic is given per run as its own input'],
    ['settings: x', 'settings', 'settings cannot nest'],
    ['break-lease: true', 'break-lease', 'break-lease is given per run as its own input'],
    ['alarms: {a: b}', 'alarms', 'a text value or a list of them for alarms, not a mapping'],
    ['alarms: [a, [b]]', 'alarms', 'not a mapping']
  ])('refuses %j naming %j', (raw, value, accepted) => {
    const error = inputError(() => parseSettings(raw))
    expect(error.input).toBe('settings')
    expect(error.value).toBe(value)
    expect(error.message).toContain(accepted)
  })

  it.each([
    ['mode: dns\nmode: targets', 'line 2: duplicated mapping key'],
    ['mode: dns\n  bake-time: 5m', 'line 2'],
    ['- mode: dns', 'not a list'],
    ['mode dns', 'not text']
  ])('refuses YAML that is not one mapping: %j', (raw, problem) => {
    const error = inputError(() => parseSettings(raw))
    expect(error.input).toBe('settings')
    expect(error.message).toContain('a YAML mapping of action input names to values')
    expect(error.message).toContain(problem)
  })

  it('never echoes the block, which may hold a probe URL with credentials', () => {
    const raw = 'probe-urls: https://deploy:hunter2@shop.example.com/health\nmode: dns\nmode: dns'
    const error = inputError(() => parseSettings(raw))
    expect(error.message).not.toContain('hunter2')
  })
})

describe('withSettings', () => {
  const block = 'mode: dns\nbake-time: 5m\nsteps: every 25\n'

  it('takes a value from settings when the input is left empty, and the input when given', () => {
    const read = withSettings(reader({ settings: block, 'bake-time': '30s', steps: '  ' }), {})
    expect(read('mode')).toBe('dns')
    expect(read('bake-time')).toBe('30s')
    expect(read('steps')).toBe('every 25')
    expect(read('record-name')).toBe('')
  })

  it('validates a value from settings as the input itself', () => {
    const read = withSettings(reader({ settings: 'mode: dns\nbake-time: 5' }), {})
    const error = inputError(() => readCommonSettings(read, MODES, {}))
    expect(error.input).toBe('bake-time')
    expect(error.message).toContain('a bare number needs a unit')
  })

  it('feeds the settings through to the parsed settings', () => {
    const read = withSettings(reader({ settings: block }), {})
    const settings = readCommonSettings(read, MODES, {})
    expect(settings.mode).toBe('dns')
    expect(settings.bakeMs).toBe(300_000)
    expect(settings.schedule.points.map((point) => point.percent)).toEqual([25, 50, 75, 100])
  })

  it('throws a bad block where every InputError is caught: at the first read', () => {
    const read = withSettings(reader({ settings: 'bake_time: 3s' }), {})
    expect(inputError(() => read('mode')).message).toContain('did you mean bake-time?')
    expect(read('settings')).toBe('bake_time: 3s')
  })

  it('refuses a traffic given blank, instead of reading it as 100', () => {
    // On the runner INPUT_TRAFFIC always holds action.yml's default when the step leaves
    // traffic out, so an empty one is `traffic: ${{ an expression that evaluated to nothing }}`.
    const read = withSettings(reader({ mode: 'dns', traffic: '' }), { INPUT_TRAFFIC: ' ' })
    const error = inputError(() => readCommonSettings(read, MODES, {}))
    expect(error.input).toBe('traffic')
    expect(error.message).toContain('given but blank')
  })

  it('reads a traffic left out (no INPUT_TRAFFIC at all, as by hand) as 100', () => {
    const read = withSettings(reader({ mode: 'dns' }), {})
    expect(readCommonSettings(read, MODES, {}).traffic.percent).toBe(100)
  })
})
