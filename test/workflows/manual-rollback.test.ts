// A manual rollback (the README's step and the reusable rollback.yml) moves all traffic to blue
// in one step and does not bake: every step bakes, the last one included, so a rollback without
// bake-time 0 would sit out the deploy's whole bake. Both are read by the action's own parser.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { MODE_NAMES } from '../../src/backends/index.js'
import { readCommonSettings } from '../../src/settings.js'
import { ACTION_CHECKOUT, read, ROOT, stepsOf, type Step } from './files.js'

function settingsOf(given: Record<string, unknown>) {
  const reader = (name: string): string => (given[name] === undefined ? '' : String(given[name]))
  return readCommonSettings(reader, MODE_NAMES, { AWS_REGION: 'eu-west-1' })
}

/** The first YAML block under the README heading `### <title>`. */
function readmeYaml(title: string): unknown {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.split(`\n### ${title}\n`)[1]?.split('\n#')[0] ?? ''
  const block = /```yaml\n([\s\S]*?)```/.exec(section)
  if (!block) throw new Error(`README has no yaml block under ### ${title}`)
  return load(block[1])
}

describe('a manual rollback moves everything to blue at once, without a bake', () => {
  it("the README's manual rollback step", () => {
    const [step] = readmeYaml('Manual rollback') as Step[]
    const settings = settingsOf(step.with ?? {})
    expect(settings.traffic.permille).toBe(0)
    expect(settings.schedule.points.map((point) => point.permille)).toEqual([1000])
    expect(settings.bakeMs).toBe(0)
  })

  it("rollback.yml's step that runs the action", () => {
    const shifts = stepsOf(read('.github/workflows/rollback.yml').doc).filter(
      ({ step }) => step.uses === ACTION_CHECKOUT
    )
    expect(shifts).toHaveLength(1)
    const given = shifts[0].step.with ?? {}
    // Only the rollback's own inputs: the form's fields are expressions evaluated at run time.
    const settings = settingsOf({
      mode: 'weighted-target-groups',
      traffic: given.traffic,
      steps: given.steps,
      'bake-time': given['bake-time']
    })
    expect(settings.traffic.permille).toBe(0)
    expect(settings.schedule.points.map((point) => point.permille)).toEqual([1000])
    expect(settings.bakeMs).toBe(0)
  })
})
