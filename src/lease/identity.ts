import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { RunIdentity } from './lease.js'

/**
 * The run's URL with its attempt (a re-run is another run: it must not pass for the first), from
 * the variables the runner sets; outside Actions, the host and process.
 */
export function runUrlOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT } = env
  if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined
  const server = GITHUB_SERVER_URL || 'https://github.com'
  const attempt = GITHUB_RUN_ATTEMPT ? `/attempts/${GITHUB_RUN_ATTEMPT}` : ''
  return `${server}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}${attempt}`
}

export function runIdentity(env: NodeJS.ProcessEnv = process.env): RunIdentity {
  return {
    runUrl: runUrlOf(env) ?? `local:${hostname()}:${process.pid}`,
    leaseId: randomUUID()
  }
}
