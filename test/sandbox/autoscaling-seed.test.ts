/**
 * Instances Auto Scaling launches run apps seeded from the sandbox's seed (and their launch
 * number), like the scenarios' apps: one seed repeats a run, another seed fails other requests.
 */
import { describe, expect, it } from '@jest/globals'
import { startSandbox } from '../../sandbox/index.js'

/** Which of 60 direct requests the first launched instance's app fails, at a 50 % failure rate. */
async function failurePattern(seed: number): Promise<string> {
  const sandbox = await startSandbox({ timeScale: 0.01, seed })
  try {
    sandbox.autoscaling.createGroup('web', [], {
      launchTemplate: { version: 'v2', bootSeconds: 1 }
    })
    const id = await sandbox.autoscaling.scaleOut('web')
    const app = sandbox.autoscaling.appOf(id)!
    app.setFailureRate(0.5)
    let pattern = ''
    for (let i = 0; i < 60; i += 1) {
      const response = await fetch(app.url)
      await response.arrayBuffer()
      pattern += response.status === 500 ? 'x' : '.'
    }
    return pattern
  } finally {
    await sandbox.close()
  }
}

describe('Auto Scaling launches seeded apps', () => {
  it('repeats the failures for one seed and draws others for another seed', async () => {
    const [first, again, other] = [
      await failurePattern(7),
      await failurePattern(7),
      await failurePattern(8)
    ]
    expect(first).toMatch(/x/)
    expect(again).toBe(first)
    expect(other).not.toBe(first)
  })
})
