/** One benchmark figure: its runs, its goal, and how it renders in the table and the JSON. */
import { relativeSpread, summarize, type Summary } from './stats.js'

/** A goal is a bound on the median; at most one of max and min. */
export interface Goal {
  max?: number
  min?: number
}

export interface Figure {
  /** Which of the seven figures this belongs to, e.g. '1. Overhead'. */
  section: string
  name: string
  unit: string
  values: number[]
  goal?: Goal
  /** Decimals shown (the JSON keeps every digit). */
  digits?: number
  /** What this is compared with, or why it is what it is, in a few words. */
  note?: string
}

export interface FigureResult extends Figure {
  summary: Summary
  /** undefined when the figure has no goal. */
  met?: boolean
}

export function evaluate(figure: Figure): FigureResult {
  const summary = summarize(figure.values)
  const { goal } = figure
  let met: boolean | undefined
  if (goal?.max !== undefined) met = summary.median <= goal.max
  else if (goal?.min !== undefined) met = summary.median >= goal.min
  return { ...figure, summary, met }
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value)
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits
  })
}

export function formatValue(value: number, unit: string, digits = 0): string {
  const number = formatNumber(value, digits)
  if (unit === '' || unit === 'count') return number
  return unit === '×' || unit === '%' ? `${number}${unit}` : `${number} ${unit}`
}

/** "1.02–1.05 (±2.9 %)", or "-" for a single run. */
export function formatSpread(result: FigureResult): string {
  const { summary, unit, digits } = result
  if (summary.runs < 2) return '-'
  const range = `${formatNumber(summary.min, digits)}–${formatValue(summary.max, unit, digits)}`
  const share = relativeSpread(summary)
  return Number.isFinite(share) ? `${range} (±${formatNumber((share * 100) / 2, 1)} %)` : range
}

export function formatGoal(goal: Goal | undefined, unit: string, digits = 0): string {
  if (goal?.max !== undefined) return `≤ ${formatValue(goal.max, unit, digits)}`
  if (goal?.min !== undefined) return `≥ ${formatValue(goal.min, unit, digits)}`
  return ''
}

export function verdict(result: FigureResult): string {
  if (result.met === undefined) return ''
  return result.met ? 'met' : 'MISSED'
}
