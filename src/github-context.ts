/**
 * Who and what runs this step, from the variables the runner sets: the fields of
 * @actions/github's `context` that the report uses, with the same defaults. Read here rather
 * than through @actions/github, which loads Octokit (and parses the event payload file) on
 * import, only for these seven variables.
 */
export interface GitHubContext {
  serverUrl: string
  /** owner/name, from GITHUB_REPOSITORY (which @actions/github splits into `repo`). */
  repository?: string
  /** NaN when GITHUB_RUN_ID is not set, as @actions/github gives it. */
  runId: number
  sha?: string
  actor?: string
  workflow?: string
  job?: string
}

export function readGitHubContext(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  return {
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    repository: env.GITHUB_REPOSITORY,
    runId: Number.parseInt(env.GITHUB_RUN_ID ?? '', 10),
    sha: env.GITHUB_SHA,
    actor: env.GITHUB_ACTOR,
    workflow: env.GITHUB_WORKFLOW,
    job: env.GITHUB_JOB
  }
}

export const context: GitHubContext = readGitHubContext()
