import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { context } from '@actions/github'
import { type ActionsContext, readGitHubContext } from '../src/github-context.js'

const savedEnv = { ...process.env }
afterEach(() => {
  process.env = { ...savedEnv }
})

/** A fresh @actions/github Context, built from process.env as the runner sets it. */
function contextFrom(env: Record<string, string>): ActionsContext {
  for (const name of Object.keys(process.env))
    if (name.startsWith('GITHUB_')) delete process.env[name]
  Object.assign(process.env, env)
  return new (context.constructor as new () => ActionsContext)()
}

describe('readGitHubContext', () => {
  it('reads the run from @actions/github’s context', () => {
    const source = contextFrom({
      GITHUB_SERVER_URL: 'https://ghe.example.com',
      GITHUB_REPOSITORY: 'octo/shop',
      GITHUB_RUN_ID: '42',
      GITHUB_SHA: 'c0ffee',
      GITHUB_ACTOR: 'octocat',
      GITHUB_WORKFLOW: 'deploy',
      GITHUB_JOB: 'shift'
    })
    expect(readGitHubContext(source)).toEqual({
      serverUrl: 'https://ghe.example.com',
      repository: 'octo/shop',
      runId: 42,
      sha: 'c0ffee',
      actor: 'octocat',
      workflow: 'deploy',
      job: 'shift'
    })
  })

  it('takes the repository from the event payload when GITHUB_REPOSITORY is not set', () => {
    const event = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
    writeFileSync(event, JSON.stringify({ repository: { name: 'shop', owner: { login: 'octo' } } }))
    expect(readGitHubContext(contextFrom({ GITHUB_EVENT_PATH: event })).repository).toBe(
      'octo/shop'
    )
  })

  it('defaults to github.com and leaves the rest unset outside a runner', () => {
    const read = readGitHubContext(contextFrom({}))
    expect(read.serverUrl).toBe('https://github.com')
    expect(read.repository).toBeUndefined()
    expect(read.runId).toBeNaN()
    expect(read.sha).toBeUndefined()
  })
})
