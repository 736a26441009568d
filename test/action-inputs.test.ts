import { describe, expect, it } from '@jest/globals'
import { load } from 'js-yaml'
import { readFileSync } from 'node:fs'
import { documentedDefault } from '../scripts/action-docs.js'
import {
  ACTION_INPUTS,
  closestInput,
  inputVariable,
  inputWarnings,
  INPUT_NAMES
} from '../src/action-inputs.js'
import { backendFor, MODE_NAMES } from '../src/backends/index.js'
import { GATES } from '../src/gates/index.js'
import { readCommonSettings } from '../src/settings.js'

interface ActionInput {
  description: string
  default?: string
}
const action = load(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, ActionInput> }
const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

describe('ACTION_INPUTS', () => {
  it("lists action.yml's inputs, in its order", () => {
    expect(INPUT_NAMES).toEqual(Object.keys(action.inputs))
  })

  it('gives each mode input to the mode its description starts with, every other to all', () => {
    const fromDescriptions = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => {
        const mode = MODE_NAMES.find((candidate) => input.description.startsWith(`${candidate}: `))
        return [name, mode === undefined ? 'all' : [mode]]
      })
    )
    expect(ACTION_INPUTS).toEqual(fromDescriptions)
  })
})

describe('inputVariable', () => {
  it('names the variable as the runner and @actions/core getInput do: spaces as _, upper case', () => {
    expect(inputVariable('bake-time')).toBe('INPUT_BAKE-TIME')
    expect(inputVariable('bake_time')).toBe('INPUT_BAKE_TIME')
    expect(inputVariable('bake time')).toBe('INPUT_BAKE_TIME')
  })
})

describe('closestInput', () => {
  it.each([
    ['bake_time', 'bake-time'],
    ['BAKE_TIME', 'bake-time'],
    ['bake-tme', 'bake-time'],
    ['bakeTime', 'bake-time'],
    ['probe-url', 'probe-urls'],
    ['listener', 'listener-arn'],
    ['hosted_zone', 'hosted-zone-id']
  ])('%j is near %j', (typed, input) => {
    expect(closestInput(typed)).toBe(input)
  })

  it.each(['token', 'github-token', 'x'])('%j is near nothing', (typed) => {
    expect(closestInput(typed)).toBeUndefined()
  })
})

describe('inputWarnings', () => {
  const ALB = { mode: 'weighted-target-groups', 'listener-arn': 'arn:…' }

  it('names an INPUT_ variable no input arrives in, with the input meant', () => {
    // `bake_time: 3s` in a workflow: the runner sets INPUT_BAKE_TIME, which bake-time never reads.
    const env = { INPUT_BAKE_TIME: '3s', 'INPUT_BAKE-TIME': '', INPUT_MODE: 'dns', PATH: '/bin' }
    expect(inputWarnings(env, 'dns', reader({ mode: 'dns' }))).toEqual([
      "Input 'bake_time' (INPUT_BAKE_TIME) is not an input of aws-traffic-shift and is ignored: did you mean bake-time?"
    ])
  })

  it('points to action.yml when no input is near', () => {
    expect(inputWarnings({ INPUT_TOKEN: 'x' }, 'dns', reader({}))).toEqual([
      "Input 'token' (INPUT_TOKEN) is not an input of aws-traffic-shift and is ignored: action.yml lists the inputs"
    ])
  })

  it('names an input of another mode, given to the step or in settings', () => {
    const inputs = { ...ALB, 'hosted-zone-id': 'Z123', 'record-ttl': '60', 'blue-targets': '' }
    expect(inputWarnings({}, 'weighted-target-groups', reader(inputs))).toEqual([
      "Input 'hosted-zone-id' is read only in mode dns, so this weighted-target-groups run ignores it",
      "Input 'record-ttl' is read only in mode dns, so this weighted-target-groups run ignores it"
    ])
  })

  it('says nothing about a run whose every input is read', () => {
    const env = Object.fromEntries(INPUT_NAMES.map((name) => [inputVariable(name), '']))
    expect(inputWarnings(env, 'weighted-target-groups', reader(ALB))).toEqual([])
  })
})

/** Inputs each mode needs to parse at all, and values that switch every gate on. */
const BASE: Record<string, Record<string, string>> = {
  'weighted-target-groups': {
    'listener-arn':
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2',
    'blue-target-group':
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/73e2d6bc24d8a067',
    'green-target-group':
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/2453ed029918f21f'
  },
  dns: { 'hosted-zone-id': 'Z0123456789ABCDEFGHIJ', 'record-name': 'shop.example.com' },
  targets: {
    'target-group-arn':
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/73e2d6bc24d8a067',
    'blue-targets': 'i-0abc12345def67890',
    'green-targets': 'i-0abc12345def67891'
  }
}
const GATES_ON = { alarms: 'shop-5xx', 'probe-urls': 'https://shop.example.com/health' }

/** Everything a run parses from its inputs, with no AWS call. */
function parseAll(mode: string, inputs: Record<string, string>): unknown {
  const read = reader({ mode, ...BASE[mode], ...GATES_ON, ...inputs })
  const common = readCommonSettings(read, MODE_NAMES, {})
  return {
    common,
    backend: backendFor(mode).readInputs(read, common),
    gates: GATES.map((gate) => gate.readInputs(read, common))
  }
}

describe("action.yml's documented defaults", () => {
  // Only traffic keeps a `default:` (see settings-file.ts); the others are a "Default: X."
  // sentence, so the code's fallback is what applies and must be what is documented.
  const documented = Object.entries(action.inputs)
    .map(([name, input]) => [name, documentedDefault(input).fallback] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)

  it('are documented for the inputs that have one', () => {
    expect(documented.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'traffic',
        'steps',
        'verify-timeout',
        'record-type',
        'wait-for-draining'
      ])
    )
    expect(
      Object.entries(action.inputs).filter(([, input]) => input.default !== undefined)
    ).toEqual([['traffic', expect.objectContaining({ default: '100' })]])
  })

  it.each(MODE_NAMES)('are the values the code applies when the input is left out (%s)', (mode) => {
    const mine = documented.filter(([name]) => {
      const modes = ACTION_INPUTS[name]
      return modes === 'all' || modes.includes(mode)
    })
    expect(mine.length).toBeGreaterThan(10)
    for (const [name, value] of mine) {
      expect([name, parseAll(mode, { [name]: value })]).toEqual([name, parseAll(mode, {})])
    }
  })

  it('would catch a documented default the code does not apply', () => {
    expect(parseAll('dns', { 'record-type': 'AAAA' })).not.toEqual(parseAll('dns', {}))
    expect(parseAll('dns', { 'check-interval': '20s' })).not.toEqual(parseAll('dns', {}))
  })
})
