/**
 * Prints the IAM policy for one's own resources: docs/iam-policy.json scoped to what the inputs
 * name (scripts/iam-policy-scope.ts). It takes the action's own inputs, parsed by the action's
 * own parsers, so an input the action would refuse is refused here with the same message:
 *
 *   npm run iam-policy -- --settings-file shift.yml
 *   npm run iam-policy -- --mode dns --hosted-zone-id Z0123456789ABC --record-name shop.example.com
 *
 * A settings file is the `settings` input's YAML block; a flag wins over the file, as an input
 * given to the action wins over the block.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { INPUT_NAMES, suggestion } from '../src/action-inputs.js'
import { arnParts } from '../src/aws/arn.js'
import type { DnsSettings } from '../src/backends/dns-settings.js'
import { backendFor, MODE_NAMES } from '../src/backends/index.js'
import type { Fleet, TargetsSettings } from '../src/backends/targets-settings.js'
import { type WeightedSettings, targetInput } from '../src/backends/weighted-settings.js'
import { InputError } from '../src/errors.js'
import { GATES } from '../src/gates/index.js'
import type { InputReader } from '../src/inputs.js'
import { readLeaseInputs } from '../src/lease/index.js'
import { LEASE_LABEL } from '../src/lease/route53-txt-lease.js'
import { SETTINGS, withSettings } from '../src/settings-file.js'
import { readCommonSettings } from '../src/settings.js'
import { type Policy, type PolicyScope, scopedPolicy } from './iam-policy-scope.js'

const SETTINGS_FILE = 'settings-file'
const USAGE =
  'Usage: npm run iam-policy -- [--settings-file FILE] [--INPUT VALUE]… (INPUT: an input of ' +
  'action.yml, e.g. --mode dns)'

/** A usage mistake (not an input the action would refuse). */
export class UsageError extends Error {}

/** `--name value` and `--name=value` pairs; each input at most once. */
export function parseFlags(args: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>()
  for (let i = 0; i < args.length; i += 1) {
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(args[i])
    if (!match) throw new UsageError(`${args[i]} is not a --flag. ${USAGE}`)
    const [, name, inline] = match
    if (name !== SETTINGS_FILE && (name === SETTINGS || !INPUT_NAMES.includes(name))) {
      throw new UsageError(`--${name} is not an input of action.yml: ${suggestion(name)}`)
    }
    const value = inline ?? args[(i += 1)]
    if (value === undefined) throw new UsageError(`--${name} needs a value. ${USAGE}`)
    if (flags.has(name)) {
      throw new UsageError(`--${name} is given twice: give a list as one comma-separated value`)
    }
    flags.set(name, value)
  }
  return flags
}

/** The action's reader over the flags, with the settings file as its `settings` block. */
export function readerOf(flags: Map<string, string>, settingsText = ''): InputReader {
  // No environment: the policy is for the inputs given, not for this shell's AWS_REGION.
  return withSettings((name) => (name === SETTINGS ? settingsText : (flags.get(name) ?? '')), {})
}

/** Every input read and validated as the action reads it, then what the run would touch. */
export function scopeOf(read: InputReader): PolicyScope {
  const common = readCommonSettings(read, MODE_NAMES, {})
  const modeSettings: unknown = backendFor(common.mode).readInputs(read, common)
  const gates = new Map(GATES.map((gate) => [gate.name, gate.readInputs(read, common)]))
  readLeaseInputs(read, common.mode, modeSettings)
  const scope: PolicyScope = {
    mode: common.mode,
    partition: '*',
    autoScalingGroups: [],
    recordNames: [],
    recordTypes: [],
    healthCheckIds:
      (gates.get('route53-health-check') as { healthCheckIds: string[] } | undefined)
        ?.healthCheckIds ?? [],
    readsAlbMetrics:
      gates.get('traffic-split') !== undefined || gates.get('canary-analysis') !== undefined
  }
  switch (common.mode) {
    case 'weighted-target-groups': {
      const { arn } = targetInput(modeSettings as WeightedSettings)
      return { ...scope, ...arnScope(arn), shiftedOn: arn, leaseOn: arn }
    }
    case 'targets': {
      const { targetGroupArn, blue, green } = modeSettings as TargetsSettings
      return {
        ...scope,
        ...arnScope(targetGroupArn),
        targetGroup: targetGroupArn,
        leaseOn: targetGroupArn,
        autoScalingGroups: [blue, green].flatMap(groupOf)
      }
    }
    case 'dns': {
      const { hostedZoneId, recordName, recordType } = modeSettings as DnsSettings
      return {
        ...scope,
        hostedZoneId,
        recordNames: [recordName, `${LEASE_LABEL}.${recordName}`],
        recordTypes: [recordType, 'TXT']
      }
    }
    default:
      throw new Error(`scripts/iam-policy.ts does not know mode ${common.mode}: add its scope`)
  }
}

function arnScope(arn: string): Pick<PolicyScope, 'partition' | 'region' | 'account'> {
  const { partition, region, account } = arnParts(arn)
  return { partition, region, account }
}

function groupOf(fleet: Fleet): string[] {
  return 'autoScalingGroup' in fleet ? [fleet.autoScalingGroup] : []
}

/** Relative to where `npm run` was started (npm itself runs scripts in the package's root). */
function readSettingsFile(file: string): string {
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), file)
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new UsageError(
      `--settings-file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`
    )
  }
}

export function genericPolicy(root: string): Policy {
  return JSON.parse(readFileSync(resolve(root, 'docs/iam-policy.json'), 'utf8')) as Policy
}

/** The policy as text, or what is wrong with the command line or the inputs (exit code 2). */
export function main(args: readonly string[], root: string): { code: number; out: string } {
  try {
    const flags = parseFlags(args)
    const file = flags.get(SETTINGS_FILE)
    flags.delete(SETTINGS_FILE)
    const settingsText = file === undefined ? '' : readSettingsFile(file)
    const policy = scopedPolicy(genericPolicy(root), scopeOf(readerOf(flags, settingsText)))
    return { code: 0, out: `${JSON.stringify(policy, null, 2)}\n` }
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) {
      return { code: 2, out: error.message }
    }
    throw error
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..')
  const { code, out } = main(process.argv.slice(2), root)
  if (code === 0) process.stdout.write(out)
  else console.error(out)
  process.exitCode = code
}
