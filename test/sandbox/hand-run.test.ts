import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  dotenv,
  ENV_FILE_MARKER,
  envCommand,
  inputVariables,
  shellWord,
  writeEnvFile
} from '../../sandbox/hand-run.js'

describe('the by-hand command npm run sandbox prints', () => {
  it('hands bash variables whose names hold a hyphen, values unexpanded', () => {
    const variables = inputVariables({
      'listener-arn': 'arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/b/c',
      'probe-urls': "https://x/?q=$HOME&it's `id`"
    })
    expect(Object.keys(variables)).toEqual(['INPUT_LISTENER-ARN', 'INPUT_PROBE-URLS'])
    // The command a person pastes, with a printer in place of node dist/index.js.
    const command = envCommand(variables, `node -e 'console.log(JSON.stringify(process.env))'`)
    expect(command.split('\n')[0]).toBe('env \\')
    const run = spawnSync('bash', ['-c', command], { encoding: 'utf8' })
    expect(run.status).toBe(0)
    const seen = JSON.parse(run.stdout) as Record<string, string>
    expect(seen['INPUT_LISTENER-ARN']).toBe(variables['INPUT_LISTENER-ARN'])
    expect(seen['INPUT_PROBE-URLS']).toBe("https://x/?q=$HOME&it's `id`")
  })

  it('quotes one word for bash', () => {
    expect(shellWord("a'b")).toBe(`'a'\\''b'`)
  })
})

describe('the .env npm run sandbox writes', () => {
  it('is dotenv text with the marker first, and refuses a value it cannot hold', () => {
    const text = dotenv({ 'INPUT_BAKE-TIME': '5s', A: 'b c' }, 'two\nlines')
    expect(text).toBe(
      `${ENV_FILE_MARKER}. It is rewritten on every start of the sandbox.\n# two\n# lines\n` +
        'INPUT_BAKE-TIME="5s"\nA="b c"\n'
    )
    expect(() => dotenv({ A: 'say "hi"' }, '')).toThrow(/A: a .env value cannot hold/)
  })

  it('never overwrites a .env it did not write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hand-run-'))
    const path = join(dir, '.env')
    expect(writeEnvFile(path, dotenv({ A: '1' }, 'first'))).toBe(true)
    expect(writeEnvFile(path, dotenv({ A: '2' }, 'again'))).toBe(true)
    expect(readFileSync(path, 'utf8')).toContain('A="2"')
    writeFileSync(path, 'AWS_PROFILE=production\n')
    expect(writeEnvFile(path, dotenv({ A: '3' }, 'mine'))).toBe(false)
    expect(readFileSync(path, 'utf8')).toBe('AWS_PROFILE=production\n')
  })
})
