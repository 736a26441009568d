import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../src/toolkit.js'

const savedEnv = { ...process.env }
let written: string[]

beforeEach(() => {
  written = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk))
    return true
  })
})

afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...savedEnv }
  process.exitCode = undefined
})

function tempFile(name: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'toolkit-')), name)
  writeFileSync(file, '')
  return file
}

describe('toolkit: the runner protocol @actions/core speaks', () => {
  it('reads INPUT_ variables as the runner names them, trimmed', () => {
    process.env['INPUT_LISTENER-ARN'] = '  arn:aws:x  '
    process.env.INPUT_MY_INPUT = 'spaced'
    expect(core.getInput('listener-arn')).toBe('arn:aws:x')
    expect(core.getInput('my input')).toBe('spaced')
    expect(core.getInput('absent')).toBe('')
  })

  it('appends outputs to GITHUB_OUTPUT with a random delimiter, multi-line values intact', () => {
    const file = tempFile('output')
    process.env.GITHUB_OUTPUT = file
    core.setOutput('status', 'succeeded')
    core.setOutput('report', '{"a":1}\n{"b":2}')
    const found: Record<string, string> = {}
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) {
      found[match[1]] = match[3]
    }
    expect(found).toEqual({ status: 'succeeded', report: '{"a":1}\n{"b":2}' })
    expect(written).toEqual([])
  })

  it('prints set-output when the runner gives no output file', () => {
    delete process.env.GITHUB_OUTPUT
    core.setOutput('traffic', '10')
    expect(written).toEqual(['::set-output name=traffic::10\n'])
  })

  it('escapes annotations so a message cannot end the command or start another', () => {
    core.error('line 1\nline 2 at 100%\r', { title: 'Gate: failed, rolled back' })
    core.warning('plain')
    expect(written).toEqual([
      '::error title=Gate%3A failed%2C rolled back::line 1%0Aline 2 at 100%25%0D\n',
      '::warning::plain\n'
    ])
  })

  it('fails the step with exit code 1 and one error annotation', () => {
    core.setFailed('Input mode is missing')
    expect(process.exitCode).toBe(1)
    expect(written).toEqual(['::error::Input mode is missing\n'])
  })

  it('closes a log group even when its body throws', async () => {
    await expect(
      core.group('Step 1/2', async () => {
        core.info('inside')
        throw new Error('boom')
      })
    ).rejects.toThrow('boom')
    expect(written).toEqual(['::group::Step 1/2\n', 'inside\n', '::endgroup::\n'])
  })

  it('appends to the job summary, and refuses without a summary file', async () => {
    const file = tempFile('summary.md')
    process.env.GITHUB_STEP_SUMMARY = file
    await core.summary.addRaw('# One\n').write()
    await core.summary.addRaw('# Two\n').write()
    expect(readFileSync(file, 'utf8')).toBe('# One\n# Two\n')
    delete process.env.GITHUB_STEP_SUMMARY
    await expect(core.summary.addRaw('x').write()).rejects.toThrow('GITHUB_STEP_SUMMARY')
  })
})
