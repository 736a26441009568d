/** The figures as a plain-text table (terminal) and as Markdown (README): pure renderings. */
import { type FigureResult, formatGoal, formatSpread, formatValue, verdict } from './figure.js'

const HEADERS = ['Figure', 'Median', 'Spread (min–max)', 'Runs', 'Goal', 'Verdict', 'Note']

export function rows(results: readonly FigureResult[]): string[][] {
  return results.map((result) => [
    `${result.section.split('.')[0]}. ${result.name}`,
    formatValue(result.summary.median, result.unit, result.digits),
    formatSpread(result),
    String(result.summary.runs),
    formatGoal(result.goal, result.unit, result.digits),
    verdict(result),
    result.note ?? ''
  ])
}

/** Columns padded to their widest cell; the note column last and unpadded. */
export function renderText(results: readonly FigureResult[]): string {
  const table = [HEADERS, ...rows(results)]
  const widths = HEADERS.map((_, column) =>
    Math.max(...table.map((row) => [...row[column]].length))
  )
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat(widths[column] - [...cell].length)
      )
      .join('  ')
      .trimEnd()
  const rule = widths.map((width, column) => '─'.repeat(column === widths.length - 1 ? 4 : width))
  return [line(HEADERS), rule.join('  '), ...rows(results).map(line)].join('\n')
}

/** A GitHub Markdown table; pipes in cells are escaped. */
export function renderMarkdown(results: readonly FigureResult[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|')
  const line = (row: string[]) => `| ${row.map(cell).join(' | ')} |`
  return [line(HEADERS), line(HEADERS.map(() => '---')), ...rows(results).map(line)].join('\n')
}
