import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../src/toolkit.js'
import { workflowCommandsIn } from './helpers/workflow-commands.js'

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

/** name<<delimiter / value / delimiter blocks, as the runner reads GITHUB_OUTPUT and GITHUB_STATE. */
function keyValues(file: string): Record<string, string> {
  const found: Record<string, string> = {}
  const text = readFileSync(file, 'utf8')
  for (const match of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) {
    found[match[1]] = match[3]
  }
  return found
}

describe('toolkit: the runner protocol, through @actions/core', () => {
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
    expect(keyValues(file)).toEqual({ status: 'succeeded', report: '{"a":1}\n{"b":2}' })
    expect(written).toEqual([])
  })

  it('prints set-output, escaped to one line, when the runner gives no output file', () => {
    delete process.env.GITHUB_OUTPUT
    core.setOutput('traffic', '10\n::error::x')
    expect(written.join('')).toBe('\n::set-output name=traffic::10%0A::error::x\n')
  })

  it('saves state for a post step, which reads it back from STATE_ variables', () => {
    const file = tempFile('state')
    process.env.GITHUB_STATE = file
    core.saveState('start', '{"split":0}')
    expect(keyValues(file)).toEqual({ start: '{"split":0}' })
    process.env.STATE_start = '{"split":0}'
    expect(core.getState('start')).toBe('{"split":0}')
    expect(core.getState('absent')).toBe('')
  })

  it('saves nothing without GITHUB_STATE (a run by hand): no save-state command, one debug line', () => {
    delete process.env.GITHUB_STATE
    core.saveState('run', '{"start":"blue 1000 / green 0"}')
    core.saveState('verified', '{"state":{}}')
    expect(written).toEqual([
      '::debug::No GITHUB_STATE (not a runner step, so no post step): the run is not saved for one\n'
    ])
    expect(written.join('')).not.toContain('save-state')
  })

  it('masks a secret with add-mask', () => {
    core.setSecret('hun,ter2')
    expect(written).toEqual(['::add-mask::hun,ter2\n'])
  })

  it('prints debug lines, which the runner shows only with step debug logging', () => {
    delete process.env.RUNNER_DEBUG
    core.debug('ELBv2 DescribeListeners: request id r-1')
    expect(written).toEqual(['::debug::ELBv2 DescribeListeners: request id r-1\n'])
    expect(core.isDebug()).toBe(false)
    process.env.RUNNER_DEBUG = '1'
    expect(core.isDebug()).toBe(true)
  })

  it('escapes annotations so a message cannot end the command or start another', () => {
    core.error('line 1\nline 2 at 100%', { title: 'Gate: failed, rolled back' })
    core.warning('plain')
    expect(written).toEqual([
      '::error title=Gate%3A failed%2C rolled back::line 1%0Aline 2 at 100%25\n',
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

  it('appends to the job summary', async () => {
    const file = tempFile('summary.md')
    process.env.GITHUB_STEP_SUMMARY = file
    await core.summary.addRaw('# One\n').write()
    await core.summary.addRaw('# Two\n').write()
    expect(readFileSync(file, 'utf8')).toBe('# One\n# Two\n')
  })
})

describe('toolkit: text from outside the action issues no workflow command', () => {
  const FORGED = [
    'reason: fine\n::set-output name=status::succeeded',
    '  ::error title=x::forged',
    'a\r::stop-commands::pwn',
    'all good ##[add-mask]x',
    '\u0085::add-mask::secret'
  ].join('\n')

  it.each([
    ['info', () => core.info(FORGED), []],
    ['debug', () => core.debug(FORGED), ['debug']],
    ['warning', () => core.warning(FORGED, { title: FORGED }), ['warning']],
    ['error', () => core.error(FORGED, { title: FORGED }), ['error']],
    ['setFailed', () => core.setFailed(FORGED), ['error']],
    ['group title', () => core.group(FORGED, async () => undefined), ['group', 'endgroup']]
  ])('%s: only the command the toolkit issues itself', async (_path, print, expected) => {
    await print()
    const commands = workflowCommandsIn(written.join(''))
    expect(commands.map((found) => `${found.form}${found.command}`)).toEqual(
      expected.map((command) => `::${command}`)
    )
  })

  it('keeps the text readable: each line as it came, CR a line break of its own', () => {
    core.info(FORGED)
    const line = written.join('').replace(/\u200B/g, '')
    expect(line).toBe(
      'reason: fine\n::set-output name=status::succeeded\n  ::error title=x::forged\na\n' +
        '::stop-commands::pwn\nall good ##[add-mask]x\n\\u0085::add-mask::secret\n'
    )
  })
})
