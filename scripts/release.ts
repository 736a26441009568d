/**
 * The checks of the release workflow (.github/workflows/release.yml), here so that they have
 * tests. For a pushed tag:
 *
 *   npx tsx scripts/release.ts vX.Y.Z NOTES_FILE
 *
 * refuses a tag that is not a version, or that package.json and CHANGELOG.md do not both name,
 * writes that version's CHANGELOG entry to NOTES_FILE (the release's notes) and prints the major
 * tag to move (v0, later v1).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A release tag: v and three numbers, nothing after (no pre-releases: the major tag follows). */
const VERSION_TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/

/** A released version's heading in Keep a Changelog form: ## [1.2.3] - 2026-12-02 */
const RELEASE_HEADING = /^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$/gm

export interface VersionTag {
  version: string
  /** The tag that follows the newest release of this major version, e.g. v0. */
  major: string
}

export function parseVersionTag(tag: string): VersionTag | undefined {
  const match = VERSION_TAG.exec(tag)
  return match ? { version: tag.slice(1), major: `v${match[1]}` } : undefined
}

/** The released versions the changelog lists, in its order (newest first). */
export function releasedVersions(changelog: string): string[] {
  return [...changelog.matchAll(RELEASE_HEADING)].map((match) => match[1])
}

/** The body of a version's entry: from its heading to the next heading of the same level. */
export function changelogEntry(changelog: string, version: string): string | undefined {
  const lines = changelog.split('\n')
  const start = lines.findIndex((line) => line.startsWith(`## [${version}] - `))
  if (start < 0) return undefined
  const rest = lines.slice(start + 1)
  // The entry ends at the next version's heading or at the link definitions closing the file.
  const end = rest.findIndex((line) => line.startsWith('## ') || /^\[[^\]]+\]: /.test(line))
  return (end < 0 ? rest : rest.slice(0, end)).join('\n').trim()
}

export interface ReleaseInputs {
  tag: string
  packageVersion: string
  changelog: string
}

/** Why this tag cannot be released as it stands; empty when it can. */
export function releaseProblems({ tag, packageVersion, changelog }: ReleaseInputs): string[] {
  const parsed = parseVersionTag(tag)
  if (!parsed) return [`Tag ${tag} is not a release tag: v and three numbers, e.g. v1.2.3`]
  const problems: string[] = []
  if (packageVersion !== parsed.version) {
    problems.push(`package.json says version ${packageVersion}, the tag ${tag}: bump it first`)
  }
  const entry = changelogEntry(changelog, parsed.version)
  if (entry === undefined) {
    problems.push(
      `CHANGELOG.md has no "## [${parsed.version}] - YYYY-MM-DD" entry: move Unreleased into one`
    )
  } else if (entry === '') {
    problems.push(`CHANGELOG.md's entry for ${parsed.version} is empty: it is the release's notes`)
  }
  if (releasedVersions(changelog)[0] !== parsed.version && entry !== undefined) {
    problems.push(`${parsed.version} is not the newest release in CHANGELOG.md`)
  }
  return problems
}

function main(args: string[]): number {
  const [tag, notesFile] = args
  if (!tag || !notesFile) {
    console.error('Usage: npx tsx scripts/release.ts vX.Y.Z NOTES_FILE')
    return 2
  }
  const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..')
  const changelog = readFileSync(resolve(root, 'CHANGELOG.md'), 'utf8')
  const packageVersion = (
    JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }
  ).version
  const problems = releaseProblems({ tag, packageVersion, changelog })
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem)
    return 1
  }
  writeFileSync(notesFile, `${changelogEntry(changelog, tag.slice(1))}\n`)
  console.log(parseVersionTag(tag)!.major)
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2))
}
