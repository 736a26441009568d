// The reusable workflows and action.yml cannot drift apart: what the workflows pass is what the
// action takes, every workflow input is used, and the examples call the workflows correctly.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { actionStepProblems, callProblems, unusedInputs } from './checks.js'
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

/** Mode inputs a move to 0 % never reads, which rollback.yml leaves out on purpose. */
const ROLLBACK_LEAVES_OUT: Record<string, string> = {
  'green-value': 'only used when green is created or repointed, never on the way to 0 %',
  'green-alias-target': 'the same, as an alias',
  'record-ttl': 'the TTL of a green record the action creates, which a rollback never does'
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

  it.each(REUSABLE)('%s declares and passes every mode resource input of action.yml', (path) => {
    const resources = modeResourceInputs()
    expect(resources).toEqual(expect.arrayContaining(['listener-arn', 'green-target-group']))
    const expected = resources.filter((name) => path !== ROLLBACK || !(name in ROLLBACK_LEAVES_OUT))
    const doc = read(path).doc
    const missing: string[] = []
    for (const event of ['workflow_call', 'workflow_dispatch']) {
      const declared = triggerInputs(doc, event)
      if (event === 'workflow_dispatch' && Object.keys(declared).length === 0) continue
      for (const name of expected.filter((name) => !(name in declared))) {
        missing.push(`${path}: declare action.yml's "${name}" under on.${event}.inputs`)
      }
    }
    for (const [job, step] of Object.entries(actionSteps(path))) {
      for (const name of expected.filter(
        (name) => step.with?.[name] !== `\${{ inputs.${name} }}`
      )) {
        missing.push(`${path}: pass "${name}: \${{ inputs.${name} }}" to the action in jobs.${job}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('every stage passes every input of action.yml, the same way except its traffic', () => {
    const stages = actionSteps(DEPLOY)
    expect(Object.keys(stages)).toEqual(['canary', 'ramp', 'production'])
    const names = Object.keys(actionInputs())
    const missing = Object.entries(stages).flatMap(([job, step]) =>
      names
        .filter((name) => !(name in (step.with ?? {})))
        .map(
          (name) =>
            `action.yml's "${name}" is not passed in jobs.${job}: declare it under ` +
            `on.workflow_call.inputs (type: string, default: '') and pass it to every stage`
        )
    )
    expect(missing).toEqual([])
    const withoutTraffic = ({ traffic: _traffic, ...rest }: Record<string, unknown>) => rest
    const [canary, ramp, production] = Object.values(stages).map((step) => step.with ?? {})
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
      'bake-time': '0',
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
    expect(actionStepProblems(fixture, actionInputs())).toEqual([
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
