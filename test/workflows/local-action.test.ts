// `npm run local-action` runs the action's source through GitHub's @github/local-action with the
// inputs of .env (a copy of .env.example). This runs it with .env.example itself, its endpoints
// pointed at a port nothing listens on: the inputs must pass validation and the first AWS call
// must go to that endpoint, which proves the toolkit stubs load our ESM source and the SDK
// follows the AWS_ENDPOINT_URL_* variables of the file.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './files.js'

/** A loopback port that was free a moment ago and is closed now. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('npm run local-action', () => {
  it('is local-action on src/run.ts with .env', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(pkg.scripts['local-action']).toBe('local-action run . src/run.ts .env')
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\.env$/m)
  })

  it('runs the source with .env.example up to its first AWS call', async () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8')
    const endpoints = example.match(/^AWS_ENDPOINT_URL_[A-Z0-9_]+=.*$/gm) ?? []
    expect(endpoints.map((line) => line.split('=')[0]).sort()).toEqual([
      'AWS_ENDPOINT_URL_AUTO_SCALING',
      'AWS_ENDPOINT_URL_CLOUDWATCH',
      'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2',
      'AWS_ENDPOINT_URL_ROUTE_53'
    ])
    const port = await closedPort()
    const dir = mkdtempSync(join(tmpdir(), 'local-action-'))
    try {
      const envFile = join(dir, '.env')
      writeFileSync(
        envFile,
        example.replace(/http:\/\/127\.0\.0\.1:\d+/g, `http://127.0.0.1:${port}`)
      )
      const env = Object.fromEntries(
        Object.entries(process.env).filter(
          ([name]) => !/^(AWS_|INPUT_|GITHUB_|NODE_OPTIONS$|JEST_)/.test(name)
        )
      )
      const run = spawnSync(
        join(ROOT, 'node_modules/.bin/local-action'),
        ['run', '.', 'src/run.ts', envFile],
        { cwd: ROOT, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 90_000 }
      )
      const output = `${run.stdout}\n${run.stderr}`
      expect(output).toContain('Running Action')
      expect(output).not.toMatch(/Input '[\w-]+' has an invalid value/)
      expect(output).toContain(`ECONNREFUSED 127.0.0.1:${port}`)
      // local-action stubs @actions/core: the outputs reach its table only through core.
      expect(output).toMatch(/'status'\s*│\s*'failed'/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
