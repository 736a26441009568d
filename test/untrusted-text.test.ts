/**
 * Text from outside the action, through the whole run as run() prints it (gates, runner, report):
 * an alarm's StateReason, a health checker's report, a target's health description and an AWS
 * error message, each carrying workflow commands, issue none on stdout.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand
} from '@aws-sdk/client-cloudwatch'
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
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  Route53Client
} from '@aws-sdk/client-route-53'
import { mockClient } from 'aws-sdk-client-mock'
import * as dnsPacket from 'dns-packet'
import { createSocket } from 'node:dgram'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emptySide, type RecordRef } from '../src/backends/sides.js'
import { systemClock } from '../src/clock.js'
import { dnsAnswer } from '../src/gates/dns-answer.js'
import type { Gate } from '../src/gates/gate.js'
import { actionsLogger, run } from '../src/run.js'
import { runShift } from '../src/runner.js'
import { commonSettings, gateDeps, inputs, sidesWith } from './gates/deps.js'
import { FakeBackend } from './helpers/fake-backend.js'
import { expectNoForgedCommand, FORGED } from './helpers/workflow-commands.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
const LISTENER = `${ARN}:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2`
const BLUE = `${ARN}:targetgroup/shop-blue/73e2d6bc24d8a067`
const GREEN = `${ARN}:targetgroup/shop-green/2453ed029918f21f`
const LOAD_BALANCER = `${ARN}:loadbalancer/app/shop/50dc6c495c0c9188`
const HEALTH_CHECK = '7d0b4f5c-8a1e-4b8e-9d3a-0c6f2e1a9b77'

const elb = mockClient(ElasticLoadBalancingV2Client)
const cloudwatch = mockClient(CloudWatchClient)
const route53 = mockClient(Route53Client)
const savedEnv = { ...process.env }
let weights: [number, number]

function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) {
    process.env[`INPUT_${name.toUpperCase()}`] = value
  }
}

beforeEach(() => {
  for (const client of [elb, cloudwatch, route53]) client.reset()
  const dir = mkdtempSync(join(tmpdir(), 'untrusted-'))
  process.env.GITHUB_OUTPUT = join(dir, 'output')
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary')
  writeFileSync(process.env.GITHUB_OUTPUT, '')
  writeFileSync(process.env.GITHUB_STEP_SUMMARY, '')
  weights = [999, 0]
  // traffic-split is on by default: the load balancer shows no traffic and no 5XX of its own.
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] })
  // The listener's tags, as AddTags/RemoveTags leave them (the run's lease).
  const tags = new Map<string, string>()
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

afterEach(() => {
  process.env = { ...savedEnv }
  process.exitCode = undefined
  jest.restoreAllMocks()
})

const CASES: [string, Record<string, string>, () => void][] = [
  [
    'a CloudWatch alarm’s StateReason',
    { alarms: 'shop-5xx' },
    () => {
      cloudwatch.on(DescribeAlarmsCommand).resolves({
        MetricAlarms: [
          {
            AlarmName: 'shop-5xx',
            StateValue: 'ALARM',
            StateReason: FORGED,
            StateUpdatedTimestamp: new Date()
          }
        ]
      })
    }
  ],
  [
    'a Route 53 health checker’s status report',
    { 'route53-health-checks': HEALTH_CHECK },
    () => {
      route53
        .on(GetHealthCheckCommand)
        .resolves({ HealthCheck: { HealthCheckConfig: { Type: 'HTTP' } } as never })
      route53.on(GetHealthCheckStatusCommand).resolves({
        HealthCheckObservations: [
          { Region: 'us-east-1', StatusReport: { Status: FORGED, CheckedTime: new Date() } }
        ]
      })
    }
  ],
  [
    'a target’s health description',
    {},
    () => {
      elb.on(DescribeTargetHealthCommand).resolves({
        TargetHealthDescriptions: [
          {
            Target: { Id: '10.0.0.1', Port: 80 },
            TargetHealth: {
              State: 'unhealthy',
              Reason: 'Target.ResponseCodeMismatch',
              Description: FORGED
            }
          }
        ]
      })
    }
  ],
  [
    'an AWS error message',
    {},
    () => {
      elb.on(ModifyListenerCommand).rejects(
        Object.assign(new Error(FORGED), {
          name: 'ValidationError',
          $metadata: { httpStatusCode: 400, requestId: 'r-1' }
        })
      )
    }
  ]
]

/** Every line of stdout while fn runs. */
async function captureStdout(fn: () => Promise<unknown>): Promise<string> {
  const written: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk))
    return true
  })
  await fn()
  return written.join('')
}

describe('untrusted text issues no workflow command', () => {
  it.each(CASES)('%s', async (_source, gateInputs, forge) => {
    forge()
    setInputs({
      mode: 'weighted-target-groups',
      'listener-arn': LISTENER,
      'blue-target-group': BLUE,
      'green-target-group': GREEN,
      'aws-region': 'us-east-1',
      'bake-time': '0',
      'health-timeout': '2s',
      ...gateInputs
    })
    let record: Awaited<ReturnType<typeof run>>
    const stdout = await captureStdout(async () => (record = await run()))
    expect(['failed', 'rolled-back']).toContain(record?.status)
    expectNoForgedCommand(stdout)
  })
})

describe('a DNS answer (unauthenticated UDP) issues no workflow command', () => {
  it('a CNAME whose name carries commands, through the dns-answer gate and the runner', async () => {
    // Labels are bytes (up to 63 each): a spoofed answer may hold line breaks, colons, brackets.
    const cname = [
      'x\n::set-output name=status::succeeded',
      // (dns-packet drops a dot next to a line break, so none stands there)
      'y\n::stop-commands::pwn\nz',
      'see ##[add-mask]x\n::add-mask::x'
    ].join('.')
    const socket = createSocket('udp4')
    socket.on('message', (message, from) => {
      const query = dnsPacket.decode(message)
      const answers: dnsPacket.Answer[] = [
        { type: 'CNAME', name: query.questions![0].name, ttl: 60, data: `${cname}.` }
      ]
      const flags = dnsPacket.AUTHORITATIVE_ANSWER
      const response = {
        type: 'response' as const,
        id: query.id,
        flags,
        questions: query.questions,
        answers
      }
      socket.send(dnsPacket.encode(response), from.port, from.address)
    })
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    const record = (setIdentifier: string, values: string[]): RecordRef => ({
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      name: 'www.example.com',
      type: 'A',
      setIdentifier,
      values
    })
    const sides = sidesWith([], {
      blue: { ...emptySide(), records: [record('blue', ['192.0.2.10'])] },
      green: { ...emptySide(), records: [record('green', ['198.51.100.20'])] }
    })
    const settings = commonSettings({
      mode: 'dns',
      bakeMs: 300,
      healthTimeoutMs: 3000,
      checkIntervalMs: 100
    })
    const backend = new FakeBackend(0)
    const inspect = backend.inspect.bind(backend)
    backend.inspect = async () => ({ ...(await inspect()), sides })
    const { port } = socket.address()
    const gate = (): Gate => {
      const deps = { ...gateDeps({ settings, sides }), clock: systemClock, logger: actionsLogger() }
      const parsed = dnsAnswer.readInputs(
        inputs({ 'dns-resolvers': `127.0.0.1:${port}` }),
        settings
      )!
      return dnsAnswer.create(parsed, deps) as Gate
    }
    try {
      let status: string | undefined
      const stdout = await captureStdout(async () => {
        const result = await runShift({
          backend,
          gates: () => [gate()],
          clock: systemClock,
          logger: actionsLogger(),
          settings
        })
        status = result.status
      })
      expect(['failed', 'rolled-back']).toContain(status)
      expectNoForgedCommand(stdout)
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()))
    }
  })
})

describe('credentials in probe URLs', () => {
  it('are masked before anything prints, also when the input is refused', async () => {
    setInputs({
      mode: 'weighted-target-groups',
      'listener-arn': LISTENER,
      'blue-target-group': BLUE,
      'green-target-group': GREEN,
      'aws-region': 'us-east-1',
      bake_time: '1s', // an unknown input: its warning prints before the gates read theirs
      'probe-urls': 'https://deploy:hun,ter2@green.example/h?token=abc123, ftp://files.example/'
    })
    const lines = (await captureStdout(() => run())).split('\n')
    const masked = lines.filter((line) => line.startsWith('::add-mask::'))
    expect(masked).toEqual(
      expect.arrayContaining([
        '::add-mask::deploy',
        '::add-mask::hun,ter2',
        '::add-mask::token=abc123',
        '::add-mask::abc123'
      ])
    )
    const firstOther = lines.findIndex((line) => !line.startsWith('::add-mask::'))
    expect(firstOther).toBe(masked.length)
    expect(lines.slice(firstOther).join('\n')).toMatch(/::warning::.*INPUT_BAKE_TIME/)
    expect(lines.slice(firstOther).join('\n')).toContain("Input 'probe-urls'")
  })
})
