import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import {
  booleanInput,
  durationText,
  parseArn,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseInteger,
  parseList,
  parseUrl,
  parseWholeSeconds,
  required
} from '../src/inputs.js'

function expectInputError(fn: () => unknown, input: string, value: string, accepted: string) {
  let error: unknown
  try {
    fn()
  } catch (caught) {
    error = caught
  }
  expect(error).toBeInstanceOf(InputError)
  const inputError = error as InputError
  expect(inputError.input).toBe(input)
  expect(inputError.value).toBe(value)
  expect(inputError.message).toContain(accepted)
}

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['250ms', 250],
    ['90s', 90_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1m30s', 90_000],
    ['2m 30s', 150_000],
    ['1s500ms', 1500],
    ['6h', 21_600_000]
  ])('%j is %d ms', (raw, ms) => {
    expect(parseDuration('bake-time', raw)).toBe(ms)
  })

  it.each(['', '90', '5 m', '-5s', '5d', 'soon', '30s1m', '1m1m', '1h30', 'h', '6h1s', '7h'])(
    'rejects %j',
    (raw) => {
      expectInputError(
        () => parseDuration('bake-time', raw),
        'bake-time',
        raw,
        'a duration such as'
      )
    }
  )

  it('states its bounds, and offers 0 exactly when it takes 0', () => {
    expectInputError(
      () => parseDuration('bake-time', '7h'),
      'bake-time',
      '7h',
      'at most 6h (0 for none)'
    )
    expectInputError(
      () => parseDuration('probe-max-latency', '1m', 30_000),
      'probe-max-latency',
      '1m',
      'at most 30s'
    )
    expect(parseDuration('verify-timeout', '90m', undefined, false)).toBe(5_400_000)
    for (const raw of ['0', '0s', 'forever']) {
      let message = ''
      try {
        parseDuration('verify-timeout', raw, undefined, false)
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toContain('above 0 and at most 6h')
      expect(message).not.toContain('0 for none')
    }
  })

  it('tells a bare number to take a unit', () => {
    expectInputError(
      () => parseDuration('bake-time', '30'),
      'bake-time',
      '30',
      'a bare number needs a unit (30s or 30m)'
    )
  })
})

describe('durationText', () => {
  it.each([
    [0, '0'],
    [250, '250ms'],
    [90_000, '1m30s'],
    [21_600_000, '6h'],
    [604_800_000, '168h']
  ])('%d ms reads %j', (ms, text) => {
    expect(durationText(ms)).toBe(text)
    expect(parseDuration('x', text, Infinity)).toBe(ms)
  })
})

describe('parseWholeSeconds', () => {
  const parse = (raw: string) => parseWholeSeconds('record-ttl', raw, 1, 3600, 'whole seconds')
  it.each([
    ['1s', 1],
    ['90s', 90],
    ['1h', 3600],
    ['30', 30],
    [' 3600 ', 3600],
    ['1m30s', 90]
  ])('%j is %d s', (raw, seconds) => expect(parse(raw)).toBe(seconds))
  it.each(['0', '500ms', '1.5s', '61m', '3601', '1.5', '-30', 'soon', ''])(
    'rejects %j with the caller’s words',
    (raw) => {
      expectInputError(() => parse(raw), 'record-ttl', raw, 'whole seconds')
    }
  )
})

describe('parseBoolean', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['false', false]
  ])('%j', (raw, value) => expect(parseBoolean('dry-run', raw)).toBe(value))
  it.each(['yes', '1', 'on', ''])('rejects %j', (raw) => {
    expectInputError(() => parseBoolean('dry-run', raw), 'dry-run', raw, 'true or false')
  })
  it('uses the fallback only for an absent input', () => {
    expect(booleanInput(() => '', 'dry-run', true)).toBe(true)
    expect(() => booleanInput(() => 'maybe', 'dry-run', true)).toThrow(InputError)
  })
})

describe('parseInteger', () => {
  it('accepts whole numbers in range', () => {
    expect(parseInteger('n', '3', 1, 100)).toBe(3)
  })
  it.each(['0', '101', '2.5', '-1', 'x', ''])('rejects %j', (raw) => {
    expectInputError(() => parseInteger('n', raw, 1, 100), 'n', raw, 'a whole number from 1 to 100')
  })
})

describe('parseEnum', () => {
  it('accepts a listed value', () => {
    expect(parseEnum('mode', 'dns', ['dns', 'targets'])).toBe('dns')
  })
  it('names every accepted value', () => {
    expectInputError(
      () => parseEnum('mode', 'weighted', ['dns', 'targets']),
      'mode',
      'weighted',
      'one of dns, targets'
    )
  })
})

describe('parseArn', () => {
  const tg = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/73e2d6bc24d8a067'
  it.each([tg, tg.replace('arn:aws:', 'arn:aws-cn:'), tg.replace('arn:aws:', 'arn:aws-us-gov:')])(
    'accepts %s',
    (arn) => expect(parseArn('x', arn, 'elasticloadbalancing', 'targetgroup/')).toBe(arn)
  )
  it.each([
    'web',
    tg.replace('targetgroup/', 'loadbalancer/'),
    tg.replace('123456789012', '1234'),
    tg.replace('elasticloadbalancing', 'ec2'),
    `${tg} `.repeat(2)
  ])('rejects %s', (arn) => {
    expectInputError(
      () => parseArn('blue-target-group', arn, 'elasticloadbalancing', 'targetgroup/'),
      'blue-target-group',
      arn,
      'arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/'
    )
  })
})

describe('parseList and parseUrl and required', () => {
  it('splits on commas and newlines, dropping blanks', () => {
    expect(parseList('a, b\n\nc,')).toEqual(['a', 'b', 'c'])
  })
  it('accepts http and https only', () => {
    expect(parseUrl('probe-urls', 'https://example.com/health').hostname).toBe('example.com')
    expectInputError(() => parseUrl('probe-urls', 'ftp://x'), 'probe-urls', 'ftp://x', 'http://')
    expectInputError(() => parseUrl('probe-urls', '/health'), 'probe-urls', '/health', 'http://')
  })
  it('names a missing required input', () => {
    expectInputError(() => required(() => '  ', 'mode', 'a mode'), 'mode', '', 'required')
  })
})
