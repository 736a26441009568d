import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import {
  AddTagsCommand,
  DescribeListenersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  RemoveTagsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { Route53Client } from '@aws-sdk/client-route-53'
import { mockClient } from 'aws-sdk-client-mock'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeError } from '../src/errors.js'
import { run } from '../src/run.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
const LISTENER = `${ARN}:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2`
const BLUE = `${ARN}:targetgroup/shop-blue/73e2d6bc24d8a067`
const GREEN = `${ARN}:targetgroup/shop-green/2453ed029918f21f`
const LOAD_BALANCER = `${ARN}:loadbalancer/app/shop/50dc6c495c0c9188`

const elb = mockClient(ElasticLoadBalancingV2Client)
const cloudwatch = mockClient(CloudWatchClient)
const route53 = mockClient(Route53Client)

const GOOD: Record<string, string> = {
  mode: 'weighted-target-groups',
  'listener-arn': LISTENER,
  'blue-target-group': BLUE,
  'green-target-group': GREEN,
  'aws-region': 'us-east-1'
}

let outputFile: string
let summaryFile: string
const savedEnv = { ...process.env }

function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) {
    process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
}

/** Outputs as @actions/core writes them to GITHUB_OUTPUT (name<<delimiter … delimiter). */
function outputs(): Record<string, string> {
  const text = readFileSync(outputFile, 'utf8')
  const found: Record<string, string> = {}
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    found[match[1]] = match[3]
  return found
}

beforeEach(() => {
  elb.reset()
  cloudwatch.reset()
  // traffic-split is on by default: the load balancer shows no traffic and no 5XX of its own.
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] })
  route53.reset()
  const dir = mkdtempSync(join(tmpdir(), 'run-test-'))
  outputFile = join(dir, 'output')
  summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  process.env.GITHUB_OUTPUT = outputFile
  process.env.GITHUB_STEP_SUMMARY = summaryFile
})

afterEach(() => {
  process.env = { ...savedEnv }
  process.exitCode = undefined
})

describe('run: bad input is refused before any AWS call', () => {
  it.each([
    [{ mode: 'blue-green' }, 'mode'],
    [{ traffic: '150' }, 'traffic'],
    [{ steps: '50,25' }, 'steps'],
    [{ steps: 'Canary10Percent' }, 'steps'],
    [{ 'bake-time': '10' }, 'bake-time'],
    [{ 'listener-arn': BLUE }, 'listener-arn'],
    [{ 'green-target-group': BLUE }, 'green-target-group'],
    [{ 'stickiness-duration': '999999s' }, 'stickiness-duration'],
    [{ 'probe-urls': 'ftp://example.com' }, 'probe-urls'],
    [
      {
        'rule-arn': `${ARN}:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`
      },
      'rule-arn'
    ],
    [{ 'min-healthy-percent': '0' }, 'min-healthy-percent'],
    [{ 'blue-target-group': '' }, 'blue-target-group'],
    [{ 'break-lease': 'yes please' }, 'break-lease']
  ])('%j fails naming %s', async (bad, input) => {
    setInputs({ ...GOOD, ...bad })
    const written: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk))
      return true
    })
    const record = await run().finally(() => spy.mockRestore())
    const error = written.find((line) => line.startsWith('::error::')) ?? ''
    expect(error).toContain(`Input '${input}' has an invalid value`)
    expect(error).toContain('expected')
    expect(record).toBeUndefined()
    expect(process.exitCode).toBe(1)
    expect(outputs().status).toBe('failed')
    expect(elb.calls()).toHaveLength(0)
    expect(cloudwatch.calls()).toHaveLength(0)
    expect(route53.calls()).toHaveLength(0)
  })
})

describe('run: a whole run through the SDK boundary', () => {
  let weights: [number, number]
  let tags: Map<string, string>

  beforeEach(() => {
    weights = [999, 0]
    // The listener's tags, as AddTags/RemoveTags leave them (the lease).
    tags = new Map()
    elb.on(DescribeTagsCommand).callsFake(() => ({
      TagDescriptions: [
        { ResourceArn: LISTENER, Tags: [...tags].map(([Key, Value]) => ({ Key, Value })) }
      ]
    }))
    elb.on(AddTagsCommand).callsFake((input) => {
      for (const { Key, Value } of input.Tags) tags.set(Key, Value)
      return {}
    })
    elb.on(RemoveTagsCommand).callsFake((input) => {
      for (const key of input.TagKeys) tags.delete(key)
      return {}
    })
    const group = (arn: string) => ({
      TargetGroupArn: arn,
      TargetType: 'ip' as const,
      Protocol: 'HTTP' as const,
      LoadBalancerArns: [LOAD_BALANCER]
    })
    elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [group(BLUE), group(GREEN)] })
    elb.on(DescribeListenersCommand).callsFake(() => ({
      Listeners: [
        {
          ListenerArn: LISTENER,
          LoadBalancerArn: LOAD_BALANCER,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: BLUE, Weight: weights[0] },
                  { TargetGroupArn: GREEN, Weight: weights[1] }
                ]
              }
            }
          ]
        }
      ]
    }))
    elb.on(ModifyListenerCommand).callsFake((input) => {
      const groups = input.DefaultActions[0].ForwardConfig.TargetGroups
      weights = [groups[0].Weight, groups[1].Weight]
      return {}
    })
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: '10.0.0.1', Port: 80 }, TargetHealth: { State: 'healthy' } }
      ]
    })
  })

  it('shifts to the requested split and reports it in outputs and the summary', async () => {
    setInputs({ ...GOOD, traffic: '50', 'bake-time': '0' })
    Object.assign(process.env, {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'octo/shop',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2'
    })
    const record = await run()
    expect(record?.status).toBe('succeeded')
    expect(weights).toEqual([500, 500])
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(3)
    // The lease is released; the listener says which run moved it last.
    const url = 'https://github.com/octo/shop/actions/runs/42/attempts/2'
    expect(tags.get('traffic-shift:last-moved-by')).toBe(url)
    expect(tags.get('traffic-shift:last-outcome')).toBe('succeeded')
    expect(tags.has('traffic-shift:lease-holder')).toBe(false)
    const out = outputs()
    expect(out['run-url']).toBe(url)
    expect(out.status).toBe('succeeded')
    expect(out.traffic).toBe('50')
    expect(out['steps-applied']).toBe('3')
    expect(JSON.parse(out.report).status).toBe('succeeded')
    expect(readFileSync(summaryFile, 'utf8')).toContain('```mermaid')
    expect(process.exitCode).toBeUndefined()
  })

  it('makes no mutating call in dry-run', async () => {
    setInputs({ ...GOOD, 'dry-run': 'true' })
    const record = await run()
    expect(record?.status).toBe('planned')
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0)
    expect(record?.plannedCalls.map((call) => call.operation)).toEqual([
      'ModifyListener',
      'ModifyListener',
      'ModifyListener',
      'ModifyListener'
    ])
    expect(outputs().status).toBe('planned')
  })

  it('fails the step with an annotation when a gate rolls the run back', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        {
          Target: { Id: '10.0.0.1', Port: 80 },
          TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch' }
        }
      ]
    })
    setInputs({ ...GOOD, 'bake-time': '0' })
    const record = await run()
    expect(record?.status).toBe('failed')
    expect(weights).toEqual([999, 0])
    expect(process.exitCode).toBe(1)
    expect(record?.failure).toContain('Target.ResponseCodeMismatch')
  })
})

describe('run: mistakes are named before any AWS call', () => {
  it('warns about an input that does not exist, naming the one meant', async () => {
    setInputs({ ...GOOD, 'dry-run': 'true' })
    process.env.INPUT_BAKE_TIME = '3s' // bake_time, as the runner passes an underscore name
    const written: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk))
      return true
    })
    await run().finally(() => spy.mockRestore())
    const warning = written.find((line) => line.startsWith('::warning::')) ?? ''
    expect(warning).toContain('INPUT_BAKE_TIME')
    expect(warning).toContain('did you mean bake-time?')
  })

  it('reads the settings block, an input overriding it', async () => {
    setInputs({
      settings: `mode: weighted-target-groups\nlistener-arn: ${LISTENER}\nblue-target-group: ${BLUE}\ngreen-target-group: ${GREEN}\ntraffic-x: 1`,
      'aws-region': 'us-east-1'
    })
    const written: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk))
      return true
    })
    const record = await run().finally(() => spy.mockRestore())
    // An unknown key in the block fails the run before any AWS call, naming the closest input.
    expect(record).toBeUndefined()
    expect(written.join('')).toContain('traffic-x')
    expect(elb.calls()).toHaveLength(0)
  })

  it('names configure-aws-credentials when the SDK finds no credentials', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError'
    })
    expect(describeError(error)).toContain('aws-actions/configure-aws-credentials')
  })
})
