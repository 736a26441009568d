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

export function renderActionTables(actionYml: string): string {
  const action = load(actionYml) as ActionYml
  const inputs = Object.entries(action.inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${input.default === undefined ? '' : `\`${input.default}\``} | ${cell(input.description)} |`
  )
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
