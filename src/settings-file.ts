import { FAILSAFE_SCHEMA, load, YAMLException } from 'js-yaml'
import { inputVariable, INPUT_NAMES, suggestion } from './action-inputs.js'
import { InputError } from './errors.js'
import type { InputReader } from './inputs.js'

/**
 * The `settings` input: the action's inputs given once, as a YAML mapping of input names to
 * values, so a reusable workflow passes one block through to each of its jobs instead of
 * every input by hand. An input given to the action (non-empty) wins over the block.
 */
export const SETTINGS = 'settings'

/**
 * Inputs settings may not hold, and why. `traffic` keeps a default in action.yml (100), which the
 * runner passes whenever the step does not give traffic, so a value in the block could never take
 * effect: it would be ignored silently.
 */
const NOT_IN_SETTINGS: Record<string, string> = {
  [SETTINGS]: 'settings cannot nest',
  traffic:
    'traffic is given per run as its own input (its default, 100, always reaches the action, ' +
    'so a value here would never apply)',
  // Taking over another run's lease is an operator's decision for one run, never every run's.
  'break-lease':
    'break-lease is given per run as its own input (it takes over another run’s live lease, ' +
    'which every run of the workflow would then do)'
}

const ACCEPTED =
  'a YAML mapping of action input names to values, e.g. "mode: dns" and "bake-time: 5m" on ' +
  'their own lines; a list (probe-urls, alarms) as a YAML list or one comma-separated value'

/**
 * Parses a settings block into input values, as strings exactly as written (YAML's failsafe
 * schema: `true`, `010` and `1:30` stay text, for the input parsers to judge). Unknown names are
 * refused with the nearest input's name; a list becomes one value per line, as list inputs take.
 * Errors name the line and key, never echo the block (it may hold a probe URL's credentials).
 */
export function parseSettings(raw: string): Map<string, string> {
  const values = new Map<string, string>()
  if (raw.trim() === '') return values
  let doc: unknown
  try {
    doc = load(raw, { schema: FAILSAFE_SCHEMA, filename: SETTINGS })
  } catch (error) {
    throw new InputError(SETTINGS, '', `${ACCEPTED} (${yamlProblem(error)})`)
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(SETTINGS, '', `${ACCEPTED}, not ${Array.isArray(doc) ? 'a list' : 'text'}`)
  }
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (Object.hasOwn(NOT_IN_SETTINGS, key))
      throw new InputError(SETTINGS, key, NOT_IN_SETTINGS[key])
    if (!INPUT_NAMES.includes(key)) {
      throw new InputError(SETTINGS, key, `an input name of action.yml: ${suggestion(key)}`)
    }
    values.set(key, scalarText(key, value))
  }
  return values
}

function scalarText(key: string, value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.join('\n')
  }
  throw new InputError(SETTINGS, key, `a text value or a list of them for ${key}, not a mapping`)
}

function yamlProblem(error: unknown): string {
  if (error instanceof YAMLException) {
    const line = error.mark ? `line ${error.mark.line + 1}: ` : ''
    return `${line}${error.reason}`
  }
  return error instanceof Error ? error.message : String(error)
}

/**
 * The reader every input parser uses: an input given to the action wins; an input left empty
 * takes the settings block's value. The block is parsed on first use, so its errors surface where
 * every other InputError does. A traffic given but blank (an expression that evaluated to
 * nothing) is refused rather than read as 100: on the runner INPUT_TRAFFIC always carries
 * action.yml's default when the step leaves traffic out, so an empty one was given empty.
 *
 * Wiring (run.ts, which builds `read`): `const read = withSettings((name) => core.getInput(name))`.
 */
export function withSettings(
  read: InputReader,
  env: Record<string, string | undefined> = process.env
): InputReader {
  let settings: Map<string, string> | undefined
  return (name) => {
    const own = read(name)
    if (name === SETTINGS) return own
    if (name === 'traffic' && own.trim() === '' && env[inputVariable('traffic')] !== undefined) {
      throw new InputError(
        'traffic',
        own,
        'a percent from 0 to 100: it was given but blank, as an expression that evaluates to ' +
          'nothing gives it; leave traffic out for 100'
      )
    }
    if (own.trim() !== '') return own
    settings ??= parseSettings(read(SETTINGS))
    return settings.get(name) ?? ''
  }
}
