/**
 * The summary's canary table: per step, green against blue on the ALB's own figures (requests,
 * 5XX rate, p99 TargetResponseTime) beside the applied and observed share, and each sequential
 * check's e-value against the threshold it fails at. Rendered from the steps' observations.
 */
import { applyKept } from './bound.js'
import { escapeText } from './escape.js'
import { formatClock, formatPct } from './format.js'
import { type StepFigures, stepFigures } from './observations.js'
import type { Evidence, RunRecord, SideFigures, StepRecord } from '../record.js'

/** Rows kept at most (the first and last halves): a 1,000-step run must not crowd the summary. */
export const CANARY_ROWS = 100
const CHECK_NAME = 60

const HEADER = [
  '| # | Green: applied → observed | Minutes (UTC) | Requests green / blue | 5XX green / blue | p99 green / blue | Verdict |',
  '|--:|---|---|--:|--:|--:|---|'
].join('\n')

const ICONS: Record<Evidence['status'], string> = { pass: '✅', pending: '⏳', fail: '❌' }

const count = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : '—')

/** e-values span hundreds of orders of magnitude: plain up to a million, then powers of ten. */
export function formatEValue(e: number): string {
  if (!Number.isFinite(e)) return '—'
  if (e >= 1e6) return e.toExponential(2)
  return e >= 100 ? count(Math.round(e)) : e.toPrecision(3)
}

function rate(side: SideFigures): string {
  if (!(side.requests > 0)) return '—'
  return `${((side.errors / side.requests) * 100).toFixed(2)}%`
}

function p99(side: SideFigures): string {
  if (side.p99 === undefined || !Number.isFinite(side.p99)) return '—'
  const ms = side.p99 * 1000
  return `${ms >= 100 ? Math.round(ms) : ms.toPrecision(3)} ms`
}

function minutes(window: { start: number; end: number } | undefined, reference: number): string {
  if (!window) return '—'
  return `${formatClock(window.start, reference)} – ${formatClock(window.end, reference)}`
}

function verdict(evidence: Evidence[]): string {
  if (evidence.length === 0) return '—'
  return evidence
    .map((check) => {
      const icon = ICONS[check.status] ?? ''
      const name = escapeText(String(check.check), CHECK_NAME)
      return `${icon} ${name}: e-value ${formatEValue(check.eValue)} (fails at ${formatEValue(check.threshold)})`
    })
    .join('<br>')
}

function row(record: RunRecord, step: StepRecord, figures: StepFigures): string {
  const observed = figures.share ? formatPct(figures.share.value * 100) : 'not judged'
  const sides = figures.sides
  const pair = (render: (side: SideFigures) => string) =>
    sides ? `${render(sides.green)} / ${render(sides.blue)}` : '—'
  const cells = [
    String(step.index + 1),
    `${formatPct(step.toPercent)} → ${observed}`,
    minutes(sides?.window ?? figures.share?.window, record.startedAt),
    pair((side) => count(side.requests)),
    pair(rate),
    pair(p99),
    verdict(figures.evidence)
  ]
  return `| ${cells.join(' | ')} |`
}

/** '' when no step has an observation (no canary gate, or a run that never baked). */
export function canarySection(record: RunRecord): string {
  const rows = record.steps.flatMap((step) => {
    const figures = stepFigures(step)
    return figures ? [{ step, figures }] : []
  })
  if (rows.length === 0) return ''
  const half = CANARY_ROWS / 2
  const kept =
    rows.length <= CANARY_ROWS
      ? { head: rows.length, tail: 0, omitted: 0 }
      : { head: half, tail: half, omitted: rows.length - CANARY_ROWS }
  const rendered = applyKept(
    rows.length,
    (i) => row(record, rows[i].step, rows[i].figures),
    kept,
    (omitted) => `| … | **${omitted} steps left out** |  |  |  |  |  |`
  )
  return [
    '### Canary: green against blue',
    '',
    "Each step's own minutes as CloudWatch published them; the verdict weighs every minute " +
      'since green first took traffic, and a check fails once its e-value reaches 1/α.',
    '',
    HEADER,
    ...rendered
  ].join('\n')
}
