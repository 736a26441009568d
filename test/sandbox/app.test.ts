import { afterEach, describe, expect, it } from '@jest/globals'
import { type App, startApp } from '../../sandbox/app.js'
import { startSandbox } from '../../sandbox/index.js'
import { createBlueGreen } from '../../sandbox/scenario.js'

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

/** Which of 60 direct requests each app of a seeded sandbox's scenario fails, at a 50 % rate. */
async function failurePatterns(seed: number): Promise<Record<string, string>> {
  const sandbox = await startSandbox({ seed, timeScale: 0.05 })
  try {
    const scenario = await createBlueGreen(sandbox, { targetsPerColor: 2, waitForHealthy: false })
    try {
      const patterns: Record<string, string> = {}
      for (const color of ['blue', 'green'] as const) {
        for (const [index, each] of scenario[color].apps.entries()) {
          each.setFailureRate(0.5)
          const answers = await statuses(`${each.url}/`, 60)
          patterns[`${color}${index}`] = answers
            .map((status) => (status === 500 ? 'x' : '.'))
            .join('')
        }
      }
      return patterns
    } finally {
      await scenario.close()
    }
  } finally {
    await sandbox.close()
  }
}

describe('sandbox app failure draws', () => {
  it('repeat for one sandbox seed and differ across seeds and across apps of a version', async () => {
    const first = await failurePatterns(7)
    expect(await failurePatterns(7)).toEqual(first)
    const other = await failurePatterns(8)
    for (const app of Object.keys(first)) expect(other[app]).not.toEqual(first[app])
    // Two apps of one version behind one group must not fail in lockstep either.
    expect(first.blue0).not.toEqual(first.blue1)
    expect(first.green0).not.toEqual(first.green1)
  })

  it('seeds a bare app from its seed, version and index', async () => {
    const pattern = async (options: { version: string; seed?: number; index?: number }) => {
      const started = await startApp(options)
      try {
        started.setFailureRate(0.5)
        return await statuses(`${started.url}/`, 40)
      } finally {
        await started.close()
      }
    }
    const base = await pattern({ version: 'v2', seed: 3, index: 0 })
    expect(await pattern({ version: 'v2', seed: 3, index: 0 })).toEqual(base)
    expect(await pattern({ version: 'v2', seed: 4, index: 0 })).not.toEqual(base)
    expect(await pattern({ version: 'v2', seed: 3, index: 1 })).not.toEqual(base)
    expect(await pattern({ version: 'v1', seed: 3, index: 0 })).not.toEqual(base)
  })
})
