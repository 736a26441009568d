/**
 * ELBv2 tags through the real SDK client, as the API reference documents them: keys of 1-128 and
 * values of 0-256 Unicode characters of a fixed set, the reserved aws: prefix, at most 50 tags a
 * resource, and the errors AWS names for each.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  AddTagsCommand,
  CreateTargetGroupCommand,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
  RemoveTagsCommand,
  type Tag
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { type Sandbox, startSandbox } from '../../sandbox/index.js'
import { elbClient, failure } from './sandbox-helpers.js'

let sandbox: Sandbox
let elb: ElasticLoadBalancingV2Client
let created = 0

async function targetGroup(tags?: Tag[]): Promise<string> {
  created += 1
  const out = await elb.send(
    new CreateTargetGroupCommand({
      Name: `tags-${created}`,
      Protocol: 'HTTP',
      Port: 80,
      VpcId: 'vpc-1',
      TargetType: 'ip',
      Tags: tags
    })
  )
  return out.TargetGroups![0].TargetGroupArn!
}

const addTags = (arns: string[], tags: Tag[]) =>
  elb.send(new AddTagsCommand({ ResourceArns: arns, Tags: tags }))

async function tagsOf(arn: string): Promise<Tag[]> {
  const out = await elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }))
  return out.TagDescriptions![0].Tags ?? []
}

const numbered = (count: number, from = 0): Tag[] =>
  Array.from({ length: count }, (_, i) => ({ Key: `k${from + i}`, Value: `v${from + i}` }))

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 0.01 })
  elb = elbClient(sandbox)
})

afterAll(async () => {
  elb.destroy()
  await sandbox.close()
})

describe('tag keys and values', () => {
  it('takes keys of 128 and values of 256 Unicode characters, counted as characters', async () => {
    const arn = await targetGroup()
    // U+1D49C is a letter outside the BMP: 128 characters, 256 UTF-16 units.
    const tags = [
      { Key: '\u{1D49C}'.repeat(128), Value: 'v'.repeat(256) },
      { Key: 'Équipe shop', Value: '' },
      { Key: 'a_.:/=+-@1', Value: 'https://github.com/o/r/actions/runs/1/attempts/2' }
    ]
    await addTags([arn], tags)
    expect(await tagsOf(arn)).toEqual(tags)
  })

  it.each([
    [
      'a key of 129',
      { Key: 'k'.repeat(129), Value: '' },
      "at 'tags.1.member.key'",
      'less than or equal to 128'
    ],
    [
      'a value of 257',
      { Key: 'k', Value: 'v'.repeat(257) },
      "at 'tags.1.member.value'",
      'less than or equal to 256'
    ],
    [
      'a # in a key',
      { Key: 'team#1', Value: '' },
      "at 'tags.1.member.key'",
      'regular expression pattern'
    ],
    [
      'a , in a value',
      { Key: 'k', Value: 'a,b' },
      "at 'tags.1.member.value'",
      'regular expression pattern'
    ]
  ])('refuses %s with a ValidationError naming the member', async (_what, tag, path, rule) => {
    const arn = await targetGroup()
    const error = await failure(addTags([arn], [tag]))
    expect(error.name).toBe('ValidationError')
    expect(error.$metadata.httpStatusCode).toBe(400)
    expect(error.message).toContain(path)
    expect(error.message).toContain(rule)
    expect(await tagsOf(arn)).toEqual([])
  })

  it.each([
    ['key', { Key: 'aws:cloudformation:stack-name', Value: 'x' }],
    ['key in upper case', { Key: 'AWS:team', Value: 'x' }],
    ['value', { Key: 'team', Value: 'Aws:shop' }]
  ])('reserves the aws: prefix of a %s', async (_what, tag) => {
    const arn = await targetGroup()
    const error = await failure(addTags([arn], [tag]))
    expect(error.name).toBe('ValidationError')
    expect(error.message).toContain("cannot start with 'aws:'")
  })

  it('applies the same rules to the Tags of a Create call and to the keys RemoveTags names', async () => {
    const reserved = await failure(targetGroup([{ Key: 'aws:x', Value: '' }]))
    expect(reserved.name).toBe('ValidationError')
    const arn = await targetGroup([{ Key: 'team', Value: 'shop' }])
    for (const key of ['aws:x', 'k'.repeat(129), 'a,b']) {
      const error = await failure(
        elb.send(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: [key] }))
      )
      expect(error.name).toBe('ValidationError')
    }
    expect(await tagsOf(arn)).toEqual([{ Key: 'team', Value: 'shop' }])
  })

  it('refuses a key given twice in one request', async () => {
    const arn = await targetGroup()
    const error = await failure(
      addTags(
        [arn],
        [
          { Key: 'team', Value: 'a' },
          { Key: 'team', Value: 'b' }
        ]
      )
    )
    expect(error.name).toBe('DuplicateTagKeysException')
  })
})

describe('at most 50 tags a resource', () => {
  it('holds 50, takes a new value for a key it has, and refuses a 51st key', async () => {
    const arn = await targetGroup()
    await addTags([arn], numbered(50))
    await addTags([arn], [{ Key: 'k0', Value: 'changed' }])
    const error = await failure(addTags([arn], numbered(1, 50)))
    expect(error.name).toBe('TooManyTagsException')
    expect(error.$metadata.httpStatusCode).toBe(400)
    const tags = await tagsOf(arn)
    expect(tags).toHaveLength(50)
    expect(tags[0]).toEqual({ Key: 'k0', Value: 'changed' })
  })

  it('counts what a resource has with what the request adds, all or nothing across resources', async () => {
    const full = await targetGroup(numbered(48))
    const empty = await targetGroup()
    const error = await failure(addTags([empty, full], numbered(3, 100)))
    expect(error.name).toBe('TooManyTagsException')
    expect(await tagsOf(empty)).toEqual([])
    expect(await tagsOf(full)).toHaveLength(48)
    await elb.send(new RemoveTagsCommand({ ResourceArns: [full], TagKeys: ['k0'] }))
    await addTags([empty, full], numbered(3, 100))
    expect(await tagsOf(full)).toHaveLength(50)
  })

  it('refuses a Create call with 51 tags', async () => {
    const error = await failure(targetGroup(numbered(51)))
    expect(error.name).toBe('TooManyTagsException')
  })
})
