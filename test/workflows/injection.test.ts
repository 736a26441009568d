import { describe, expect, it } from '@jest/globals'
import { runExpressions } from './checks.js'
import { actionPaths, examplePaths, parse, read, workflowPaths } from './files.js'

describe('no ${{ }} inside run: (values reach scripts through env:)', () => {
  const files = [...workflowPaths(), ...examplePaths(), ...actionPaths()]

  it('finds the workflows, the examples and action.yml', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        '.github/workflows/progressive-deploy.yml',
        '.github/workflows/rollback.yml',
        '.github/workflows/ci.yml',
        'docs/examples/deploy.yml',
        'action.yml'
      ])
    )
  })

  it.each(files)('%s', (path) => {
    expect(runExpressions(read(path).doc)).toEqual([])
  })

  it('catches an expression in a workflow step, a composite action step and github-script', () => {
    const workflow = parse(`
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Greet
        run: |
          echo hello
          echo "\${{ github.event.head_commit.message }}"
      - name: Fine
        run: echo "$TITLE"
        env:
          TITLE: \${{ github.event.head_commit.message }}
      - uses: actions/github-script@v7
        with:
          script: console.log('\${{ inputs.name }}')
`)
    expect(runExpressions(workflow)).toEqual([
      'jobs.build.steps[0] (Greet): ${{ }} inside run:',
      'jobs.build.steps[2]: ${{ }} inside a github-script script:'
    ])
    const composite = parse(`
name: x
description: x
runs:
  using: composite
  steps:
    - run: echo \${{inputs.who}}
      shell: bash
`)
    expect(runExpressions(composite)).toEqual(['runs.steps[0] (run): ${{ }} inside run:'])
  })
})
