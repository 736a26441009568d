import { describe, expect, it } from '@jest/globals'
import { readGitHubContext } from '../src/github-context.js'

describe('readGitHubContext', () => {
  it('reads the runner variables @actions/github reads for these fields', () => {
    expect(
      readGitHubContext({
        GITHUB_SERVER_URL: 'https://ghe.example.com',
        GITHUB_RUN_ID: '42',
        GITHUB_SHA: 'c0ffee',
        GITHUB_ACTOR: 'octocat',
        GITHUB_WORKFLOW: 'deploy',
        GITHUB_JOB: 'shift'
      })
    ).toEqual({
      serverUrl: 'https://ghe.example.com',
      runId: 42,
      sha: 'c0ffee',
      actor: 'octocat',
      workflow: 'deploy',
      job: 'shift'
    })
  })

  it('defaults to github.com and leaves the rest unset outside a runner', () => {
    const context = readGitHubContext({})
    expect(context.serverUrl).toBe('https://github.com')
    expect(context.runId).toBeNaN()
    expect(context.sha).toBeUndefined()
  })
})
