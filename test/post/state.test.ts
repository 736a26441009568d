import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseOutputs } from '../../sandbox/action-process.js'
import { postRun } from '../../src/post-run.js'
import * as core from '../../src/toolkit.js'

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
  const file = join(mkdtempSync(join(tmpdir(), 'state-')), name)
  writeFileSync(file, '')
  return file
}

const RUN = JSON.stringify({
  mode: 'weighted-target-groups',
  target: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/1/2',
  start: { permille: 0, native: { actions: [] }, detail: 'blue 1 (forward)', fingerprint: 'f0' },
  towardBlue: false
})

describe('state for the post step', () => {
  it('appends to GITHUB_STATE with a random delimiter; the post step reads STATE_<name>', () => {
    const file = tempFile('state')
    process.env.GITHUB_STATE = file
    core.saveState('run', '{"a":\n1}')
    core.saveState('verdict', 'succeeded')
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/^run<<ghadelimiter_[0-9a-f-]{36}\n\{"a":\n1\}\nghadelimiter_/)
    // The runner gives the post step each name's last value, as parseOutputs reads the file.
    expect(parseOutputs(text)).toEqual({ run: '{"a":\n1}', verdict: 'succeeded' })
    process.env.STATE_verdict = 'succeeded'
    expect(core.getState('verdict')).toBe('succeeded')
    expect(core.getState('absent')).toBe('')
  })
})

describe('post step: when there is nothing to finish', () => {
  it('does nothing when the main step wrote nothing', async () => {
    expect(await postRun()).toBeUndefined()
    expect(written.join('')).toContain('the main step wrote nothing to AWS; nothing to finish')
    expect(process.exitCode).toBeUndefined()
  })

  it('only releases when the main step ended with a verdict', async () => {
    process.env.STATE_run = RUN
    process.env.STATE_verdict = 'rolled-back'
    expect(await postRun()).toBeUndefined()
    expect(written.join('')).toContain('the main step ended rolled-back; nothing to finish')
    expect(process.exitCode).toBeUndefined()
  })

  it('refuses inputs of another mode than the main step ran, before any AWS call', async () => {
    process.env.STATE_run = RUN
    process.env.INPUT_MODE = 'dns'
    process.env['INPUT_HOSTED-ZONE-ID'] = 'Z123'
    process.env['INPUT_RECORD-NAME'] = 'shop.example.com'
    process.env['INPUT_BLUE-SET-IDENTIFIER'] = 'blue'
    process.env['INPUT_GREEN-SET-IDENTIFIER'] = 'green'
    process.env['INPUT_GREEN-VALUE'] = '192.0.2.1'
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1'
    expect(await postRun()).toBeUndefined()
    expect(process.exitCode).toBe(1)
    expect(written.join('')).toContain(
      'Post step could not finish the rollback: Input \'mode\' has an invalid value "dns": ' +
        "expected the main step's mode, weighted-target-groups."
    )
  })
})
