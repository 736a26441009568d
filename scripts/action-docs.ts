/**
 * Renders the README's input and output tables from action.yml, so the two cannot drift:
 * `npm run docs` rewrites them; test/readme.test.ts fails when they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { load } from 'js-yaml'

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

const BEGIN = '<!-- action-docs: begin (generated from action.yml by `npm run docs`) -->'
const END = '<!-- action-docs: end -->'

function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')
}

/**
 * An input's default: action.yml's `default:`, or (for the inputs that have none there, so that
 * the `settings` block can supply them) the description's closing "Default: X." sentence, which
 * moves to the table's Default column.
 */
export function documentedDefault(input: { description: string; default?: string }): {
  text: string
  fallback?: string
} {
  if (input.default !== undefined) return { text: input.description, fallback: input.default }
  const match = /\s*Default: (\S+)\.$/.exec(input.description.trim())
  if (!match) return { text: input.description }
  return { text: input.description.trim().slice(0, match.index), fallback: match[1] }
}

export function renderActionTables(actionYml: string): string {
  const action = load(actionYml) as ActionYml
  const inputs = Object.entries(action.inputs).map(([name, input]) => {
    const { text, fallback } = documentedDefault(input)
    const shown = fallback === undefined ? '' : `\`${fallback}\``
    return `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${shown} | ${cell(text)} |`
  })
  const outputs = Object.entries(action.outputs).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`
  )
  return [
    BEGIN,
    '### Inputs',
    '',
    '| Input | Required | Default | Description |',
    '| --- | --- | --- | --- |',
    ...inputs,
    '',
    '### Outputs',
    '',
    '| Output | Description |',
    '| --- | --- |',
    ...outputs,
    END
  ].join('\n')
}

/** The README with its generated section replaced by a fresh rendering. */
export function withActionTables(readme: string, actionYml: string): string {
  const start = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error('README.md has no action-docs markers')
  return readme.slice(0, start) + renderActionTables(actionYml) + readme.slice(end + END.length)
}

if (process.argv[1]?.endsWith('action-docs.ts')) {
  const readme = readFileSync('README.md', 'utf8')
  writeFileSync('README.md', withActionTables(readme, readFileSync('action.yml', 'utf8')))
}
