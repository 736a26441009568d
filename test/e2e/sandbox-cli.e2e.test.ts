/**
 * `npm run sandbox` as a person uses it: start it, paste each printed command into bash, and the
 * bundled action shifts that world from blue to green. The commands run exactly as printed.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseOutputs } from '../../sandbox/action-process.js'
import { MODES } from '../../sandbox/hand-worlds.js'
import { ROOT } from '../workflows/files.js'

jest.setTimeout(90_000)

let cli: ChildProcess
let printed = ''
const dotenvPath = join(mkdtempSync(join(tmpdir(), 'sandbox-cli-')), '.env')

beforeAll(async () => {
  cli = spawn(
    join(ROOT, 'node_modules/.bin/tsx'),
    ['sandbox/cli.ts', '--bake-time', '1s', '--time-scale', '0.05', '--dotenv', dotenvPath],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No "# Ready." in:\n${printed}`)), 60_000)
    const take = (chunk: Buffer) => {
      printed += chunk.toString('utf8')
      if (printed.includes('# Ready.')) {
        clearTimeout(timer)
        resolve()
      }
    }
    cli.stdout!.on('data', take)
    cli.stderr!.on('data', take)
    cli.on('exit', (code) => reject(new Error(`npm run sandbox exited (${code}):\n${printed}`)))
  })
})

afterAll(async () => {
  if (cli.exitCode !== null) return
  const exited = new Promise((resolve) => cli.on('exit', resolve))
  cli.kill('SIGINT')
  await exited
})

/** The command printed under `# ── <mode> ──`, as a person would copy it. */
function commandFor(mode: string): string {
  const section = printed.split(`# ── ${mode} ──\n`)[1] ?? ''
  const command = /^env \\\n[\s\S]*?\n {2}node dist\/index\.js$/m.exec(section)
  if (!command) throw new Error(`No command for ${mode} in:\n${printed}`)
  return command[0]
}

/** The variables a command sets, read back from its words. */
function variablesOf(command: string): Record<string, string> {
  return Object.fromEntries(
    [...command.matchAll(/^ {2}'([^=']+)=([^']*)' \\$/gm)].map((match) => [match[1], match[2]])
  )
}

describe('npm run sandbox', () => {
  it.each(MODES)('prints a command that shifts the %s world to green in bash', (mode) => {
    const command = commandFor(mode)
    expect(variablesOf(command).INPUT_MODE).toBe(mode)
    // Only what a fresh shell has: everything else must come from the command itself.
    const run = spawnSync('bash', ['-c', command], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      encoding: 'utf8',
      timeout: 60_000
    })
    const outputs = parseOutputs(readFileSync(variablesOf(command).GITHUB_OUTPUT, 'utf8'))
    expect({ code: run.status, status: outputs.status, traffic: outputs.traffic }).toEqual({
      code: 0,
      status: 'succeeded',
      traffic: '100'
    })
    expect(readFileSync(variablesOf(command).GITHUB_STEP_SUMMARY, 'utf8')).not.toBe('')
  })

  it('writes a .env for npm run local-action with the same world', () => {
    const written = readFileSync(dotenvPath, 'utf8')
    const expected = variablesOf(commandFor(MODES[0]))
    delete expected.GITHUB_OUTPUT
    for (const [name, value] of Object.entries(expected)) {
      expect(written).toContain(`\n${name}="${value}"\n`)
    }
    expect(written).not.toContain('GITHUB_OUTPUT=')
  })

  it("the README's by-hand command is one of these, in the env form bash runs", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const block = /```sh\n(env \\\n[\s\S]*?node dist\/index\.js)\n```/.exec(readme)
    expect(block).not.toBeNull()
    // The same variables as printed: only ports, ARNs and file names differ from run to run (and
    // the bake time, which this test shortens with --bake-time).
    const shown = variablesOf(block![1])
    const real = variablesOf(commandFor(MODES[0]))
    expect(Object.keys(shown)).toEqual(Object.keys(real))
    const stable = Object.keys(real).filter(
      (name) => !/ENDPOINT|ARN|GROUP|GITHUB_|BAKE-TIME/.test(name)
    )
    for (const name of stable) expect([name, shown[name]]).toEqual([name, real[name]])
    expect(spawnSync('bash', ['-n', '-c', block![1]]).status).toBe(0)
  })
})
