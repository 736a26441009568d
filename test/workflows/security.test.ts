import { describe, expect, it } from '@jest/globals'
import {
  checkoutProblems,
  concurrencyProblems,
  permissionProblems,
  secretProblems,
  TARGET_GROUP,
  targetProblems,
  TRAFFIC_TARGET,
  unpinnedUses
} from './checks.js'
import { actionPaths, examplePaths, parse, read, workflowPaths, type YamlFile } from './files.js'

const workflows = [...workflowPaths(), ...examplePaths()]

function file(text: string, path = '.github/workflows/fixture.yml'): YamlFile {
  return { path, text, doc: parse(text) }
}

describe('third-party actions are pinned by commit SHA', () => {
  it.each([...workflows, ...actionPaths()])('%s', (path) => {
    expect(unpinnedUses(read(path))).toEqual([])
  })

  it('catches a tag, a branch, a short SHA and a SHA without its version comment', () => {
    const fixture = file(`
on: push
jobs:
  a:
    uses: octo/workflows/.github/workflows/x.yml@main
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-node@a0853c2
      - uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
      - uses: ./local-action
`)
    expect(unpinnedUses(fixture)).toEqual([
      'jobs.a: octo/workflows/.github/workflows/x.yml@main is not pinned by a full commit SHA',
      'jobs.b.steps[0]: actions/checkout@v5 is not pinned by a full commit SHA',
      'jobs.b.steps[1]: actions/setup-node@a0853c2 is not pinned by a full commit SHA',
      'jobs.b.steps[2]: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 needs a version comment (# vX.Y.Z)'
    ])
  })
})

describe('permissions: id-token: write exactly where a role is assumed, nothing else writes', () => {
  it.each(workflows)('%s', (path) => {
    expect(permissionProblems(read(path))).toEqual([])
  })

  it('the reusable workflows grant the token to the jobs that assume the role, and only them', () => {
    const deploy = read('.github/workflows/progressive-deploy.yml').doc.jobs as Record<
      string,
      { permissions: Record<string, string> }
    >
    // The check job reads the action's own repository (the traffic-target step), nothing else.
    expect(deploy.check.permissions).toEqual({ contents: 'read' })
    for (const stage of ['canary', 'ramp', 'production']) {
      expect(deploy[stage].permissions).toEqual({ contents: 'read', 'id-token': 'write' })
    }
  })

  it('catches a missing token, a token without a role, write scopes and workflow-wide grants', () => {
    const fixture = file(`
on: push
permissions:
  id-token: write
jobs:
  assume:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: aws-actions/configure-aws-credentials@cbe3b392738ccf3f987d68400dafcf4b0624a56c # v6.2.4
  idle:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
  writer:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - run: echo hi
  pusher:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - run: echo hi
  call:
    permissions:
      contents: read
    uses: ./.github/workflows/rollback.yml
`)
    expect(permissionProblems(fixture)).toEqual([
      'workflow: id-token: write for every job (grant it only to jobs that assume a role)',
      'jobs.assume assumes a role without id-token: write',
      'jobs.idle has id-token: write but assumes no role',
      'jobs.writer: permissions: write-all (list each permission instead)',
      'jobs.pusher: contents: write',
      'jobs.call assumes a role without id-token: write'
    ])
    expect(permissionProblems(file('on: push\njobs: {}\n'))).toEqual([
      'no top-level permissions: (the default token is too broad)'
    ])
  })
})

describe('concurrency: one group per traffic target, never github.workflow, never cancelling', () => {
  it.each(workflows)('%s', (path) => {
    expect(concurrencyProblems(read(path))).toEqual([])
  })

  it('every job that moves traffic, in both reusable workflows, holds the same group', () => {
    const groups = ['progressive-deploy', 'rollback'].flatMap((name) =>
      Object.values(
        read(`.github/workflows/${name}.yml`).doc.jobs as Record<
          string,
          { steps?: { uses?: string }[]; concurrency?: { group: string } }
        >
      )
        .filter((job) => job.steps?.some((step) => step.uses === './.aws-traffic-shift'))
        .map((job) => job.concurrency?.group)
    )
    expect(groups).toEqual([TARGET_GROUP, TARGET_GROUP, TARGET_GROUP, TARGET_GROUP])
  })

  it.each(['.github/workflows/progressive-deploy.yml', '.github/workflows/rollback.yml'])(
    '%s keys the group on the target the action is given',
    (path) => {
      expect(targetProblems(read(path).doc)).toEqual([])
    }
  )

  it('catches a shift given another target than the one the group is keyed on', () => {
    const fixture = parse(`
on:
  workflow_call:
    inputs:
      settings: { type: string }
      listener-arn: { type: string }
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: ${TRAFFIC_TARGET}
        with:
          settings: \${{ inputs.listener-arn }}
  shift:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.aws-traffic-shift
        with:
          settings: \${{ inputs.settings }}
          listener-arn: \${{ inputs.listener-arn }}
          rule-arn: \${{ needs.check.outputs.rule-arn }}
          target-group-arn: \${{ needs.check.outputs.target-group-arn }}
          hosted-zone-id: \${{ needs.check.outputs.hosted-zone-id }}
          record-name: \${{ needs.check.outputs.record-name }}
`)
    expect(targetProblems(fixture)).toEqual([
      'jobs.check.steps[0]: pass settings: ${{ inputs.settings }}',
      'jobs.check.steps[0]: pass the declared listener-arn: ${{ inputs.listener-arn }}',
      'jobs.shift.steps[0]: pass listener-arn: ${{ needs.check.outputs.listener-arn }}'
    ])
    const noFinder = parse(`
on: workflow_call
jobs:
  shift:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.aws-traffic-shift
`)
    expect(targetProblems(noFinder)[0]).toBe(
      `jobs.check must find the target with ${TRAFFIC_TARGET}`
    )
  })

  it('catches github.workflow, cancel-in-progress and a shift outside the target group', () => {
    const fixture = file(`
on: workflow_call
concurrency:
  group: \${{ github.workflow }}-\${{ github.ref }}
  cancel-in-progress: true
jobs:
  shift:
    runs-on: ubuntu-latest
    concurrency: deploy
    steps:
      - uses: ./.aws-traffic-shift
`)
    expect(concurrencyProblems(fixture)).toEqual([
      'workflow: concurrency group uses github.workflow',
      'workflow: cancel-in-progress must be false',
      `jobs.shift moves traffic: it needs concurrency { group: ${TARGET_GROUP}, cancel-in-progress: false }`
    ])
  })
})

describe('hygiene', () => {
  it.each(workflows)('%s: checkouts keep no token; no stored secrets', (path) => {
    const workflow = read(path)
    expect(checkoutProblems(workflow.doc)).toEqual([])
    expect(secretProblems(workflow)).toEqual([])
  })

  it('catches a checkout that keeps its token and a secret', () => {
    const fixture = file(`
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
      - run: echo "$KEY"
        env:
          KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
`)
    expect(checkoutProblems(fixture.doc)).toEqual([
      'jobs.a.steps[0]: actions/checkout without persist-credentials: false'
    ])
    expect(secretProblems(fixture)).toEqual([
      '.github/workflows/fixture.yml reads a secret (use OIDC)'
    ])
  })
})
