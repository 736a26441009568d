/**
 * Who and what runs this step: the fields of @actions/github's `context` that the report uses.
 * Only the context is imported; the bundle leaves Octokit out (rollup.config.mjs).
 */
import { context as actionsContext } from '@actions/github'

/** @actions/github's Context, as its `context` is built from the runner's variables. */
export type ActionsContext = typeof actionsContext

export interface GitHubContext {
  serverUrl: string
  /** owner/name, from GITHUB_REPOSITORY or else the event payload. */
  repository?: string
  /** NaN when GITHUB_RUN_ID is not set, as @actions/github gives it. */
  runId: number
  sha?: string
  actor?: string
  workflow?: string
  job?: string
}

export function readGitHubContext(source: ActionsContext = actionsContext): GitHubContext {
  return {
    serverUrl: source.serverUrl,
    repository: repositoryOf(source),
    runId: source.runId,
    sha: source.sha,
    actor: source.actor,
    workflow: source.workflow,
    job: source.job
  }
}

/** `context.repo` throws outside a runner (no GITHUB_REPOSITORY, no payload): no repository. */
function repositoryOf(source: ActionsContext): string | undefined {
  try {
    const { owner, repo } = source.repo
    return `${owner}/${repo}`
  } catch {
    return undefined
  }
}

export const context: GitHubContext = readGitHubContext()
