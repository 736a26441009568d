import { applyKept, fitLists, memo, utf8Bytes, type Kept } from './bound.js'
import { canarySection } from './canary.js'
import { renderChart } from './chart.js'
import { contextSection, resourcesSection } from './context.js'
import { clip, code, codeBlock, escapeCell, escapeText } from './escape.js'
import { failureFacts } from './failure.js'
import { formatClock, formatPct, formatSeconds, formatSplit } from './format.js'
import { safeJson } from './json.js'
import { reportNames, type ShortNames } from './names.js'
import { LIMIT_NOTE, renderStepRow, stepGap, stepsSection } from './steps.js'
import type { RunEvent, RunRecord, RunStatus } from '../record.js'

/** GitHub keeps at most 1 MiB of summary per step; stay well below it. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024

// Caps on single values, in characters, so that one huge string cannot crowd out the rest.
const SHORT = 200
const LONG = 2000
const GATE_NAME = 100
const MESSAGE = 500
const PARAMETERS = 4000

// When the lists must be cut, each keeps at least this much (events are cut first).
const EVENTS_FLOOR = 32 * 1024
const STEPS_FLOOR = 128 * 1024

const HEADLINES: Record<RunStatus | 'unfinished', string> = {
  succeeded: '✅ Traffic shift succeeded',
  'rolled-back': '↩️ Traffic shift rolled back',
  failed: '❌ Traffic shift failed',
  'no-op': '⏺️ No-op: traffic was already where requested',
  planned: '📝 Planned (dry run): nothing was changed',
  unfinished: '⚠️ Traffic shift did not finish'
}

/**
 * The job summary of a run: GitHub-flavoured Markdown with HTML, every interpolated value
 * escaped, and never more than SUMMARY_BUDGET_BYTES (UTF-8) whatever the length of the run: the
 * events timeline is cut first, then the step table, then the planned calls, each keeping its
 * first and last rows.
 */
export function renderSummary(record: RunRecord): string {
  const names = reportNames(record)
  const stepRow = memo((i) => renderStepRow(record, record.steps[i], names))
  const callBlock = memo((i) => renderPlannedCall(record.plannedCalls[i], i))
  const eventRow = memo((i) => renderEventRow(record, record.events[i], names))
  const counts = [record.events.length, record.steps.length, record.plannedCalls.length]

  const top = [
    headline(record),
    failureSection(record),
    warningsSection(record),
    contextSection(record, names)
  ]
  const middle = [
    renderChart(record, names.of(record.target)),
    canarySection(record),
    finalSection(record)
  ]
  // The sections in order, with the three lists cut as `kept` says.
  const layout = ([events, steps, calls]: Kept[]) =>
    join([
      ...top,
      stepsSection(record, applyKept(counts[1], stepRow, steps, stepGap)),
      ...middle,
      callsSection(record, applyKept(counts[2], callBlock, calls, callGap)),
      eventsSection(applyKept(counts[0], eventRow, events, eventGap), counts[0]),
      resourcesSection(names, record.target)
    ])

  // Everything but the three lists, with the notes that say what was cut.
  const fixed = utf8Bytes(layout(counts.map((count) => ({ head: 0, tail: 0, omitted: count }))))
  // Each row or block costs its bytes and the line breaks that join it to the next.
  const size = (render: (i: number) => string) => (i: number) => utf8Bytes(render(i)) + 2
  const kept = fitLists(
    [
      { count: counts[0], size: size(eventRow), floor: EVENTS_FLOOR },
      { count: counts[1], size: size(stepRow), floor: STEPS_FLOOR },
      { count: counts[2], size: size(callBlock), floor: 0 }
    ],
    SUMMARY_BUDGET_BYTES - fixed
  )
  return cutToBudget(layout(kept))
}

function join(sections: string[]): string {
  return `${sections.filter((section) => section !== '').join('\n\n')}\n`
}

function headline(record: RunRecord): string {
  const split =
    record.finalPercent === undefined ? 'final split unknown' : formatSplit(record.finalPercent)
  const planned =
    record.status === 'planned'
      ? ` (the run would take green to ${formatPct(record.requestedPercent)})`
      : ''
  return `## ${HEADLINES[record.status ?? 'unfinished']}: ${split}${planned}`
}

/** At most this many warnings are listed; the log has them all. */
const WARNINGS_SHOWN = 20

/**
 * The run's warnings (inspection, a lease taken over or broken): each was a log line and an
 * annotation, but someone reading only the summary must see them too.
 */
function warningsSection(record: RunRecord): string {
  const warnings = record.warnings ?? []
  if (warnings.length === 0) return ''
  const shown = warnings
    .slice(0, WARNINGS_SHOWN)
    .map((warning) => `> - ${escapeText(warning, LONG)}`)
  const more = warnings.length - shown.length
  return [
    '> **Warnings:**',
    ...shown,
    ...(more > 0 ? [`> - … and ${more} more in the log`] : [])
  ].join('\n')
}

function failureSection(record: RunRecord): string {
  if (record.status !== 'failed' && record.status !== 'rolled-back' && record.failure === undefined)
    return ''
  const facts = failureFacts(record)
  const lines: string[] = []
  if (facts.gate) {
    lines.push(
      `**Failed gate:** <b>${escapeText(facts.gate.gate, GATE_NAME)}</b>: ` +
        escapeText(facts.gate.detail, LONG)
    )
  }
  if (record.failure !== undefined) lines.push(`**Reason:** ${escapeText(record.failure, LONG)}`)
  if (record.status === 'rolled-back' && facts.rollback?.percent !== undefined) {
    lines.push(`**Rolled back to:** ${formatSplit(facts.rollback.percent)}`)
  }
  return lines.map((line) => `> ${line}`).join('\n>\n')
}

function finalSection(record: RunRecord): string {
  if (record.finalPercent === undefined && record.finalNative === undefined) {
    const lead =
      record.status === undefined ? 'Unknown' : 'Unknown: the live state could not be read'
    return `### Final state\n\n${lead}.`
  }
  const split =
    record.finalPercent === undefined ? 'split unknown' : formatSplit(record.finalPercent)
  const native =
    record.finalNative === undefined ? '' : ` (${escapeText(record.finalNative, LONG)})`
  return `### Final state\n\n**${split}**${native}`
}

function callsSection(record: RunRecord, blocks: string[]): string {
  if (record.plannedCalls.length === 0) return ''
  return [`### Planned calls (${record.plannedCalls.length})`, ...blocks].join('\n\n')
}

function renderPlannedCall(call: RunRecord['plannedCalls'][number], index: number): string {
  const title = `**${index + 1}.** ${code(String(call.service), SHORT)} ${code(String(call.operation), SHORT)}`
  return `${title}\n\n${codeBlock(clip(safeJson(call.parameters, 2), PARAMETERS), 'json')}`
}

function callGap(omitted: number): string {
  return `**… ${omitted} planned calls left out** ${LIMIT_NOTE}.`
}

const EVENT_HEADER = [
  '| Time (UTC) | +s | Event | Green | Message |',
  '|---|--:|---|--:|---|'
].join('\n')

function eventsSection(rows: string[], count: number): string {
  if (count === 0) return ''
  return [
    '<details>',
    `<summary>Events (${count})</summary>`,
    '',
    EVENT_HEADER,
    ...rows,
    '',
    '</details>'
  ].join('\n')
}

function renderEventRow(record: RunRecord, event: RunEvent, names: ShortNames): string {
  const cells = [
    formatClock(event.at, record.startedAt),
    formatSeconds(event.at - record.startedAt),
    code(String(event.kind), SHORT),
    event.percent === undefined ? '' : formatPct(event.percent),
    escapeCell(names.shorten(event.message), MESSAGE)
  ]
  return `| ${cells.join(' | ')} |`
}

function eventGap(omitted: number): string {
  return `| … |  |  |  | **${omitted} events left out** ${LIMIT_NOTE} |`
}

/** A last guard: the caps above should make it unreachable, but the limit is GitHub's, not ours. */
function cutToBudget(summary: string): string {
  if (utf8Bytes(summary) <= SUMMARY_BUDGET_BYTES) return summary
  const note = `\n\n**Summary cut short** ${LIMIT_NOTE}.\n`
  const bytes = Buffer.from(summary, 'utf8').subarray(0, SUMMARY_BUDGET_BYTES - utf8Bytes(note))
  // Decoding drops a character cut in half as U+FFFD; remove it rather than show it.
  return `${bytes.toString('utf8').replace(/\uFFFD$/, '')}${note}`
}
