// rollback.yml writes the free-text `reason` of whoever ran it to the log and the job summary:
// its Summary step's script, run by bash as the runner runs it, must print one line that issues
// no workflow command, whatever the reason holds.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { workflowCommandsIn } from '../helpers/workflow-commands.js'
import { read, type Step } from './files.js'

function summaryStep(): Step {
  const jobs = read('.github/workflows/rollback.yml').doc.jobs as Record<string, { steps: Step[] }>
  const step = jobs.rollback.steps.find((candidate) => candidate.name === 'Summary')
  if (!step?.run) throw new Error('rollback.yml has no Summary step with a run script')
  return step
}

function runSummary(reason: string): { stdout: string; summary: string } {
  const step = summaryStep()
  // Inputs reach the script through env: only (test/workflows/injection.test.ts).
  expect(step.env?.REASON).toBe('${{ inputs.reason }}')
  const summaryFile = join(mkdtempSync(join(tmpdir(), 'rollback-')), 'summary.md')
  writeFileSync(summaryFile, '')
  const run = spawnSync('bash', ['-e', '-c', step.run!], {
    env: {
      PATH: process.env.PATH ?? '',
      STATUS: 'succeeded',
      TRAFFIC: '0',
      TARGET: 'listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2',
      ACTOR: 'octocat',
      REASON: reason,
      GITHUB_STEP_SUMMARY: summaryFile
    },
    encoding: 'utf8'
  })
  expect(run.status).toBe(0)
  return { stdout: run.stdout, summary: readFileSync(summaryFile, 'utf8') }
}

describe('rollback.yml: the reason', () => {
  it('is written as it was typed when it is plain text', () => {
    const { stdout, summary } = runSummary('green 5xx after the 10 % step')
    expect(stdout).toMatch(/Requested by octocat: green 5xx after the 10 % step\n$/)
    expect(summary).toBe(stdout)
  })

  it('cannot issue workflow commands or add lines, with CR, LF or escapes in it', () => {
    const forged =
      'oops\r::stop-commands::pwn\n::set-output name=status::succeeded\r\n' +
      '  ::error title=x::forged ##[add-mask]x \u001b[2Kend'
    const { stdout, summary } = runSummary(forged)
    expect(stdout.split(/\r\n|\r|\n/)).toHaveLength(2) // one line and its end
    expect(workflowCommandsIn(stdout)).toEqual([])
    // eslint-disable-next-line no-control-regex
    expect(stdout.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f]/)
    expect(stdout.replace(/\u200B/g, '')).toContain('::stop-commands::pwn')
    expect(stdout.replace(/\u200B/g, '')).toContain('##[add-mask]x')
    expect(summary).toBe(stdout)
  })
})
