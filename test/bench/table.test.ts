import { describe, expect, it } from '@jest/globals'
import { evaluate } from '../../bench/figure.js'
import { renderMarkdown, renderText } from '../../bench/table.js'

const ratio = evaluate({
  section: '1. Overhead',
  name: 'Overhead ratio',
  unit: '×',
  digits: 2,
  values: [1.1, 1.05, 1.2],
  goal: { max: 1.02 }
})
const size = evaluate({ section: '3. Bundle', name: 'dist/index.js', unit: 'KiB', values: [1704] })

describe('bench table', () => {
  it('judges the median against the goal', () => {
    expect(ratio.summary.median).toBe(1.1)
    expect(ratio.met).toBe(false)
    expect(evaluate({ ...ratio, goal: { max: 1.5 } }).met).toBe(true)
    expect(size.met).toBeUndefined()
  })

  it('renders aligned text columns with median, spread, runs, goal and verdict', () => {
    const lines = renderText([ratio, size]).split('\n')
    expect(lines[0]).toMatch(/^Figure\s+Median\s+Spread \(min–max\)\s+Runs\s+Goal\s+Verdict/)
    expect(lines[2]).toContain('1. Overhead ratio')
    expect(lines[2]).toContain('1.10×')
    expect(lines[2]).toContain('1.05–1.20× (±6.8 %)')
    expect(lines[2]).toContain('≤ 1.02×')
    expect(lines[2]).toContain('MISSED')
    expect(lines[3]).toMatch(/^3\. dist\/index\.js\s+1,704 KiB\s+-\s+1\s*$/)
    // Every column starts at the same place on every line.
    expect(lines[2].indexOf('1.10×')).toBe(lines[0].indexOf('Median'))
  })

  it('renders a Markdown table with pipes escaped', () => {
    const markdown = renderMarkdown([{ ...size, note: 'a | b' }]).split('\n')
    expect(markdown[1]).toBe('| --- | --- | --- | --- | --- | --- | --- |')
    expect(markdown[2]).toBe('| 3. dist/index.js | 1,704 KiB | - | 1 |  |  | a \\| b |')
  })
})
