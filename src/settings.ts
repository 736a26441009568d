import { InputError } from './errors.js'
import {
  booleanInput,
  durationInput,
  type InputReader,
  MAX_DURATION_MS,
  optional,
  parseEnum,
  required,
  percentInput
} from './inputs.js'
import { parsePercent, Split } from './split.js'
import { parseSchedule, type Schedule } from './schedule.js'

/** A way of moving traffic; the backend registry (backends/index.ts) lists the valid ones. */
export type Mode = string

/** The inputs every mode shares, parsed and validated before any AWS call. */
export interface CommonSettings {
  mode: Mode
  /** The split green should carry when this run ends. */
  traffic: Split
  schedule: Schedule
  bakeMs: number
  /** 'start': the split the run found; otherwise a fixed split. */
  rollbackTo: 'start' | Split
  dryRun: boolean
  region: string | undefined
  /** How often gates are polled during a bake. */
  checkIntervalMs: number
  /** How long AWS may take to agree with a write. */
  verifyTimeoutMs: number
  /** How long green may stay `initial`/`unused` before target health fails. */
  healthTimeoutMs: number
  /** How long a rollback (and the post step's) keeps trying through AWS trouble. */
  rollbackTimeoutMs: number
}

export const DEFAULT_BAKE = '2m'

export function readCommonSettings(
  read: InputReader,
  modes: readonly Mode[],
  env: Record<string, string | undefined> = process.env
): CommonSettings {
  const mode = parseEnum('mode', required(read, 'mode', `one of ${modes.join(', ')}`), modes)
  const traffic = percentInput(read, 'traffic', '100')
  const schedule = parseSchedule('steps', optional(read, 'steps') || '10,25,50,100')
  // A bake-time given wins over the wait a CodeDeploy preset carries.
  const bakeMs =
    optional(read, 'bake-time') === '' && schedule.bakeMs !== undefined
      ? schedule.bakeMs
      : durationInput(read, 'bake-time', DEFAULT_BAKE)
  const rollbackRaw = optional(read, 'rollback-to') || 'start'
  const rollbackTo = rollbackRaw === 'start' ? 'start' : rollbackPercent(rollbackRaw)
  const region = resolveRegion(read, env)
  return {
    mode,
    traffic,
    schedule,
    bakeMs,
    rollbackTo,
    dryRun: booleanInput(read, 'dry-run', false),
    region,
    checkIntervalMs: durationInput(read, 'check-interval', '10s', MAX_DURATION_MS, false),
    verifyTimeoutMs: durationInput(read, 'verify-timeout', '5m', MAX_DURATION_MS, false),
    healthTimeoutMs: durationInput(read, 'health-timeout', '5m'),
    rollbackTimeoutMs: durationInput(read, 'rollback-timeout', '4m', MAX_DURATION_MS, false)
  }
}

function rollbackPercent(raw: string): Split {
  try {
    return parsePercent('rollback-to', raw)
  } catch {
    throw new InputError('rollback-to', raw, "'start' or a percent from 0 to 100")
  }
}

/** The inputs whose value is an ARN: each names its region (arn:aws:SERVICE:REGION:…). */
export const ARN_INPUTS = [
  'listener-arn',
  'rule-arn',
  'blue-target-group',
  'green-target-group',
  'target-group-arn'
] as const

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/

/**
 * The region the AWS clients use: aws-region, else AWS_REGION or AWS_DEFAULT_REGION (the SDK
 * itself reads only AWS_REGION), else the one region every ARN given names. Undefined when
 * nothing names one: the SDK may still find a profile's region, and setup-errors.ts names
 * aws-region when it does not.
 */
function resolveRegion(
  read: InputReader,
  env: Record<string, string | undefined>
): string | undefined {
  const given = optional(read, 'aws-region')
  if (given !== '') {
    if (!REGION.test(given)) {
      throw new InputError('aws-region', given, 'an AWS region code such as us-east-1')
    }
    return given
  }
  const fromEnv = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim()
  if (fromEnv) return fromEnv
  const named = new Map<string, string[]>()
  for (const input of ARN_INPUTS) {
    const region = optional(read, input).split(':')[3]
    if (region === undefined || !REGION.test(region)) continue
    named.set(region, [...(named.get(region) ?? []), input])
  }
  if (named.size <= 1) return [...named.keys()][0]
  const regions = [...named].map(([region, inputs]) => `${region} in ${inputs.join(', ')}`)
  throw new InputError(
    'aws-region',
    '',
    `the AWS region of the resources: neither aws-region nor AWS_REGION is set, and the ARNs ` +
      `given name more than one region (${regions.join('; ')})`
  )
}
