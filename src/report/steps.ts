import { escapeCell, escapeText } from './escape.js'
import { formatClock, formatDuration, formatPct } from './format.js'
import type { ShortNames } from './names.js'
import type { GateCheck, RunRecord, StepRecord } from '../record.js'

/** Why a list of the summary was cut, where it was. */
export const LIMIT_NOTE = "to keep this summary under GitHub's 1 MiB limit"

// Caps on single values, in characters, so that one huge string cannot crowd out the rest.
const SHORT = 200
const NATIVE = 300
const GATE_NAME = 100
const GATE_DETAIL = 300
const GATES_PER_STEP = 20

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

const STEP_HEADER = [
  '| # | Green | Native | Started (UTC) | Converged in | Baked | Outcome | Gates (last result) |',
  '|--:|---|---|---|--:|---|---|---|'
].join('\n')

/** The step table, its rows already rendered (and cut) by the caller. */
export function stepsSection(record: RunRecord, rows: string[]): string {
  if (record.steps.length === 0) return ''
  return [`### Steps (${record.steps.length})`, '', STEP_HEADER, ...rows].join('\n')
}

/** One step's row; ARNs in its cells are given by their short names. */
export function renderStepRow(record: RunRecord, step: StepRecord, names: ShortNames): string {
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
    `${formatPct(step.fromPercent)} → ${formatPct(step.toPercent)}`,
    escapeCell(names.shorten(step.native), NATIVE),
    planned ? '—' : formatClock(step.startedAt, record.startedAt),
    converged,
    baked,
    OUTCOMES[planned ? 'planned' : step.outcome] ?? escapeCell(String(step.outcome), SHORT),
    gatesCell(step.gates, names)
  ]
  return `| ${cells.join(' | ')} |`
}

function gatesCell(gates: GateCheck[], names: ShortNames): string {
  if (gates.length === 0) return '—'
  const shown = gates.slice(0, GATES_PER_STEP).map((check) => {
    const icon = GATE_ICONS[check.status] ?? ''
    const status = escapeText(String(check.status), SHORT)
    const detail = escapeCell(names.shorten(check.detail), GATE_DETAIL)
    return `${icon} <b>${escapeText(check.gate, GATE_NAME)}</b> (${status}): ${detail}`
  })
  if (gates.length > GATES_PER_STEP) shown.push(`… ${gates.length - GATES_PER_STEP} more gates`)
  return shown.join('<br>')
}

export function stepGap(omitted: number): string {
  return `| … | **${omitted} steps left out** ${LIMIT_NOTE} |  |  |  |  |  |  |`
}
