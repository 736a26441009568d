// Reads the repository's GitHub Actions YAML (workflows, the example callers, action metadata)
// for the workflow checks: the tests in this folder and `npm run lint:workflows`.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load } from 'js-yaml'

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

/** Folders whose YAML is not ours to check (dependencies, build output, git). */
const SKIP = new Set(['node_modules', '.git', 'dist', 'coverage'])

export type Yaml = Record<string, unknown>

export interface YamlFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string
  text: string
  doc: Yaml
}

export interface Step {
  name?: string
  id?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
  if?: unknown
}

export interface Job {
  name?: string
  uses?: string
  with?: Record<string, unknown>
  needs?: string | string[]
  if?: unknown
  environment?: string | { name?: string; url?: string }
  permissions?: string | Record<string, string>
  concurrency?: string | { group?: string; 'cancel-in-progress'?: unknown }
  outputs?: Record<string, string>
  steps?: Step[]
}

export interface Input {
  description?: string
  type?: string
  required?: boolean
  default?: unknown
}

export function read(path: string): YamlFile {
  const text = readFileSync(join(ROOT, path), 'utf8')
  return { path, text, doc: parse(text, path) }
}

export function parse(text: string, path = '(inline)'): Yaml {
  const doc = load(text, { filename: path })
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`${path}: expected a YAML mapping at the top level`)
  }
  return doc as Yaml
}

function yamlIn(dir: string): string[] {
  const abs = join(ROOT, dir)
  if (!existsSync(abs)) return []
  return readdirSync(abs)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}/${name}`)
}

/** This repository's workflows (.github/workflows). */
export function workflowPaths(): string[] {
  return yamlIn('.github/workflows')
}

/** The example caller workflows users copy (docs/examples). */
export function examplePaths(): string[] {
  return yamlIn('docs/examples')
}

/** Every action.yml / action.yaml in the repository: the action itself and composite actions. */
export function actionPaths(dir = ''): string[] {
  const found: string[] = []
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue
    const path = dir ? `${dir}/${entry.name}` : entry.name
    if (entry.isDirectory()) found.push(...actionPaths(path))
    else if (/^action\.ya?ml$/.test(entry.name)) found.push(path)
  }
  return found.sort()
}

export function jobsOf(doc: Yaml): [string, Job][] {
  const jobs = doc.jobs
  return jobs && typeof jobs === 'object' ? Object.entries(jobs as Record<string, Job>) : []
}

/** The steps of a workflow's jobs, or of a composite action (runs.steps). */
export function stepsOf(doc: Yaml): { where: string; step: Step }[] {
  const found: { where: string; step: Step }[] = []
  for (const [id, job] of jobsOf(doc)) {
    ;(job.steps ?? []).forEach((step, i) => found.push({ where: `jobs.${id}.steps[${i}]`, step }))
  }
  const runs = doc.runs as { steps?: Step[] } | undefined
  ;(runs?.steps ?? []).forEach((step, i) => found.push({ where: `runs.steps[${i}]`, step }))
  return found
}

/** The `on.<event>.inputs` of a workflow, for one trigger. */
export function triggerInputs(doc: Yaml, event: string): Record<string, Input> {
  const on = doc.on as Record<string, { inputs?: Record<string, Input> } | null> | undefined
  return on?.[event]?.inputs ?? {}
}

export function actionInputs(): Record<string, Input> {
  return (read('action.yml').doc.inputs ?? {}) as Record<string, Input>
}

/** The steps that run this action from the checkout the reusable workflows make of it. */
export const ACTION_CHECKOUT = './.aws-traffic-shift'

/** `owner/repo` of this project, as the examples call its reusable workflows. */
export const THIS_REPOSITORY = 'aws-traffic-shift/aws-traffic-shift'

/** True for the step that assumes an AWS role. */
export function assumesRole(step: Step): boolean {
  return step.uses?.startsWith('aws-actions/configure-aws-credentials@') === true
}

/** The local workflow a job-level `uses:` calls, if it is one of this repository's. */
export function calledWorkflow(uses: string | undefined): string | undefined {
  if (!uses) return undefined
  const local = /^\.\/(\.github\/workflows\/[^@]+)$/.exec(uses)
  if (local) return local[1]
  const own = new RegExp(`^${THIS_REPOSITORY}/(\\.github/workflows/[^@]+)@.+$`).exec(uses)
  return own?.[1]
}

/** The modes action.yml's `mode` input names, each followed by its explanation in parentheses. */
export function modes(): string[] {
  const description = actionInputs().mode?.description ?? ''
  return [...description.matchAll(/\b([a-z]+(?:-[a-z]+)*) \(/g)].map((match) => match[1])
}

/**
 * action.yml inputs that belong to a mode: their description starts with the mode's name, as in
 * "weighted-target-groups: the ALB listener…". The reusable workflows must pass them.
 */
export function modeResourceInputs(): string[] {
  const names = modes()
  return Object.entries(actionInputs())
    .filter(([, input]) => names.some((mode) => (input.description ?? '').startsWith(`${mode}: `)))
    .map(([name]) => name)
}
