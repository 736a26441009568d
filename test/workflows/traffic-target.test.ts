// The reusable workflows key their concurrency group on the target this composite action finds;
// its script runs here as the runner runs a `shell: bash` step.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { read, type Step } from './files.js'

const ACTION = '.github/actions/traffic-target/action.yml'
const LISTENER =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2'

interface Result {
  status: number | null
  stdout: string
  outputs: Record<string, string>
}

function findTarget(env: Record<string, string>): Result {
  const step = ((read(ACTION).doc.runs as { steps: Step[] }).steps ?? [])[0]
  const dir = mkdtempSync(join(tmpdir(), 'traffic-target-'))
  const script = join(dir, 'step.sh')
  const output = join(dir, 'output')
  writeFileSync(script, step.run ?? '')
  writeFileSync(output, '')
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env },
    encoding: 'utf8'
  })
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
  )
  return { status: run.status, stdout: run.stdout, outputs }
}

describe('traffic-target', () => {
  it('reads the target from the settings block: plain, quoted, commented, CRLF', () => {
    const settings = [
      'mode: weighted-target-groups',
      `listener-arn: "${LISTENER}"  # the shop`,
      'probe-urls:',
      '  - https://shop.example.com/health',
      ''
    ].join('\r\n')
    const result = findTarget({ SETTINGS: settings })
    expect(result.status).toBe(0)
    expect(result.outputs).toEqual({
      key: LISTENER,
      'listener-arn': LISTENER,
      'rule-arn': '',
      'target-group-arn': '',
      'hosted-zone-id': '',
      'record-name': ''
    })
  })

  it('keys a dns target on zone and name, and an input given wins over settings', () => {
    const settings =
      "mode: dns\nhosted-zone-id: Z0123456789ABCDEFGHIJ\nrecord-name: 'shop.example.com'\n"
    expect(findTarget({ SETTINGS: settings }).outputs.key).toBe(
      'Z0123456789ABCDEFGHIJ/shop.example.com'
    )
    const given = findTarget({ SETTINGS: settings, RECORD_NAME: 'api.example.com' })
    expect(given.outputs.key).toBe('Z0123456789ABCDEFGHIJ/api.example.com')
    expect(given.outputs['record-name']).toBe('api.example.com')
  })

  it('reads only top-level lines, never a line inside another value', () => {
    const settings = `green-value: |\n  listener-arn: ${LISTENER}\ntarget-group-arn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/73e2d6bc24d8a067\n`
    const result = findTarget({ SETTINGS: settings })
    expect(result.outputs['listener-arn']).toBe('')
    expect(result.outputs.key).toContain(':targetgroup/shop/')
  })

  it('fails, naming what to give, when no target is found', () => {
    const result = findTarget({ SETTINGS: `{listener-arn: ${LISTENER}}` })
    expect(result.status).toBe(1)
    expect(result.stdout).toContain('::error title=aws-traffic-shift settings::No traffic target')
    expect(result.outputs).toEqual({})
  })

  it('refuses a value that could forge an output or a workflow command, without echoing it', () => {
    for (const value of ['x%0Akey=forged', 'a b', '##[add-mask]x', '$(id)']) {
      const result = findTarget({ SETTINGS: `listener-arn: ${value}\n` })
      expect(result.status).toBe(1)
      expect(result.stdout).toContain('listener-arn holds a character no ARN')
      expect(result.stdout).not.toContain(value)
      expect(result.outputs).toEqual({})
    }
    expect(findTarget({ LISTENER_ARN: `${LISTENER}\nkey=forged` }).status).toBe(1)
  })
})
