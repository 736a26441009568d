import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  changelogEntry,
  parseVersionTag,
  releasedVersions,
  releaseProblems
} from '../../scripts/release.js'
import { permissionProblems } from './checks.js'
import { jobsOf, parse, read, ROOT } from './files.js'

const CHANGELOG = `# Changelog

## [Unreleased]

- Something new.

## [0.2.0] - 2027-01-10

### Fixed

- A fix.

## [0.1.0] - 2026-12-02

### Added

- The first release.

[Unreleased]: https://example.com/compare/v0.2.0...HEAD
[0.2.0]: https://example.com/v0.2.0
`

describe('scripts/release.ts: what a tag must agree with', () => {
  it('reads a release tag and its major tag; refuses anything else', () => {
    expect(parseVersionTag('v0.1.0')).toEqual({ version: '0.1.0', major: 'v0' })
    expect(parseVersionTag('v12.3.40')).toEqual({ version: '12.3.40', major: 'v12' })
    for (const bad of ['0.1.0', 'v0.1', 'v0.1.0-rc.1', 'v01.1.0', 'v0.1.0.1', 'v1.2.3x']) {
      expect(parseVersionTag(bad)).toBeUndefined()
    }
  })

  it("takes a version's notes from its changelog entry, up to the next entry or the links", () => {
    expect(releasedVersions(CHANGELOG)).toEqual(['0.2.0', '0.1.0'])
    expect(changelogEntry(CHANGELOG, '0.2.0')).toBe('### Fixed\n\n- A fix.')
    expect(changelogEntry(CHANGELOG, '0.1.0')).toBe('### Added\n\n- The first release.')
    expect(changelogEntry(CHANGELOG, '0.3.0')).toBeUndefined()
  })

  it('releases a tag that package.json and the newest changelog entry name', () => {
    expect(
      releaseProblems({ tag: 'v0.2.0', packageVersion: '0.2.0', changelog: CHANGELOG })
    ).toEqual([])
  })

  it('refuses a tag ahead of package.json or the changelog, or older than its newest entry', () => {
    expect(
      releaseProblems({ tag: 'v0.3.0', packageVersion: '0.2.0', changelog: CHANGELOG })
    ).toEqual([
      'package.json says version 0.2.0, the tag v0.3.0: bump it first',
      'CHANGELOG.md has no "## [0.3.0] - YYYY-MM-DD" entry: move Unreleased into one'
    ])
    // Moving v0 back to 0.1.0 would take every @v0 user back a release.
    expect(
      releaseProblems({ tag: 'v0.1.0', packageVersion: '0.1.0', changelog: CHANGELOG })
    ).toEqual(['0.1.0 is not the newest release in CHANGELOG.md'])
    expect(
      releaseProblems({
        tag: 'v0.2.0',
        packageVersion: '0.2.0',
        changelog: '## [0.2.0] - 2027-01-10\n\n## [0.1.0] - 2026-12-02\n- x\n'
      })
    ).toEqual(["CHANGELOG.md's entry for 0.2.0 is empty: it is the release's notes"])
    expect(
      releaseProblems({ tag: 'latest', packageVersion: '0.2.0', changelog: CHANGELOG })
    ).toEqual(['Tag latest is not a release tag: v and three numbers, e.g. v1.2.3'])
  })

  it('the repository as it stands can be released at its package.json version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string
      license: string
    }
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')
    expect(releaseProblems({ tag: `v${version}`, packageVersion: version, changelog })).toEqual([])
    expect(changelog).toMatch(/^## \[Unreleased\]$/m)
  })

  it('LICENSE is the MIT licence package.json names', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string }
    expect(pkg.license).toBe('MIT')
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} /
    )
  })
})

describe('.github/workflows/release.yml', () => {
  const workflow = read('.github/workflows/release.yml')
  const jobs = Object.fromEntries(jobsOf(workflow.doc))

  it('runs on version tags only', () => {
    expect(workflow.doc.on).toEqual({ push: { tags: ['v*.*.*'] } })
  })

  it('checks the tag, main, dist/ and the tests before the release job may write', () => {
    const runs = (jobs.check.steps ?? []).map((step) => step.run ?? '').join('\n')
    expect(runs).toContain('npx tsx scripts/release.ts "$TAG"')
    expect(runs).toContain('git rev-parse --verify "refs/tags/$TAG^{commit}"')
    expect(runs).toContain('git merge-base --is-ancestor "$commit" origin/main')
    expect(runs).toMatch(/npm run bundle\n\s*if \[ -n "\$\(git status --porcelain -- dist\)" \]/)
    expect(runs).toContain('npm test')
    expect(jobs.check.permissions).toEqual({ contents: 'read' })
    expect(jobs.release.needs).toBe('check')
  })

  it('the job that writes runs no action and no code of the repository, only gh', () => {
    expect(jobs.release.permissions).toEqual({ contents: 'write' })
    for (const step of jobs.release.steps ?? []) {
      expect(step.uses).toBeUndefined()
      expect(step.run).toMatch(/\bgh (release create|api)\b/)
      expect(step.run).not.toMatch(/\b(npm|npx|node|git checkout)\b/)
    }
  })

  it('contents: write is allowed to the release job of release.yml and nowhere else', () => {
    expect(permissionProblems(workflow)).toEqual([])
    const elsewhere = { ...workflow, path: '.github/workflows/deploy.yml' }
    expect(permissionProblems(elsewhere)).toEqual(['jobs.release: contents: write'])
    const otherJob = parse(workflow.text.replace(/^ {2}release:$/m, '  publish:'))
    expect(permissionProblems({ ...workflow, doc: otherJob })).toEqual([
      'jobs.publish: contents: write'
    ])
  })
})

describe("release.yml's commit check, run as the runner runs it", () => {
  const jobs = Object.fromEntries(jobsOf(read('.github/workflows/release.yml').doc))
  const step = (jobs.check.steps ?? []).find((candidate) => candidate.id === 'commit')!
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV }).trim()
  const GIT_ENV = {
    PATH: process.env.PATH ?? '',
    HOME: tmpdir(),
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com'
  }

  /** A clone whose origin has main at one commit and a branch ahead of it; tags v1.0.0 on each. */
  function clone(): { dir: string; onMain: string; offMain: string } {
    const root = mkdtempSync(join(tmpdir(), 'release-'))
    const origin = join(root, 'origin')
    git(root, 'init', '-q', '-b', 'main', origin)
    git(origin, 'commit', '-q', '--allow-empty', '-m', 'on main')
    git(origin, 'checkout', '-q', '-b', 'side')
    git(origin, 'commit', '-q', '--allow-empty', '-m', 'off main')
    git(origin, 'checkout', '-q', 'main')
    git(root, 'clone', '-q', origin, join(root, 'work'))
    const dir = join(root, 'work')
    const onMain = git(dir, 'rev-parse', 'origin/main')
    const offMain = git(dir, 'rev-parse', 'origin/side')
    git(dir, 'tag', '-a', 'v1.0.0', '-m', 'v1.0.0', onMain)
    git(dir, 'tag', '-a', 'v1.0.1', '-m', 'v1.0.1', offMain)
    return { dir, onMain, offMain }
  }

  const run = (dir: string, tag: string) => {
    const output = join(dir, 'github-output')
    writeFileSync(output, '')
    const result = spawnSync('bash', ['-e', '-c', step.run!], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...GIT_ENV, TAG: tag, GITHUB_OUTPUT: output }
    })
    return { ...result, output: readFileSync(output, 'utf8') }
  }

  it("hands on the annotated tag's commit, not the tag object, when it is on main", () => {
    const { dir, onMain } = clone()
    expect(git(dir, 'rev-parse', 'v1.0.0')).not.toBe(onMain)
    const result = run(dir, 'v1.0.0')
    expect(result.status).toBe(0)
    expect(result.output).toBe(`sha=${onMain}\n`)
  })

  it('refuses a tag on a commit main does not have', () => {
    const { dir } = clone()
    const result = run(dir, 'v1.0.1')
    expect(result.status).toBe(1)
    expect(result.stdout).toContain('::error::The tag is not on main')
    expect(result.output).toBe('')
  })
})

describe("release.yml's version step, run as the runner runs it", () => {
  const jobs = Object.fromEntries(jobsOf(read('.github/workflows/release.yml').doc))
  const step = (jobs.check.steps ?? []).find((candidate) => candidate.id === 'version')!
  const version = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version

  const run = (tag: string) => {
    const temp = mkdtempSync(join(tmpdir(), 'release-version-'))
    const output = join(temp, 'github-output')
    writeFileSync(output, '')
    const result = spawnSync('bash', ['-e', '-c', step.run!], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', TAG: tag, RUNNER_TEMP: temp, GITHUB_OUTPUT: output }
    })
    return { ...result, output: readFileSync(output, 'utf8') }
  }

  it('hands the release job the major tag and the changelog entry as notes', () => {
    const result = run(`v${version}`)
    expect(result.status).toBe(0)
    const notes = changelogEntry(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), version)!
    const delimited = /^notes<<(notes-[0-9a-f]{32})\n([\s\S]*)\n\1\n$/m.exec(result.output)
    expect(result.output.split('\n')[0]).toBe(`major=v${version.split('.')[0]}`)
    expect(delimited?.[2]).toBe(notes)
  }, 60_000)

  it('fails, writing no output, for a tag package.json does not name', () => {
    const result = run('v99.0.0')
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain('package.json says version')
    expect(result.output).toBe('')
  }, 60_000)
})
