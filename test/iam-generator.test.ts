import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  covers,
  literalInArn,
  normalizedRecordName,
  type Policy,
  type Statement,
  scopedPolicy
} from '../scripts/iam-policy-scope.js'
import { MODE_NAMES } from '../src/backends/index.js'
import { genericPolicy, main, parseFlags, readerOf, scopeOf } from '../scripts/iam-policy.js'

const GENERIC = genericPolicy('.')
const LISTENER =
  'arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shop/50dc6c49/f2f7dc8e'
const RULE =
  'arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/app/shop/50dc6c49/f2f7dc8e/9683b2d0'
const tg = (name: string, partition = 'aws', region = 'eu-west-1') =>
  `arn:${partition}:elasticloadbalancing:${region}:111122223333:targetgroup/${name}/0123456789abcdef`
const HEALTH_CHECK = '7d0b4f5c-8a1e-4b8e-9d3a-0c6f2e1a9b77'

/** The policy for these inputs, as the script prints it. */
function policyFor(inputs: Record<string, string>): Policy {
  const args = Object.entries(inputs).flatMap(([name, value]) => [`--${name}`, value])
  const { code, out } = main(args, '.')
  if (code !== 0) throw new Error(out)
  return JSON.parse(out) as Policy
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value])
const bySid = (policy: Policy, sid: string): Statement | undefined =>
  policy.Statement.find((statement) => statement.Sid === sid)

const WEIGHTED = {
  mode: 'weighted-target-groups',
  'listener-arn': LISTENER,
  'blue-target-group': tg('blue'),
  'green-target-group': tg('green')
}
const TARGETS = {
  mode: 'targets',
  'target-group-arn': tg('shop', 'aws-cn', 'cn-north-1'),
  'blue-auto-scaling-group': 'shop-blue',
  'green-auto-scaling-group': 'shop-green*',
  'traffic-split': 'off'
}
const DNS = {
  mode: 'dns',
  'hosted-zone-id': '/hostedzone/Z0123456789ABC',
  'record-name': 'Shop.Example.com.',
  'record-type': 'aaaa',
  'route53-health-checks': HEALTH_CHECK.toUpperCase()
}

/** Each input set with every resource ARN its inputs name (and nothing the generic lacks). */
const CASES: [string, Record<string, string>, string[]][] = [
  ['a listener', WEIGHTED, [LISTENER]],
  ['a rule', { ...WEIGHTED, 'listener-arn': '', 'rule-arn': RULE }, [RULE]],
  [
    'a target group and Auto Scaling groups in aws-cn',
    TARGETS,
    [
      tg('shop', 'aws-cn', 'cn-north-1'),
      'arn:aws-cn:autoscaling:cn-north-1:111122223333:autoScalingGroup:*:autoScalingGroupName/shop-blue',
      'arn:aws-cn:autoscaling:cn-north-1:111122223333:autoScalingGroup:*:autoScalingGroupName/shop-green${*}'
    ]
  ],
  [
    'a record and a health check',
    DNS,
    ['arn:*:route53:::hostedzone/Z0123456789ABC', `arn:*:route53:::healthcheck/${HEALTH_CHECK}`]
  ]
]

/** What cannot be named in advance: reads with no resource type, and Route 53 change ids. */
const UNNAMEABLE: Record<string, string[]> = {
  ReadTrafficAndHealth: ['*'],
  ReadAlbMetrics: ['*'],
  WatchDnsChanges: ['arn:*:route53:::change/*']
}

describe('npm run iam-policy: the generic policy scoped to the inputs', () => {
  it.each(CASES)('keeps each statement’s actions and names only %s', (_what, inputs, named) => {
    const policy = policyFor(inputs)
    expect(policy.Version).toBe(GENERIC.Version)
    for (const statement of policy.Statement) {
      const generic = bySid(GENERIC, statement.Sid)
      expect(generic).toBeDefined()
      expect(statement.Action).toEqual(generic!.Action)
      expect(statement.Effect).toBe('Allow')
      const allowed = [...named, ...(UNNAMEABLE[statement.Sid] ?? [])]
      expect(list(statement.Resource).filter((r) => !allowed.includes(r))).toEqual([])
    }
    // Every resource the inputs name is granted somewhere.
    const granted = policy.Statement.flatMap((statement) => list(statement.Resource))
    expect(named.filter((arn) => !granted.includes(arn))).toEqual([])
  })

  it('moves a listener: its weights and its lease, nothing of targets, DNS or Auto Scaling', () => {
    const policy = policyFor(WEIGHTED)
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      'ReadTrafficAndHealth',
      'ReadAlbMetrics',
      'ShiftListenerWeights',
      'HoldTheLease'
    ])
    expect(bySid(policy, 'ShiftListenerWeights')!.Resource).toBe(LISTENER)
    expect(bySid(policy, 'HoldTheLease')).toMatchObject({
      Resource: LISTENER,
      Condition: bySid(GENERIC, 'HoldTheLease')!.Condition
    })
  })

  it('drops the ALB metrics read only when traffic-split is off and canary-analysis too', () => {
    const off = { ...WEIGHTED, 'traffic-split': 'off' }
    expect(bySid(policyFor(off), 'ReadAlbMetrics')).toBeUndefined()
    expect(bySid(policyFor({ ...off, 'canary-analysis': 'on' }), 'ReadAlbMetrics')).toBeDefined()
  })

  it('hands over only the named groups, and only to the target group moved', () => {
    const policy = policyFor(TARGETS)
    const handOver = bySid(policy, 'HandOverAutoScalingGroups')!
    expect(handOver.Condition).toEqual({
      'ForAllValues:ArnEquals': { 'autoscaling:TargetGroupARNs': [TARGETS['target-group-arn']] },
      'ForAllValues:StringEquals': {
        'autoscaling:TrafficSourceIdentifiers': [TARGETS['target-group-arn']]
      }
    })
    expect(bySid(policy, 'MoveTargets')!.Resource).toBe(TARGETS['target-group-arn'])
    expect(bySid(policy, 'ShiftListenerWeights')).toBeUndefined()
    const listed = {
      ...TARGETS,
      'green-auto-scaling-group': '',
      'green-targets': 'i-0123456789abcdef0'
    }
    expect(list(bySid(policyFor(listed), 'HandOverAutoScalingGroups')!.Resource)).toHaveLength(1)
    const none = { ...listed, 'blue-auto-scaling-group': '', 'blue-targets': 'i-0123456789abcdef1' }
    expect(bySid(policyFor(none), 'HandOverAutoScalingGroups')).toBeUndefined()
  })

  it('changes only the record, its lease TXT, their two types, with CREATE and DELETE', () => {
    const policy = policyFor(DNS)
    const shift = bySid(policy, 'ShiftDnsWeights')!
    expect(shift.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsActions': ['CREATE', 'DELETE'],
        'route53:ChangeResourceRecordSetsRecordTypes': ['AAAA', 'TXT'],
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
          'shop.example.com',
          '_traffic-shift.shop.example.com'
        ]
      }
    })
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('HoldTheLease')
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('MoveTargets')
  })
})

describe('inputs are the action’s own', () => {
  it.each([
    [
      { ...WEIGHTED, 'listener-arn': LISTENER.replace(':listener/', ':loadbalancer/') },
      "Input 'listener-arn' has an invalid value"
    ],
    [{ ...WEIGHTED, 'green-target-group': tg('green', 'aws', 'us-east-1') }, 'green-target-group'],
    [{ ...DNS, 'record-type': 'MX' }, 'Input \'record-type\' has an invalid value "MX"'],
    [{ ...TARGETS, 'green-auto-scaling-group': 'shop-blue' }, 'green-auto-scaling-group'],
    [{ mode: 'blue-green' }, 'Input \'mode\' has an invalid value "blue-green"']
  ])('refuses what the action refuses, naming the input (%#)', (inputs, message) => {
    const args = Object.entries(inputs).flatMap(([name, value]) => [`--${name}`, value])
    const { code, out } = main(args, '.')
    expect(code).toBe(2)
    expect(out).toContain(message)
  })

  it('reads a settings file as the settings block, a flag winning over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iam-policy-'))
    const file = join(dir, 'shift.yml')
    writeFileSync(
      file,
      Object.entries(WEIGHTED)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')
    )
    const fromFile = main(['--settings-file', file], '.')
    expect(JSON.parse(fromFile.out)).toEqual(policyFor(WEIGHTED))
    const overridden = main(['--settings-file', file, `--listener-arn=${LISTENER}9`], '.')
    expect(bySid(JSON.parse(overridden.out) as Policy, 'HoldTheLease')!.Resource).toBe(
      `${LISTENER}9`
    )
    writeFileSync(file, 'traffic: 50\n')
    expect(main(['--settings-file', file], '.').out).toContain("Input 'settings'")
  })

  it('finds a relative settings file where npm run was started, not in the package root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iam-policy-'))
    writeFileSync(
      join(dir, 'shift.yml'),
      Object.entries(DNS)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')
    )
    const before = process.env.INIT_CWD
    process.env.INIT_CWD = dir
    try {
      expect(main(['--settings-file', 'shift.yml'], '.')).toMatchObject({ code: 0 })
      expect(main(['--settings-file', 'other.yml'], '.')).toEqual({
        code: 2,
        out: '--settings-file other.yml: ENOENT'
      })
    } finally {
      if (before === undefined) delete process.env.INIT_CWD
      else process.env.INIT_CWD = before
    }
  })

  it('refuses a flag that is no input, one given twice, one with no value', () => {
    expect(() => parseFlags(['--listener-ar', 'x'])).toThrow('did you mean listener-arn')
    expect(() => parseFlags(['--settings', 'x'])).toThrow('not an input')
    expect(() => parseFlags(['--alarms', 'a', '--alarms', 'b'])).toThrow('given twice')
    expect(() => parseFlags(['--mode'])).toThrow('needs a value')
    expect(() => parseFlags(['mode', 'dns'])).toThrow('not a --flag')
    expect(parseFlags(['--steps=10,50', '--mode', 'dns'])).toEqual(
      new Map([
        ['steps', '10,50'],
        ['mode', 'dns']
      ])
    )
  })

  it('takes the partition, region and account from the ARNs, and none from the shell', () => {
    const before = process.env.AWS_REGION
    process.env.AWS_REGION = 'us-west-2'
    try {
      const scope = scopeOf(readerOf(new Map(Object.entries(TARGETS))))
      expect(scope).toMatchObject({
        partition: 'aws-cn',
        region: 'cn-north-1',
        account: '111122223333'
      })
    } finally {
      if (before === undefined) delete process.env.AWS_REGION
      else process.env.AWS_REGION = before
    }
  })
})

describe('the generic and the scoped policy cannot drift apart', () => {
  it('scopes every mode the action knows (a new mode needs its scope and a case here)', () => {
    const covered = new Set(CASES.map(([, inputs]) => inputs.mode))
    expect([...MODE_NAMES].sort()).toEqual([...covered].sort())
  })

  const scope = scopeOf(readerOf(new Map(Object.entries(TARGETS))))
  const withStatement = (change: (s: Statement[]) => Statement[]): Policy => ({
    ...GENERIC,
    Statement: change(structuredClone(GENERIC.Statement))
  })

  it('refuses a generic statement it has no rule for', () => {
    const added = withStatement((s) => [
      ...s,
      {
        Sid: 'NewWrite',
        Effect: 'Allow',
        Action: 'elasticloadbalancing:SetRulePriorities',
        Resource: '*'
      }
    ])
    expect(() => scopedPolicy(added, scope)).toThrow('NewWrite')
  })

  it('refuses a resource the generic statement does not cover', () => {
    const narrower = withStatement((s) =>
      s.map((statement) =>
        statement.Sid === 'MoveTargets'
          ? { ...statement, Resource: 'arn:*:elasticloadbalancing:*:*:targetgroup/other-*' }
          : statement
      )
    )
    expect(() => scopedPolicy(narrower, scope)).toThrow('MoveTargets')
  })

  it('refuses a condition value the generic statement does not allow', () => {
    const dnsScope = scopeOf(readerOf(new Map(Object.entries(DNS))))
    const noTxt = withStatement((s) =>
      s.map((statement) =>
        statement.Sid === 'ShiftDnsWeights'
          ? {
              ...statement,
              Condition: {
                'ForAllValues:StringEquals': {
                  ...statement.Condition!['ForAllValues:StringEquals'],
                  'route53:ChangeResourceRecordSetsRecordTypes': ['A', 'AAAA', 'CNAME']
                }
              }
            }
          : statement
      )
    )
    expect(() => scopedPolicy(noTxt, dnsScope)).toThrow('RecordTypes')
  })
})

describe('helpers', () => {
  it('normalizes record names as Route 53 documents for the condition key', () => {
    expect(normalizedRecordName('Shop.Example.COM.')).toBe('shop.example.com')
    expect(normalizedRecordName('*.a_b-c.example.com')).toBe('\\052.a_b-c.example.com')
    expect(normalizedRecordName('a b.example.com')).toBe('a\\040b.example.com')
  })

  it('writes wildcards of a name as IAM literals, and matches IAM patterns', () => {
    expect(literalInArn('web*blue?$')).toBe('web${*}blue${?}${$}')
    expect(covers('arn:*:route53:::hostedzone/*', 'arn:aws:route53:::hostedzone/Z1')).toBe(true)
    expect(covers('arn:*:route53:::hostedzone/*', 'arn:aws:route53:::healthcheck/Z1')).toBe(false)
    expect(covers('a?c', 'abc')).toBe(true)
    expect(covers('a.c', 'abc')).toBe(false)
  })
})
