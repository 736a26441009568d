import { type InputReader, optional } from './inputs.js'

/** Every mode may read it. */
const ALL = 'all'

/**
 * Every input of action.yml with the modes that read it: the one table the warnings below and
 * the settings block check names against (test/action-inputs.test.ts holds it to action.yml, whose
 * mode inputs start their description with the mode's name). Once the backend and gate registries
 * list their own `inputs`, the per-mode part can be derived from them instead.
 */
export const ACTION_INPUTS: Readonly<Record<string, readonly string[] | typeof ALL>> = {
  mode: ALL,
  settings: ALL,
  traffic: ALL,
  steps: ALL,
  'bake-time': ALL,
  'rollback-to': ALL,
  'dry-run': ALL,
  'aws-region': ALL,
  'check-interval': ALL,
  'verify-timeout': ALL,
  'health-timeout': ALL,
  'rollback-timeout': ALL,
  'min-healthy-percent': ALL,
  alarms: ALL,
  'probe-urls': ALL,
  'probe-expected-status': ALL,
  'probe-max-latency': ALL,
  'probe-interval': ALL,
  'probe-failure-threshold': ALL,
  'route53-health-checks': ALL,
  'break-lease': ALL,
  'dns-resolvers': ['dns'],
  'traffic-split': ALL,
  'canary-analysis': ALL,
  'canary-alpha': ALL,
  'canary-latency-tolerance': ALL,
  'canary-min-requests': ALL,
  'canary-checks': ALL,
  'metric-period': ALL,
  'listener-arn': ['weighted-target-groups'],
  'rule-arn': ['weighted-target-groups'],
  'blue-target-group': ['weighted-target-groups'],
  'green-target-group': ['weighted-target-groups'],
  'stickiness-duration': ['weighted-target-groups'],
  'hosted-zone-id': ['dns'],
  'record-name': ['dns'],
  'record-type': ['dns'],
  'blue-set-identifier': ['dns'],
  'green-set-identifier': ['dns'],
  'green-value': ['dns'],
  'green-alias-target': ['dns'],
  'record-ttl': ['dns'],
  'collapse-on-rollback': ['dns'],
  'target-group-arn': ['targets'],
  'blue-targets': ['targets'],
  'green-targets': ['targets'],
  'blue-auto-scaling-group': ['targets'],
  'green-auto-scaling-group': ['targets'],
  'wait-for-draining': ['targets']
}

export const INPUT_NAMES = Object.keys(ACTION_INPUTS)

/**
 * The variable an input arrives in, named as the runner and @actions/core's getInput name it:
 * INPUT_ + the name with spaces as `_`, upper-cased. So `bake-time` is INPUT_BAKE-TIME, and a
 * `bake_time:` typed in a workflow arrives as INPUT_BAKE_TIME, which no input reads.
 */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** The input name nearest to `name` (hyphens and underscores alike), if any is near enough. */
export function closestInput(
  name: string,
  names: readonly string[] = INPUT_NAMES
): string | undefined {
  const wanted = normalise(name)
  let best: { name: string; distance: number } | undefined
  for (const candidate of names) {
    const distance = editDistance(wanted, normalise(candidate))
    if (!best || distance < best.distance) best = { name: candidate, distance }
  }
  // A third of the name may be mistyped: bake-tme, bakeTime, probe-url are all found.
  if (best && best.distance <= Math.max(2, Math.floor(wanted.length / 3))) return best.name
  // Or a word left off (listener for listener-arn), when only one input has that word.
  const extended = names.filter((candidate) => normalise(candidate).split('-').includes(wanted))
  return extended.length === 1 ? extended[0] : undefined
}

/** "Did you mean bake-time?" or a pointer to the list, for a name no input has. */
export function suggestion(name: string): string {
  const closest = closestInput(name)
  return closest ? `did you mean ${closest}?` : 'action.yml lists the inputs'
}

/**
 * Warnings, before any AWS call, for inputs the run will not read: INPUT_* variables no input of
 * action.yml arrives in (a typo: the run would silently use the default), and inputs given that
 * only another mode reads.
 *
 * Wiring (run.ts, once readCommonSettings has given the mode):
 * `for (const warning of inputWarnings(process.env, settings.mode, read)) core.warning(warning)`.
 */
export function inputWarnings(
  env: Record<string, string | undefined>,
  mode: string,
  read: InputReader
): string[] {
  const known = new Set(INPUT_NAMES.map(inputVariable))
  const unknown = Object.keys(env)
    .filter((variable) => variable.startsWith('INPUT_') && !known.has(variable))
    .sort()
    .map((variable) => {
      const name = variable.slice('INPUT_'.length).toLowerCase()
      return `Input '${name}' (${variable}) is not an input of aws-traffic-shift and is ignored: ${suggestion(name)}`
    })
  const otherMode = INPUT_NAMES.filter((name) => {
    const modes = ACTION_INPUTS[name]
    return modes !== ALL && !modes.includes(mode) && optional(read, name) !== ''
  }).map((name) => {
    const modes = ACTION_INPUTS[name] as readonly string[]
    return `Input '${name}' is read only in mode ${modes.join(' or ')}, so this ${mode} run ignores it`
  })
  return [...unknown, ...otherMode]
}

function normalise(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
}

/** Levenshtein distance: the fewest single-character edits from a to b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution)
    }
    previous = current
  }
  return previous[b.length]
}
