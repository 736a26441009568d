// The rules the workflow tests hold every workflow and action file to, as functions that return
// the problems they find (empty when the file is fine), so the tests can show each rule catches a
// broken file as well as passing the real ones.
import {
  ACTION_CHECKOUT,
  assumesRole,
  calledWorkflow,
  jobsOf,
  read,
  stepsOf,
  THIS_REPOSITORY,
  triggerInputs,
  type Input,
  type Job,
  type Yaml,
  type YamlFile
} from './files.js'
import { latestRelease, pinProblem } from './pins.js'

/** The one concurrency group of every job that moves traffic on a target: keyed on the target. */
export const TARGET_GROUP = 'aws-traffic-shift-${{ needs.check.outputs.target }}'

/** The composite step that finds the target in the inputs or the settings block. */
export const TRAFFIC_TARGET = './.aws-traffic-shift/.github/actions/traffic-target'

/** The action inputs that name a traffic target: the concurrency group is keyed on them. */
export const TARGET_INPUTS = [
  'listener-arn',
  'rule-arn',
  'target-group-arn',
  'hosted-zone-id',
  'record-name'
] as const

const EXPRESSION = /\$\{\{/

/** `${{ }}` inside a script is template injection: values must reach scripts through env. */
export function runExpressions(doc: Yaml): string[] {
  const problems: string[] = []
  for (const { where, step } of stepsOf(doc)) {
    if (typeof step.run === 'string' && EXPRESSION.test(step.run)) {
      problems.push(`${where} (${step.name ?? step.id ?? 'run'}): \${{ }} inside run:`)
    }
    const script = step.with?.script
    if (step.uses?.startsWith('actions/github-script@') && typeof script === 'string') {
      if (EXPRESSION.test(script)) problems.push(`${where}: \${{ }} inside a github-script script:`)
    }
  }
  return problems
}

/** Every `uses:` of the file, job-level (reusable workflows) and step-level, with its line. */
function usesOf(file: YamlFile): { where: string; uses: string }[] {
  const found: { where: string; uses: string }[] = []
  for (const [id, job] of jobsOf(file.doc)) {
    if (job.uses) found.push({ where: `jobs.${id}`, uses: job.uses })
  }
  for (const { where, step } of stepsOf(file.doc)) {
    if (step.uses) found.push({ where, uses: step.uses })
  }
  return found
}

/**
 * Third-party actions and workflows are pinned by a full commit SHA with a version comment (what
 * Dependabot updates). Local ones (./, $/) are not third-party; the examples call this
 * project's own reusable workflows by its newest release.
 */
export function unpinnedUses(file: YamlFile): string[] {
  const problems: string[] = []
  const lines = file.text.split('\n')
  for (const { where, uses } of usesOf(file)) {
    if (uses.startsWith('./') || uses.startsWith('$/')) continue
    if (uses.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses))
        problems.push(`${where}: ${uses} is not pinned by digest`)
      continue
    }
    if (uses.startsWith(`${THIS_REPOSITORY}/`)) {
      // This project's own workflows: its newest release (pins.ts says why).
      const at = uses.lastIndexOf('@')
      const line = lines.find((text) => text.includes(uses)) ?? ''
      const problem = pinProblem(
        {
          where,
          name: uses.slice(0, at),
          ref: uses.slice(at + 1),
          comment: /#\s*(.*)$/.exec(line)?.[1] ?? ''
        },
        latestRelease()
      )
      if (problem) problems.push(problem)
      continue
    }
    if (!/^[^@\s]+@[0-9a-f]{40}$/.test(uses)) {
      problems.push(`${where}: ${uses} is not pinned by a full commit SHA`)
      continue
    }
    const line = lines.find((text) => text.includes(uses))
    if (!line || !/#\s*v\d+(\.\d+)*\b/.test(line)) {
      problems.push(`${where}: ${uses} needs a version comment (# vX.Y.Z)`)
    }
  }
  return problems
}

function permissionsOf(value: Job['permissions'] | unknown): Record<string, string> | string {
  if (value === undefined || value === null) return {}
  return value as Record<string, string> | string
}

/** Does this job assume an AWS role, itself or through a reusable workflow of this repository? */
export function jobAssumesRole(job: Job): boolean {
  if ((job.steps ?? []).some(assumesRole)) return true
  const called = calledWorkflow(job.uses)
  return called !== undefined && jobsOf(read(called).doc).some(([, inner]) => jobAssumesRole(inner))
}

/**
 * The only writes besides the OIDC token, by file and job: the release job creates the release
 * and moves the major tag (and runs no action and no code of the repository, see release.test.ts).
 */
export const WRITES_ALLOWED: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> =
  { '.github/workflows/release.yml': { release: ['contents'] } }

/**
 * Least privilege: the workflow sets permissions; nothing writes except the OIDC token (and the
 * WRITES_ALLOWED), and only jobs that assume a role (themselves, or through a reusable workflow)
 * may request that token.
 */
export function permissionProblems(file: YamlFile): string[] {
  const problems: string[] = []
  const top = file.doc.permissions
  if (top === undefined) problems.push('no top-level permissions: (the default token is too broad)')
  const check = (
    where: string,
    permissions: Record<string, string> | string,
    allowed: readonly string[] = []
  ) => {
    if (typeof permissions === 'string') {
      problems.push(`${where}: permissions: ${permissions} (list each permission instead)`)
      return {}
    }
    for (const [scope, level] of Object.entries(permissions)) {
      if (level === 'write' && scope !== 'id-token' && !allowed.includes(scope)) {
        problems.push(`${where}: ${scope}: write`)
      }
    }
    return permissions
  }
  const workflow = check('workflow', permissionsOf(top))
  if (workflow['id-token'] === 'write') {
    problems.push(
      'workflow: id-token: write for every job (grant it only to jobs that assume a role)'
    )
  }
  for (const [id, job] of jobsOf(file.doc)) {
    const own = check(`jobs.${id}`, permissionsOf(job.permissions), WRITES_ALLOWED[file.path]?.[id])
    const token = job.permissions === undefined ? workflow['id-token'] : own['id-token']
    const needs = jobAssumesRole(job)
    if (needs && token !== 'write')
      problems.push(`jobs.${id} assumes a role without id-token: write`)
    if (!needs && token === 'write')
      problems.push(`jobs.${id} has id-token: write but assumes no role`)
  }
  return problems
}

function concurrencyOf(value: unknown): { group?: string; cancel?: unknown } | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return { group: value }
  const object = value as { group?: string; 'cancel-in-progress'?: unknown }
  return { group: object.group, cancel: object['cancel-in-progress'] }
}

/**
 * Concurrency groups never key on github.workflow (the caller's name inside a reusable workflow)
 * and never cancel a run in progress (that would cut a shift short). Every job that moves
 * traffic holds the one group of its traffic target.
 */
export function concurrencyProblems(file: YamlFile): string[] {
  const problems: string[] = []
  const entries: [string, unknown, Job | undefined][] = [
    ['workflow', file.doc.concurrency, undefined],
    ...jobsOf(file.doc).map(([id, job]): [string, unknown, Job] => [
      `jobs.${id}`,
      job.concurrency,
      job
    ])
  ]
  for (const [where, value, job] of entries) {
    const concurrency = concurrencyOf(value)
    if (concurrency?.group?.includes('github.workflow')) {
      problems.push(`${where}: concurrency group uses github.workflow`)
    }
    if (concurrency && concurrency.cancel !== undefined && concurrency.cancel !== false) {
      problems.push(`${where}: cancel-in-progress must be false`)
    }
    if (job && (job.steps ?? []).some((step) => step.uses === ACTION_CHECKOUT)) {
      if (concurrency?.group !== TARGET_GROUP || concurrency.cancel !== false) {
        problems.push(
          `${where} moves traffic: it needs concurrency { group: ${TARGET_GROUP}, cancel-in-progress: false }`
        )
      }
    }
  }
  return problems
}

/**
 * The group and the action agree on the target by construction: the check job finds it with the
 * traffic-target step (from the settings block, and from any target input the workflow declares),
 * and every step that runs the action takes each target input from the check job's outputs.
 */
export function targetProblems(doc: Yaml): string[] {
  const problems: string[] = []
  const declared = new Set([
    ...Object.keys(triggerInputs(doc, 'workflow_call')),
    ...Object.keys(triggerInputs(doc, 'workflow_dispatch'))
  ])
  const finders = stepsOf(doc).filter(({ step }) => step.uses === TRAFFIC_TARGET)
  const shifts = stepsOf(doc).filter(({ step }) => step.uses === ACTION_CHECKOUT)
  if (shifts.length > 0 && !finders.some(({ where }) => where.startsWith('jobs.check.'))) {
    problems.push(`jobs.check must find the target with ${TRAFFIC_TARGET}`)
  }
  for (const { where, step } of finders) {
    if (step.with?.settings !== '${{ inputs.settings }}') {
      problems.push(`${where}: pass settings: \${{ inputs.settings }}`)
    }
    for (const name of TARGET_INPUTS.filter((input) => declared.has(input))) {
      if (step.with?.[name] !== `\${{ inputs.${name} }}`) {
        problems.push(`${where}: pass the declared ${name}: \${{ inputs.${name} }}`)
      }
    }
  }
  for (const { where, step } of shifts) {
    for (const name of TARGET_INPUTS) {
      if (step.with?.[name] !== `\${{ needs.check.outputs.${name} }}`) {
        problems.push(`${where}: pass ${name}: \${{ needs.check.outputs.${name} }}`)
      }
    }
  }
  return problems
}

/** Checkouts drop the token afterwards, so no later step can read it from .git/config. */
export function checkoutProblems(doc: Yaml): string[] {
  return stepsOf(doc)
    .filter(({ step }) => step.uses?.startsWith('actions/checkout@'))
    .filter(({ step }) => step.with?.['persist-credentials'] !== false)
    .map(({ where }) => `${where}: actions/checkout without persist-credentials: false`)
}

/** The workflows authenticate with OIDC alone: no stored secret to leak or echo. */
export function secretProblems(file: YamlFile): string[] {
  return /\bsecrets\s*[.[]/.test(file.text) ? [`${file.path} reads a secret (use OIDC)`] : []
}

/** Steps that run this action: their `with:` keys are inputs of action.yml, required ones given. */
export function actionStepProblems(doc: Yaml, actionInputs: Record<string, Input>): string[] {
  const problems: string[] = []
  for (const { where, step } of stepsOf(doc)) {
    if (step.uses !== ACTION_CHECKOUT) continue
    const given = Object.keys(step.with ?? {})
    for (const key of given) {
      if (!(key in actionInputs)) problems.push(`${where}: "${key}" is not an input of action.yml`)
    }
    for (const [name, input] of Object.entries(actionInputs)) {
      if (input.required && !given.includes(name))
        problems.push(`${where}: required "${name}" missing`)
    }
  }
  return problems
}

/** Every declared workflow input is used somewhere (an unused one is a setting that does nothing). */
export function unusedInputs(doc: Yaml): string[] {
  const names = new Set([
    ...Object.keys(triggerInputs(doc, 'workflow_call')),
    ...Object.keys(triggerInputs(doc, 'workflow_dispatch'))
  ])
  const body = JSON.stringify({ ...doc, on: undefined })
  return [...names]
    .filter((name) => !new RegExp(`inputs\\.${name.replace(/-/g, '\\-')}(?![\\w-])`).test(body))
    .map((name) => `input "${name}" is declared but never used`)
}

/** A call of a reusable workflow passes only inputs it declares, and every required one. */
export function callProblems(doc: Yaml): string[] {
  const problems: string[] = []
  for (const [id, job] of jobsOf(doc)) {
    const called = calledWorkflow(job.uses)
    if (!called) continue
    const inputs = triggerInputs(read(called).doc, 'workflow_call')
    const given = Object.keys(job.with ?? {})
    for (const key of given) {
      if (!(key in inputs)) problems.push(`jobs.${id}: ${called} has no input "${key}"`)
    }
    for (const [name, input] of Object.entries(inputs)) {
      if (input.required && !given.includes(name)) {
        problems.push(`jobs.${id}: required input "${name}" of ${called} missing`)
      }
    }
  }
  return problems
}
