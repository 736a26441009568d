import { applyKept, fitLists, memo, utf8Bytes, type Kept } from './bound.js'
import { renderChart } from './chart.js'
import { clip, code, codeBlock, escapeAttribute, escapeCell, escapeText } from './escape.js'
import { failureFacts } from './failure.js'
import {
  formatClock,
  formatDuration,
  formatPercent,
  formatSeconds,
  formatSplit,
  formatTimestamp
} from './format.js'
import { safeJson } from './json.js'
import type { GateCheck, RunEvent, RunRecord, RunStatus, StepRecord } from '../record.js'

/** GitHub keeps at most 1 MiB of summary per step; stay well below it. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024

// Caps on single values, in characters, so that one huge string cannot crowd out the rest.
const SHORT = 200
const TARGET = 500
const LONG = 2000
const NATIVE = 300
const GATE_NAME = 100
const GATE_DETAIL = 300
const GATES_PER_STEP = 20
const MESSAGE = 500
const PARAMETERS = 4000
const SCHEDULE = 300

// When the lists must be cut, each keeps at least this much (events are cut first).
const EVENTS_FLOOR = 32 * 1024
const STEPS_FLOOR = 128 * 1024
const LIMIT_NOTE = "to keep this summary under GitHub's 1 MiB limit"

const HEADLINES: Record<RunStatus | 'unfinished', string> = {
  succeeded: '✅ Traffic shift succeeded',
  'rolled-back': '↩️ Traffic shift rolled back',
  failed: '❌ Traffic shift failed',
  'no-op': '⏺️ No-op: traffic was already where requested',
  planned: '📝 Planned (dry run): nothing was changed',
  unfinished: '⚠️ Traffic shift did not finish'
}

const OUTCOMES: Record<StepRecord['outcome'] | 'planned', string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  cancelled: '⏹️ cancelled',
  error: '⚠️ error',
  running: '⏳ running',
  planned: '📝 planned'
}

const GATE_ICONS: Record<GateCheck['status'], string> = {
  pass: '✅',
  pending: '⏳',
  fail: '❌'
}

/**
 * The job summary of a run: GitHub-flavoured Markdown with HTML, every interpolated value
 * escaped, and never more than SUMMARY_BUDGET_BYTES (UTF-8) whatever the length of the run: the
 * events timeline is cut first, then the step table, then the planned calls, each keeping its
 * first and last rows.
 */
export function renderSummary(record: RunRecord): string {
  const stepRow = memo((i) => renderStepRow(record, record.steps[i]))
  const callBlock = memo((i) => renderPlannedCall(record.plannedCalls[i], i))
  const eventRow = memo((i) => renderEventRow(record, record.events[i]))
  const counts = [record.events.length, record.steps.length, record.plannedCalls.length]

  const top = [headline(record), failureSection(record), contextSection(record)]
  const middle = [renderChart(record), finalSection(record)]
  // The sections in order, with the three lists cut as `kept` says.
  const layout = ([events, steps, calls]: Kept[]) =>
    join([
      ...top,
      stepsSection(record, applyKept(counts[1], stepRow, steps, stepGap)),
      ...middle,
      callsSection(record, applyKept(counts[2], callBlock, calls, callGap)),
      eventsSection(applyKept(counts[0], eventRow, events, eventGap), counts[0])
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
      ? ` (the run would take green to ${pct(record.requestedPercent)})`
      : ''
  return `## ${HEADLINES[record.status ?? 'unfinished']}: ${split}${planned}`
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

function contextSection(record: RunRecord): string {
  const { context } = record
  const origin = webOrigin(context.runUrl)
  const items: string[] = []
  if (context.repository !== undefined) {
    const repoUrl =
      origin && /^[\w.-]+\/[\w.-]+$/.test(context.repository)
        ? `${origin}/${context.repository}`
        : undefined
    items.push(`**Repository:** ${link(repoUrl, escapeText(context.repository, SHORT))}`)
    if (context.sha !== undefined) {
      const commitUrl =
        repoUrl && /^[0-9a-f]{7,64}$/i.test(context.sha)
          ? `${repoUrl}/commit/${context.sha}`
          : undefined
      items.push(`**Commit:** ${link(commitUrl, code(context.sha.slice(0, 12), SHORT))}`)
    }
  } else if (context.sha !== undefined) {
    items.push(`**Commit:** ${code(context.sha.slice(0, 12), SHORT)}`)
  }
  if (context.actor !== undefined) items.push(`**Actor:** ${escapeText(context.actor, SHORT)}`)
  const workflow = [context.workflow, context.job]
    .filter((part): part is string => part !== undefined)
    .map((part) => escapeText(part, SHORT))
    .join(' › ')
  if (context.runUrl !== undefined) {
    const runUrl = origin ? context.runUrl : undefined
    const text = workflow || escapeText(context.runUrl, SHORT)
    items.push(`**Run:** ${link(runUrl, text)}`)
  } else if (workflow) {
    items.push(`**Workflow:** ${workflow}`)
  }
  items.push(`**Target:** ${code(record.target, TARGET)} (mode ${code(record.mode, SHORT)})`)
  items.push(`**Requested:** ${requested(record)}`)
  const times = [`**Started:** ${formatTimestamp(record.startedAt)}`]
  if (record.finishedAt !== undefined) {
    times.push(`**Finished:** ${formatTimestamp(record.finishedAt)}`)
    times.push(`**Duration:** ${formatDuration(record.finishedAt - record.startedAt)}`)
  }
  items.push(times.join(' · '))
  return items.map((item) => `- ${item}`).join('\n')
}

function requested(record: RunRecord): string {
  const parts = [`green to ${pct(record.requestedPercent)}`]
  if (record.startPercent !== undefined) parts.push(`from ${pct(record.startPercent)}`)
  if (record.schedule.length > 0) {
    const schedule = record.schedule.map(pct).join(' → ')
    parts.push(`waypoints ${escapeText(schedule, SCHEDULE)}`)
  }
  if (record.rollbackPercent !== undefined) {
    parts.push(`rollback to ${pct(record.rollbackPercent)}`)
  }
  if (record.dryRun) parts.push('dry run')
  return parts.join('; ')
}

const STEP_HEADER = [
  '| # | Green | Native | Started (UTC) | Converged in | Baked | Outcome | Gates (last result) |',
  '|--:|---|---|---|--:|---|---|---|'
].join('\n')

function stepsSection(record: RunRecord, rows: string[]): string {
  if (record.steps.length === 0) return ''
  return [`### Steps (${record.steps.length})`, '', STEP_HEADER, ...rows].join('\n')
}

function renderStepRow(record: RunRecord, step: StepRecord): string {
  const planned = record.status === 'planned' && step.outcome === 'running'
  const converged =
    step.convergedAt !== undefined
      ? formatDuration(step.convergedAt - step.startedAt)
      : planned || step.outcome === 'running'
        ? '—'
        : 'did not converge'
  const baked =
    step.convergedAt !== undefined && step.finishedAt !== undefined
      ? `${formatDuration(step.finishedAt - step.convergedAt)} of ${formatDuration(step.bakeMs)}`
      : planned
        ? `${formatDuration(step.bakeMs)} (planned)`
        : '—'
  const cells = [
    String(step.index + 1),
    `${pct(step.fromPercent)} → ${pct(step.toPercent)}`,
    escapeCell(step.native, NATIVE),
    planned ? '—' : formatClock(step.startedAt, record.startedAt),
    converged,
    baked,
    OUTCOMES[planned ? 'planned' : step.outcome] ?? escapeCell(String(step.outcome), SHORT),
    gatesCell(step.gates)
  ]
  return `| ${cells.join(' | ')} |`
}

function gatesCell(gates: GateCheck[]): string {
  if (gates.length === 0) return '—'
  const shown = gates.slice(0, GATES_PER_STEP).map((check) => {
    const icon = GATE_ICONS[check.status] ?? ''
    const status = escapeText(String(check.status), SHORT)
    return `${icon} <b>${escapeText(check.gate, GATE_NAME)}</b> (${status}): ${escapeCell(check.detail, GATE_DETAIL)}`
  })
  if (gates.length > GATES_PER_STEP) shown.push(`… ${gates.length - GATES_PER_STEP} more gates`)
  return shown.join('<br>')
}

function stepGap(omitted: number): string {
  return `| … | **${omitted} steps left out** ${LIMIT_NOTE} |  |  |  |  |  |  |`
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

function renderEventRow(record: RunRecord, event: RunEvent): string {
  const cells = [
    formatClock(event.at, record.startedAt),
    formatSeconds(event.at - record.startedAt),
    code(String(event.kind), SHORT),
    event.percent === undefined ? '' : pct(event.percent),
    escapeCell(event.message, MESSAGE)
  ]
  return `| ${cells.join(' | ')} |`
}

function eventGap(omitted: number): string {
  return `| … |  |  |  | **${omitted} events left out** ${LIMIT_NOTE} |`
}

function pct(percent: number): string {
  return `${formatPercent(percent)}%`
}

/** The scheme and host of the run's own URL, so links to the repository work on GHES too. */
function webOrigin(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined
  } catch {
    return undefined
  }
}

function link(href: string | undefined, html: string): string {
  return href === undefined ? html : `<a href="${escapeAttribute(href)}">${html}</a>`
}

/** A last guard: the caps above should make it unreachable, but the limit is GitHub's, not ours. */
function cutToBudget(summary: string): string {
  if (utf8Bytes(summary) <= SUMMARY_BUDGET_BYTES) return summary
  const note = `\n\n**Summary cut short** ${LIMIT_NOTE}.\n`
  const bytes = Buffer.from(summary, 'utf8').subarray(0, SUMMARY_BUDGET_BYTES - utf8Bytes(note))
  // Decoding drops a character cut in half as U+FFFD; remove it rather than show it.
  return `${bytes.toString('utf8').replace(/\uFFFD$/, '')}${note}`
}
