import { InputError } from './errors.js'
import {
  booleanInput,
  durationInput,
  type InputReader,
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
}

export const DEFAULT_BAKE = '2m'

export function readCommonSettings(read: InputReader, modes: readonly Mode[]): CommonSettings {
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
  const region = optional(read, 'aws-region') || undefined
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new InputError('aws-region', region, 'an AWS region code such as us-east-1')
  }
  return {
    mode,
    traffic,
    schedule,
    bakeMs,
    rollbackTo,
    dryRun: booleanInput(read, 'dry-run', false),
    region,
    checkIntervalMs: positiveDuration(read, 'check-interval', '10s'),
    verifyTimeoutMs: positiveDuration(read, 'verify-timeout', '5m'),
    healthTimeoutMs: durationInput(read, 'health-timeout', '5m')
  }
}

function rollbackPercent(raw: string): Split {
  try {
    return parsePercent('rollback-to', raw)
  } catch {
    throw new InputError('rollback-to', raw, "'start' or a percent from 0 to 100")
  }
}

function positiveDuration(read: InputReader, name: string, fallback: string): number {
  const ms = durationInput(read, name, fallback)
  if (ms <= 0)
    throw new InputError(name, optional(read, name), 'a duration above zero, such as 10s')
  return ms
}
