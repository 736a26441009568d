import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

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

/** Every "service:Operation" the code sends: a Command imported from a client and constructed. */
function actionsTheCodeSends(root = 'src'): Set<string> {
  const sent = new Set<string>()
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g
    )) {
      const prefix = IAM_PREFIX[match[2]]
      if (!prefix) throw new Error(`${file} imports ${match[2]}, which has no IAM prefix here`)
      for (const name of match[1].split(',').map((part) => part.trim())) {
        const command = /^(?:type\s+)?([A-Za-z]+)Command$/.exec(name)
        if (command && new RegExp(`new\\s+${command[1]}Command\\(`).test(text)) {
          sent.add(`${prefix}:${command[1]}`)
        }
      }
    }
  }
  return sent
}

function actionsThePolicyAllows(): Set<string> {
  const policy = JSON.parse(readFileSync('docs/iam-policy.json', 'utf8')) as {
    Statement: { Effect: string; Action: string | string[] }[]
  }
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
