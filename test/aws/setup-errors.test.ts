import { afterEach, describe, expect, it } from '@jest/globals'
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setupErrorMessage } from '../../src/aws/setup-errors.js'
import { AwsCallError } from '../../src/errors.js'

const saved = { ...process.env }

/** An environment where the SDK finds no region and no credentials anywhere, offline. */
function bareEnvironment(): void {
  const empty = mkdtempSync(join(tmpdir(), 'no-aws-'))
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name]
  process.env.AWS_CONFIG_FILE = join(empty, 'config')
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(empty, 'credentials')
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
}

/** What the real SDK throws for one call in the bare environment. */
async function sdkError(config: { region?: string }): Promise<unknown> {
  try {
    await new ElasticLoadBalancingV2Client(config).send(new DescribeListenersCommand({}))
  } catch (error) {
    return error
  }
  throw new Error('the call was expected to fail')
}

afterEach(() => {
  process.env = { ...saved }
})

describe('setupErrorMessage', () => {
  it("rewrites the SDK's missing-credentials error to name configure-aws-credentials and the OIDC guide", async () => {
    bareEnvironment()
    const error = await sdkError({ region: 'us-east-1' })
    expect((error as Error).message).toMatch(/Could not load credentials/)
    const message = setupErrorMessage(error)
    expect(message).toContain('aws-actions/configure-aws-credentials')
    expect(message).toContain('docs/oidc.md')
    expect(message).toContain('id-token: write')
    expect(message).toContain('(The SDK said: Could not load credentials from any providers)')
  })

  it("rewrites the SDK's missing-region error to name aws-region and AWS_REGION", async () => {
    bareEnvironment()
    const error = await sdkError({})
    expect((error as Error).message).toBe('Region is missing')
    const message = setupErrorMessage(error)
    expect(message).toContain("the action's aws-region input")
    expect(message).toContain('AWS_REGION')
  })

  it('finds the setup error inside the AwsCallError that wraps it', async () => {
    bareEnvironment()
    const wrapped = new AwsCallError('DescribeListeners', 'listener-arn', await sdkError({}))
    expect(setupErrorMessage(wrapped)).toContain('aws-region')
  })

  it('leaves every other error alone', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })
    expect(setupErrorMessage(throttled)).toBeUndefined()
    expect(setupErrorMessage(new AwsCallError('ModifyListener', 'x', throttled))).toBeUndefined()
    expect(setupErrorMessage('Region is missing')).toBeUndefined()
    expect(setupErrorMessage(undefined)).toBeUndefined()
  })
})
