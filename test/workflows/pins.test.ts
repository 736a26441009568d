import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './files.js'
import {
  latestRelease,
  pinnedFiles,
  pinProblem,
  usesLines,
  versionConflicts,
  type UsesLine
} from './pins.js'

const all = pinnedFiles().flatMap((path) => usesLines(path, readFileSync(join(ROOT, path), 'utf8')))

describe('every uses: in the README, the docs, the examples and the workflows', () => {
  it('reads the files a reader copies from', () => {
    expect(pinnedFiles()).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/workflows.md',
        'docs/examples/deploy.yml',
        '.github/workflows/release.yml'
      ])
    )
    expect(all.filter((uses) => uses.where.startsWith('README.md:')).length).toBeGreaterThan(3)
  })

  it('is pinned: third-party by SHA with its version, this project by its newest release', () => {
    const release = latestRelease()
    expect(all.map((uses) => pinProblem(uses, release)).filter(Boolean)).toEqual([])
  })

  it('names each action at one version everywhere', () => {
    expect(versionConflicts(all)).toEqual([])
  })
})

describe('the pin checks catch', () => {
  const text = `
\`\`\`yaml
steps:
  - uses: aws-actions/configure-aws-credentials@v4 # pin by commit SHA in real workflows
  - uses: aws-actions/configure-aws-credentials@cbe3b392738ccf3f987d68400dafcf4b0624a56c # v6.2.4
  - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8
  - uses: 'actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444' # v5.0.0
  - uses: aws-traffic-shift/aws-traffic-shift@v0
  - uses: ./.aws-traffic-shift
jobs:
  deploy:
    uses: aws-traffic-shift/aws-traffic-shift/.github/workflows/progressive-deploy.yml@v0.1.0
  rollback:
    uses: aws-traffic-shift/aws-traffic-shift/.github/workflows/rollback.yml@0123456789abcdef0123456789abcdef01234567 # v0.1.0
\`\`\`
`
  const lines: UsesLine[] = usesLines('README.md', text)

  it('an unpinned or uncommented third-party action and a moving tag of this project', () => {
    expect(lines.map((uses) => pinProblem(uses, '0.1.0')).filter(Boolean)).toEqual([
      'README.md:4: aws-actions/configure-aws-credentials@v4 is not pinned by a full commit SHA',
      'README.md:6: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 needs a version comment (# vX.Y.Z)',
      'README.md:8: aws-traffic-shift/aws-traffic-shift@v0 must pin the newest release, @v0.1.0 (or its SHA # v0.1.0)'
    ])
    // A release older than the newest one is refused too.
    expect(pinProblem(lines[6], '0.2.0')).toMatch(/must pin the newest release, @v0.2.0/)
  })

  it('two versions of one action, and this project pinned two ways', () => {
    expect(versionConflicts(lines)).toEqual([
      'aws-actions/configure-aws-credentials at 2 versions: @v4 # pin (README.md:4); @cbe3b392738ccf3f987d68400dafcf4b0624a56c # v6.2.4 (README.md:5)',
      'aws-traffic-shift/aws-traffic-shift at 3 versions: @v0 (README.md:8); @v0.1.0 (README.md:12); @0123456789abcdef0123456789abcdef01234567 # v0.1.0 (README.md:14)'
    ])
  })
})
