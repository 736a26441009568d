import { afterEach, describe, expect, it } from '@jest/globals'
import { type App, startApp } from '../../sandbox/app.js'

let app: App | undefined

afterEach(async () => {
  await app?.close()
  app = undefined
})

async function statuses(url: string, n: number): Promise<number[]> {
  const found: number[] = []
  for (let i = 0; i < n; i += 1) found.push((await fetch(url)).status)
  return found
}

describe('sandbox app failure rate', () => {
  it('fails about the share asked of requests, never its health checks', async () => {
    app = await startApp({ version: 'v2' })
    app.setFailureRate(0.2)
    const answers = await statuses(`${app.url}/`, 400)
    const failed = answers.filter((status) => status === 500).length
    // Binomial(400, 0.2): mean 80, sd 8; the seeded draws make this exact run to run.
    expect(failed).toBeGreaterThan(48)
    expect(failed).toBeLessThan(112)
    expect(answers.every((status) => status === 200 || status === 500)).toBe(true)
    expect(await statuses(`${app.url}/health`, 50)).toEqual(Array(50).fill(200))
  })

  it('fails nothing at 0 and everything at 1, and refuses a share outside 0-1', async () => {
    app = await startApp({ version: 'v1' })
    expect(await statuses(`${app.url}/`, 20)).toEqual(Array(20).fill(200))
    app.setFailureRate(1)
    expect(await statuses(`${app.url}/`, 20)).toEqual(Array(20).fill(500))
    expect(() => app!.setFailureRate(1.5)).toThrow(RangeError)
  })
})
