// The reusable workflows and action.yml cannot drift apart: what the workflows pass is what the
// action takes, every workflow input is used, and the examples call the workflows correctly.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseSettings } from '../../src/settings-file.js'
import { actionStepProblems, callProblems, TARGET_INPUTS, unusedInputs } from './checks.js'
import {
  ACTION_CHECKOUT,
  actionInputs,
  examplePaths,
  jobsOf,
  modeResourceInputs,
  parse,
  read,
  ROOT,
  triggerInputs,
  workflowPaths,
  type Step
} from './files.js'

const DEPLOY = '.github/workflows/progressive-deploy.yml'
const ROLLBACK = '.github/workflows/rollback.yml'
const REUSABLE = [DEPLOY, ROLLBACK]

/** Mode inputs a move to 0 % never reads, which rollback.yml's form leaves out on purpose. */
const ROLLBACK_LEAVES_OUT: Record<string, string> = {
  'green-value': 'only used when green is created or repointed, never on the way to 0 %',
  'green-alias-target': 'the same, as an alias',
  'record-ttl': 'the TTL of a green record the action creates, which a rollback never does',
  'stickiness-duration': "empty keeps the listener's stickiness, which is what a rollback wants",
  'dns-resolvers': "a gate's setting, not the target's: the settings block carries it"
}

/** The action inputs a reusable workflow passes itself; every other one is in `settings`. */
const PASSED_BY_THE_WORKFLOW: Record<string, string[]> = {
  [DEPLOY]: ['traffic', 'settings', ...TARGET_INPUTS, 'rollback-to', 'aws-region'],
  [ROLLBACK]: [
    'settings',
    ...TARGET_INPUTS,
    'traffic',
    'steps',
    'bake-time',
    'rollback-to',
    'aws-region'
  ]
}

/** The step of each job that runs the action, by job id. */
function actionSteps(path: string): Record<string, Step> {
  const found: Record<string, Step> = {}
  for (const [id, job] of jobsOf(read(path).doc)) {
    const step = job.steps?.find((candidate) => candidate.uses === ACTION_CHECKOUT)
    if (step) found[id] = step
  }
  return found
}

describe('reusable workflows ↔ action.yml', () => {
  it.each(REUSABLE)('%s passes only inputs action.yml declares', (path) => {
    expect(Object.keys(actionSteps(path)).length).toBeGreaterThan(0)
    expect(actionStepProblems(read(path).doc, actionInputs())).toEqual([])
  })

  it.each(workflowPaths())('%s uses every input it declares', (path) => {
    expect(unusedInputs(read(path).doc)).toEqual([])
  })

  it.each(REUSABLE)('%s passes one settings block to every step that runs the action', (path) => {
    const steps = Object.entries(actionSteps(path))
    expect(steps.length).toBeGreaterThan(0)
    for (const [, step] of steps) expect(step.with?.settings).toBe('${{ inputs.settings }}')
    expect(triggerInputs(read(path).doc, 'workflow_call').settings?.type).toBe('string')
  })

  it('progressive-deploy.yml declares no action input but aws-region and rollback-to: a new input needs no workflow edit', () => {
    const declared = Object.keys(triggerInputs(read(DEPLOY).doc, 'workflow_call'))
    const actionNames = Object.keys(actionInputs())
    expect(declared.filter((name) => actionNames.includes(name)).sort()).toEqual(
      ['aws-region', 'rollback-to', 'settings'].sort()
    )
  })

  it("rollback.yml's form has every mode resource input a move to 0 % reads, each passed through", () => {
    const resources = modeResourceInputs()
    expect(resources).toEqual(expect.arrayContaining(['listener-arn', 'green-target-group']))
    const doc = read(ROLLBACK).doc
    const declared = triggerInputs(doc, 'workflow_dispatch')
    const [step] = Object.values(actionSteps(ROLLBACK))
    const problems: string[] = []
    for (const name of resources.filter((input) => !(input in ROLLBACK_LEAVES_OUT))) {
      if (!(name in declared))
        problems.push(`declare action.yml's "${name}" under workflow_dispatch`)
      const passed = TARGET_INPUTS.includes(name as (typeof TARGET_INPUTS)[number])
        ? `\${{ needs.check.outputs.${name} }}`
        : `\${{ inputs.${name} }}`
      if (step.with?.[name] !== passed) problems.push(`pass "${name}: ${passed}" to the action`)
    }
    expect(problems).toEqual([])
  })

  it.each(REUSABLE)('%s passes the action nothing but its own choices and the form', (path) => {
    const doc = read(path).doc
    const declared = new Set(Object.keys(triggerInputs(doc, 'workflow_dispatch')))
    for (const [job, step] of Object.entries(actionSteps(path))) {
      const extra = Object.keys(step.with ?? {}).filter(
        (name) => !PASSED_BY_THE_WORKFLOW[path].includes(name) && !declared.has(name)
      )
      expect([job, extra]).toEqual([job, []])
    }
  })

  it('every stage passes the action the same inputs, except its traffic', () => {
    const stages = actionSteps(DEPLOY)
    expect(Object.keys(stages)).toEqual(['canary', 'ramp', 'production'])
    const withoutTraffic = ({ traffic: _traffic, ...rest }: Record<string, unknown>) => rest
    const [canary, ramp, production] = Object.values(stages).map((step) => step.with ?? {})
    expect(Object.keys(canary).sort()).toEqual([...PASSED_BY_THE_WORKFLOW[DEPLOY]].sort())
    expect(withoutTraffic(ramp)).toEqual(withoutTraffic(canary))
    expect(withoutTraffic(production)).toEqual(withoutTraffic(canary))
    expect([canary.traffic, ramp.traffic, production.traffic]).toEqual([
      '${{ inputs.canary-percent }}',
      '${{ inputs.ramp-percent }}',
      '100'
    ])
  })

  it('each stage runs in its own environment and needs the stage before it', () => {
    const jobs = Object.fromEntries(jobsOf(read(DEPLOY).doc))
    expect(jobs.canary.environment).toEqual({ name: '${{ inputs.canary-environment }}' })
    expect(jobs.ramp.environment).toEqual({ name: '${{ inputs.ramp-environment }}' })
    expect(jobs.production.environment).toEqual({ name: '${{ inputs.production-environment }}' })
    expect(jobs.canary.needs).toEqual('check')
    expect(jobs.ramp.needs).toEqual(['check', 'canary'])
    expect(jobs.production.needs).toEqual(['check', 'canary', 'ramp'])
    // A failed or cancelled stage stops the rollout: production runs only after success.
    expect(String(jobs.production.if)).toContain("needs.canary.result == 'success'")
    expect(String(jobs.production.if)).toContain('!cancelled()')
  })

  it('rollback moves everything to blue at once and never back toward green', () => {
    const [step] = Object.values(actionSteps(ROLLBACK))
    expect(step.with).toMatchObject({
      traffic: '0',
      steps: 'all-at-once',
      'bake-time': '0s',
      'rollback-to': '0'
    })
  })

  it('rollback takes the same inputs whether dispatched or called', () => {
    const doc = read(ROLLBACK).doc
    expect(Object.keys(triggerInputs(doc, 'workflow_dispatch'))).toEqual(
      Object.keys(triggerInputs(doc, 'workflow_call'))
    )
  })

  it('catches an input action.yml lacks, a missing required input and an unused input', () => {
    const fixture = parse(`
on:
  workflow_call:
    inputs:
      listener-arn: { type: string }
      forgotten: { type: string }
jobs:
  shift:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.aws-traffic-shift
        with:
          listener-arn: \${{ inputs.listener-arn }}
          traffic-percent: 10
`)
    // No input of action.yml is required any more (mode may come from settings): hold the rule
    // to a required one all the same.
    const inputs = { ...actionInputs(), mode: { ...actionInputs().mode, required: true } }
    expect(actionStepProblems(fixture, inputs)).toEqual([
      'jobs.shift.steps[0]: "traffic-percent" is not an input of action.yml',
      'jobs.shift.steps[0]: required "mode" missing'
    ])
    expect(unusedInputs(fixture)).toEqual(['input "forgotten" is declared but never used'])
  })
})

describe('the example callers', () => {
  it.each(examplePaths())('%s calls the reusable workflows with inputs they declare', (path) => {
    expect(callProblems(read(path).doc)).toEqual([])
  })

  it('the examples give settings the action accepts (names checked)', () => {
    const blocks = examplePaths().flatMap((path) =>
      jobsOf(read(path).doc)
        .map(([id, job]) => ({ where: `${path} jobs.${id}`, settings: job.with?.settings }))
        .filter(
          (found): found is { where: string; settings: string } =>
            typeof found.settings === 'string'
        )
    )
    expect(blocks.map((block) => block.where)).toEqual(
      expect.arrayContaining([
        'docs/examples/deploy.yml jobs.rollout',
        'docs/examples/deploy-dns.yml jobs.rollout',
        'docs/examples/deploy-targets.yml jobs.rollout'
      ])
    )
    for (const { where, settings } of blocks) {
      // Expressions are the caller's values: any text stands in for them here.
      const parsed = parseSettings(settings.replace(/\$\{\{[^}]*\}\}/g, 'x'))
      expect([where, parsed.has('mode')]).toEqual([where, true])
    }
  })

  it('catches a settings key the action does not take', () => {
    expect(() => parseSettings('mode: dns\nbake_time: 5m')).toThrow('did you mean bake-time?')
  })

  it('catches an input the called workflow lacks and a missing required one', () => {
    const fixture = parse(`
on: push
jobs:
  rollback:
    uses: aws-traffic-shift/aws-traffic-shift/.github/workflows/rollback.yml@v0
    with:
      listener-arn: arn
      traffic: 0
`)
    expect(callProblems(fixture)).toEqual([
      'jobs.rollback: .github/workflows/rollback.yml has no input "traffic"',
      'jobs.rollback: required input "aws-region" of .github/workflows/rollback.yml missing',
      'jobs.rollback: required input "role-to-assume" of .github/workflows/rollback.yml missing',
      'jobs.rollback: required input "environment" of .github/workflows/rollback.yml missing'
    ])
  })
})

describe('docs/workflows.md', () => {
  it.each(REUSABLE)('documents every input of %s', (path) => {
    const guide = readFileSync(join(ROOT, 'docs/workflows.md'), 'utf8')
    const names = Object.keys(triggerInputs(read(path).doc, 'workflow_call'))
    expect(names.filter((name) => !guide.includes(`\`${name}\``))).toEqual([])
  })
})
