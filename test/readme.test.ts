import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { format, resolveConfig } from 'prettier'
import { withActionTables } from '../scripts/action-docs.js'

describe('README.md', () => {
  const readme = readFileSync('README.md', 'utf8')

  it('has the input and output tables action.yml generates (run `npm run docs`)', async () => {
    const options = { ...(await resolveConfig('README.md')), filepath: 'README.md' }
    const expected = await format(
      withActionTables(readme, readFileSync('action.yml', 'utf8')),
      options
    )
    expect(readme).toBe(expected)
  })

  it('shows exactly the IAM policy in docs/iam-policy.json', () => {
    const section = readme.slice(
      readme.indexOf('## IAM policy'),
      readme.indexOf('## Try it locally')
    )
    const shown = /```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '{}'
    expect(JSON.parse(shown)).toEqual(JSON.parse(readFileSync('docs/iam-policy.json', 'utf8')))
  })

  it('gives the test command that .ci/run calls', () => {
    expect(readme).toContain('npm test')
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm test$/m)
  })
})
