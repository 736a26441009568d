// How every `uses:` in this repository's workflows, examples and docs is pinned, and that each
// action appears at one version everywhere: a reader who copies the README and an example must
// not end up with two versions of one action, or with a moving tag that would run new code with
// their AWS credentials.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { releasedVersions } from '../../scripts/release.js'
import { actionPaths, examplePaths, ROOT, THIS_REPOSITORY, workflowPaths } from './files.js'

export interface UsesLine {
  /** Where it is: path:line. */
  where: string
  /** What is used, without the ref: owner/repo or owner/repo/path. */
  name: string
  ref: string
  /** The comment after it, e.g. "v6.2.4". */
  comment: string
}

const USES = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(?:#\s*(.*?))?\s*$/
const SHA = /^[0-9a-f]{40}$/
const VERSION_COMMENT = /^v\d+(\.\d+)*\b/

/** The newest release in CHANGELOG.md: what the docs pin this project's action and workflows at. */
export function latestRelease(): string {
  const [latest] = releasedVersions(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'))
  if (!latest) throw new Error('CHANGELOG.md names no release')
  return latest
}

/** The files a reader copies `uses:` lines from, and the ones this repository runs. */
export function pinnedFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`)
  return ['README.md', ...docs, ...examplePaths(), ...workflowPaths(), ...actionPaths()]
}

/** Every `uses:` line of a file (YAML, or the YAML blocks of Markdown), local ones left out. */
export function usesLines(path: string, text: string): UsesLine[] {
  const found: UsesLine[] = []
  text.split('\n').forEach((line, i) => {
    const match = USES.exec(line)
    if (!match || match[2].startsWith('./') || match[2].startsWith('docker://')) return
    const at = match[2].lastIndexOf('@')
    found.push({
      where: `${path}:${i + 1}`,
      name: at < 0 ? match[2] : match[2].slice(0, at),
      ref: at < 0 ? '' : match[2].slice(at + 1),
      comment: match[3] ?? ''
    })
  })
  return found
}

function isOwn(name: string): boolean {
  return name === THIS_REPOSITORY || name.startsWith(`${THIS_REPOSITORY}/`)
}

/**
 * Third-party actions: a full commit SHA with its version in a comment (what Dependabot updates).
 * This project's own action and reusable workflows: the newest release, as its tag (an immutable
 * release, docs/releasing.md) or as a SHA commented with it; never the moving major tag.
 */
export function pinProblem(uses: UsesLine, release: string): string | undefined {
  const shown = `${uses.name}@${uses.ref}`
  if (isOwn(uses.name)) {
    if (uses.ref === `v${release}`) return undefined
    if (SHA.test(uses.ref) && uses.comment.split(/\s/)[0] === `v${release}`) return undefined
    return `${uses.where}: ${shown} must pin the newest release, @v${release} (or its SHA # v${release})`
  }
  if (!SHA.test(uses.ref)) return `${uses.where}: ${shown} is not pinned by a full commit SHA`
  if (!VERSION_COMMENT.test(uses.comment)) {
    return `${uses.where}: ${shown} needs a version comment (# vX.Y.Z)`
  }
  return undefined
}

/** Each action at one version: its SHA and version comment the same on every line. */
export function versionConflicts(lines: readonly UsesLine[]): string[] {
  const versions = new Map<string, Map<string, string[]>>()
  for (const uses of lines) {
    // This project's action and its workflows are one release: pinned together.
    const key = isOwn(uses.name) ? THIS_REPOSITORY : uses.name
    const version = `${uses.ref}${uses.comment ? ` # ${uses.comment.split(/\s/)[0]}` : ''}`
    const seen = versions.get(key) ?? new Map<string, string[]>()
    seen.set(version, [...(seen.get(version) ?? []), uses.where])
    versions.set(key, seen)
  }
  return [...versions]
    .filter(([, seen]) => seen.size > 1)
    .map(
      ([name, seen]) =>
        `${name} at ${seen.size} versions: ` +
        [...seen].map(([version, where]) => `@${version} (${where.join(', ')})`).join('; ')
    )
}
