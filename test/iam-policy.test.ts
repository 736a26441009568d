import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { RECORD_TYPES } from '../src/backends/dns-settings.js'
import { TAG_PREFIX } from '../src/lease/elb-tag-lease.js'

/** The IAM prefix of each SDK client the action may import. */
const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-route-53': 'route53',
  '@aws-sdk/client-auto-scaling': 'autoscaling'
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : []
  )
}

/**
 * Every "service:Operation" a source text sends: a Command imported from a client (by name, under
 * an alias, or through a namespace import) and constructed.
 */
export function actionsSentBy(file: string, text: string): Set<string> {
  const sent = new Set<string>()
  const prefixOf = (module: string): string => {
    const prefix = IAM_PREFIX[module]
    if (!prefix) throw new Error(`${file} imports ${module}, which has no IAM prefix here`)
    return prefix
  }
  for (const match of text.matchAll(
    /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g
  )) {
    const prefix = prefixOf(match[2])
    for (const name of match[1].split(',').map((part) => part.trim())) {
      const command = /^(?:type\s+)?([A-Za-z]+)Command(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(name)
      if (!command) continue
      const local = command[2] ?? `${command[1]}Command`
      if (new RegExp(`new\\s+${local.replace(/\$/g, '\\$')}\\(`).test(text)) {
        sent.add(`${prefix}:${command[1]}`)
      }
    }
  }
  for (const match of text.matchAll(
    /import\s*\*\s*as\s+([A-Za-z_$][\w$]*)\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g
  )) {
    const prefix = prefixOf(match[2])
    for (const use of text.matchAll(
      new RegExp(`new\\s+${match[1]}\\.([A-Za-z]+)Command\\(`, 'g')
    )) {
      sent.add(`${prefix}:${use[1]}`)
    }
  }
  return sent
}

function actionsTheCodeSends(root = 'src'): Set<string> {
  const sent = new Set<string>()
  for (const file of sourceFiles(root)) {
    for (const action of actionsSentBy(file, readFileSync(file, 'utf8'))) sent.add(action)
  }
  return sent
}

interface Statement {
  Sid: string
  Effect: string
  Action: string | string[]
  Resource: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
}

const POLICY = JSON.parse(readFileSync('docs/iam-policy.json', 'utf8')) as {
  Statement: Statement[]
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value])

function statement(sid: string): Statement {
  const found = POLICY.Statement.find((s) => s.Sid === sid)
  if (!found) throw new Error(`no statement ${sid}`)
  return found
}

function actionsThePolicyAllows(): Set<string> {
  const policy = POLICY
  return new Set(
    policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : [s.Action]
    )
  )
}

describe('docs/iam-policy.json', () => {
  const sent = actionsTheCodeSends()
  const allowed = actionsThePolicyAllows()

  it('finds the commands the code sends', () => {
    expect(sent.has('elasticloadbalancing:ModifyListener')).toBe(true)
    expect(sent.has('route53:ChangeResourceRecordSets')).toBe(true)
  })

  it('allows every command the code sends', () => {
    expect([...sent].filter((action) => !allowed.has(action))).toEqual([])
  })

  it('allows nothing the code never sends', () => {
    expect([...allowed].filter((action) => !sent.has(action))).toEqual([])
  })

  it('uses no wildcards in actions', () => {
    expect([...allowed].filter((action) => action.includes('*'))).toEqual([])
  })
})

describe('the sync test reads every way of importing a command', () => {
  it('finds aliased and namespace imports, and ignores commands only imported', () => {
    const text = [
      "import { AddTagsCommand as Tag, RemoveTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2'",
      "import * as r53 from '@aws-sdk/client-route-53'",
      'client.send(new Tag({}))',
      'client.send(new r53.GetChangeCommand({}))'
    ].join('\n')
    expect([...actionsSentBy('x.ts', text)].sort()).toEqual([
      'elasticloadbalancing:AddTags',
      'route53:GetChange'
    ])
  })
})

describe('least privilege', () => {
  const reads = /:(Describe|Get|List)[A-Za-z]+$/

  it('writes every ARN for every partition', () => {
    const arns = POLICY.Statement.flatMap((s) => list(s.Resource)).filter((r) => r !== '*')
    expect(arns.filter((arn) => !arn.startsWith('arn:*:'))).toEqual([])
  })

  it('scopes every write to a kind of resource', () => {
    const unscoped = POLICY.Statement.filter(
      (s) => list(s.Resource).includes('*') && list(s.Action).some((a) => !reads.test(a))
    )
    expect(unscoped.map((s) => s.Sid)).toEqual([])
  })

  it('lets the lease add and remove only its own tags', () => {
    const lease = statement('HoldTheLease')
    expect(lease.Condition?.['ForAllValues:StringLike']?.['aws:TagKeys']).toEqual([
      `${TAG_PREFIX}*`
    ])
    // ForAllValues holds for a request with no tag keys at all: Null false requires some.
    expect(lease.Condition?.Null?.['aws:TagKeys']).toBe('false')
  })

  it('lets Route 53 change only the record types and actions the code writes', () => {
    const condition = statement('ShiftDnsWeights').Condition?.['ForAllValues:StringEquals']
    expect(condition?.['route53:ChangeResourceRecordSetsRecordTypes']).toEqual([
      ...RECORD_TYPES,
      'TXT'
    ])
    const actions = new Set<string>()
    for (const file of sourceFiles('src')) {
      for (const match of readFileSync(file, 'utf8').matchAll(/Action: '([A-Z]+)'/g))
        actions.add(match[1])
    }
    expect([...actions].sort()).toEqual(list(condition!['route53:ChangeResourceRecordSetsActions']))
  })
})
