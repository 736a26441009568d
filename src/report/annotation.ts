import { cutAtWord, oneLine } from './escape.js'
import { failureFacts, type FailureFacts } from './failure.js'
import { formatPercent, formatSplit } from './format.js'
import { reportNames, type ShortNames } from './names.js'
import type { RunRecord } from '../record.js'

/** GitHub keeps at most 255 characters of an annotation's title (the Checks API's limit). */
export const TITLE_MAX = 255
/** The error's share of the title: a few words; the message below has it whole. */
const CAUSE_MAX = 100
const LINE_MAX = 1000

export interface Annotation {
  title: string
  message: string
}

/**
 * The error annotation of a run that failed or rolled back: a title naming the gate (or the
 * error) and a message saying what the run saw, what it did, and what AWS looks like now.
 * Plain text: annotations render no markup. Undefined for any other outcome.
 */
export function renderFailureAnnotation(record: RunRecord): Annotation | undefined {
  if (record.status !== 'failed' && record.status !== 'rolled-back') return undefined
  const facts = failureFacts(record)
  const outcome = record.status === 'rolled-back' ? 'rolled back' : 'failed'
  const at = facts.atPercent === undefined ? '' : ` at ${formatPercent(facts.atPercent)}% green`
  // Resources by their short names: an ARN is too long for a title and useless cut in half.
  const names = reportNames(record)
  const title = cutAtWord(`Traffic shift ${outcome}: ${what(record, facts, names)}${at}`, TITLE_MAX)

  const saw = facts.gate
    ? `Gate ${facts.gate.gate} reported: ${facts.gate.detail}`
    : (facts.cause?.message ?? record.failure ?? 'The run stopped without saying why.')
  const lines = [saw, did(record, facts)]
  // The failure sentence adds what the lines above lack: the rollback's own error, or more than
  // the gate or event said.
  const source = facts.gate?.detail ?? facts.cause?.message
  const failure = record.failure
  if (
    failure !== undefined &&
    failure !== saw &&
    (facts.rollbackFailed !== undefined || source === undefined || !failure.includes(source))
  ) {
    lines.push(`Details: ${failure}`)
  }
  return { title, message: lines.map((line) => oneLine(line, LINE_MAX)).join('\n') }
}

/** The gate or the error, in a few words. */
function what(record: RunRecord, facts: FailureFacts, names: ShortNames): string {
  if (facts.gate) return `gate ${facts.gate.gate} failed`
  switch (facts.cause?.kind) {
    case 'cancelled':
      return 'the run was cancelled'
    case 'out-of-band':
      return 'traffic was changed outside this run'
    case 'gate-failed':
      return 'a gate failed'
    case 'error':
      return `error: ${cutAtWord(names.shorten(facts.cause.message), CAUSE_MAX)}`
    default:
      return record.failure === undefined
        ? 'unknown error'
        : cutAtWord(names.shorten(record.failure), CAUSE_MAX)
  }
}

/** What the action did about it, and where that left traffic. */
function did(record: RunRecord, facts: FailureFacts): string {
  const now = liveNow(record, facts)
  if (record.status === 'rolled-back') {
    return `Rolled back to ${now}.`
  }
  if (facts.rollbackFailed) {
    const target = facts.rollback?.percent ?? record.rollbackPercent
    const to = target === undefined ? '' : ` to ${formatSplit(target)}`
    return `Tried to roll back${to}, but the rollback failed. AWS now shows ${now}.`
  }
  if (facts.cause?.kind === 'out-of-band') {
    return `Stopped without overwriting the outside change. AWS now shows ${now}.`
  }
  const applied = record.events.some((event) => event.kind === 'shift')
  return applied
    ? `Did not roll back. AWS now shows ${now}.`
    : `No traffic had moved, so there was nothing to roll back. AWS shows ${now}.`
}

/** The last state the record saw: the final read, else the percent the last events carried. */
function liveNow(record: RunRecord, facts: FailureFacts): string {
  const percent = record.finalPercent ?? facts.rollbackFailed?.percent
  const split = percent === undefined ? undefined : formatSplit(percent)
  if (split !== undefined && record.finalNative !== undefined) {
    return `${split} (${record.finalNative})`
  }
  return split ?? record.finalNative ?? 'a state that could not be read'
}
