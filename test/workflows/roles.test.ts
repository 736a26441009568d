import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { examplePaths, jobsOf, parse, read, triggerInputs, type YamlFile } from './files.js'
import { roleProblems, roleUses } from './roles.js'

const DEPLOY = '.github/workflows/progressive-deploy.yml'

describe('one role per environment', () => {
  it('each stage of progressive-deploy.yml assumes its own role input', () => {
    const doc = read(DEPLOY).doc
    const inputs = Object.keys(triggerInputs(doc, 'workflow_call'))
    expect(inputs).not.toContain('role-to-assume')
    const jobs = Object.fromEntries(jobsOf(doc))
    for (const stage of ['canary', 'ramp', 'production']) {
      expect(inputs).toContain(`${stage}-role-to-assume`)
      const roles = (jobs[stage].steps ?? [])
        .filter((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'))
        .map((step) => step.with?.['role-to-assume'])
      expect([stage, roles]).toEqual([stage, [`\${{ inputs.${stage}-role-to-assume }}`]])
    }
  })

  it('the examples, together, give every environment its own role and assume none outside one', () => {
    const uses = examplePaths().flatMap((path) => roleUses(read(path)))
    expect(new Set(uses.map((use) => use.environment))).toEqual(
      new Set(['deploy', 'canary', 'ramp', 'production', 'rollback'])
    )
    expect(roleProblems(uses)).toEqual([])
  })

  it('catches one role for every stage, and a role assumed outside an environment', () => {
    const file: YamlFile = {
      path: 'docs/examples/x.yml',
      text: '',
      doc: parse(`
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@cbe3b392738ccf3f987d68400dafcf4b0624a56c # v6.2.4
        with:
          role-to-assume: \${{ vars.DEPLOY_ROLE_ARN }}
  rollout:
    uses: aws-traffic-shift/aws-traffic-shift/.github/workflows/progressive-deploy.yml@v0.1.0
    with:
      canary-role-to-assume: \${{ vars.DEPLOY_ROLE_ARN }}
      ramp-role-to-assume: \${{ vars.DEPLOY_ROLE_ARN }}
      production-role-to-assume: \${{ vars.DEPLOY_ROLE_ARN }}
      production-environment: prod
`)
    }
    expect(roleProblems(roleUses(file))).toEqual([
      'docs/examples/x.yml jobs.build: assumes ${{ vars.DEPLOY_ROLE_ARN }} outside an environment',
      '${{ vars.DEPLOY_ROLE_ARN }} is assumed in 3 environments: canary, ramp, prod'
    ])
  })
})

describe("progressive-deploy.yml's check job, run as the runner runs it", () => {
  const check = (jobsOf(read(DEPLOY).doc).find(([id]) => id === 'check')![1].steps ?? []).find(
    (step) => step.name === 'Check stage percents and credential lifetime'
  )!
  const run = (env: Record<string, string>) =>
    spawnSync('bash', ['-e', '-c', check.run!], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        CANARY_PERCENT: '10',
        RAMP_PERCENT: '50',
        CANARY_ENVIRONMENT: 'canary',
        RAMP_ENVIRONMENT: 'ramp',
        PRODUCTION_ENVIRONMENT: 'production',
        TIMEOUT_MINUTES: '60',
        ROLE_DURATION_SECONDS: '3600',
        CANARY_ROLE: 'arn:aws:iam::1:role/canary',
        RAMP_ROLE: 'arn:aws:iam::1:role/ramp',
        PRODUCTION_ROLE: 'arn:aws:iam::1:role/production',
        ...env
      }
    })

  it('passes three roles without a warning', () => {
    const result = run({})
    expect(result.status).toBe(0)
    expect(result.stdout).not.toContain('::warning::')
  })

  it('warns when two stages share a role', () => {
    for (const shared of <Record<string, string>[]>[
      { PRODUCTION_ROLE: 'arn:aws:iam::1:role/canary' },
      { RAMP_ROLE: 'arn:aws:iam::1:role/production' }
    ]) {
      const result = run(shared)
      expect(result.status).toBe(0)
      expect(result.stdout).toContain('::warning::Two stages share one role')
    }
  })

  it('fails a ramp without a role, and accepts none when the ramp is skipped', () => {
    const missing = run({ RAMP_ROLE: '' })
    expect(missing.status).toBe(1)
    expect(missing.stdout).toContain('::error::The ramp stage runs (ramp-percent 50)')
    expect(run({ RAMP_ROLE: '', RAMP_PERCENT: '0' }).status).toBe(0)
  })
})
