import { describe, expect, it } from '@jest/globals'
import { applyKept, fitLists, keepEnds } from '../../src/report/bound.js'
import {
  clip,
  codeBlock,
  cutAtWord,
  escapeCell,
  escapeText,
  mermaidLabel,
  oneLine
} from '../../src/report/escape.js'
import { formatDuration, formatPercent, formatSplit } from '../../src/report/format.js'
import { safeJson } from '../../src/report/json.js'

const list = (sizes: number[]) => ({ count: sizes.length, size: (i: number) => sizes[i] })

describe('escape', () => {
  it('turns every Markdown and HTML special character into a reference', () => {
    expect(escapeText('a&b<c>d"e\'f|g`h*i_j~k[l]m\\n$o#p!q', 100)).toBe(
      'a&#38;b&#60;c&#62;d&#34;e&#39;f&#124;g&#96;h&#42;i&#95;j&#126;k&#91;l&#93;m&#92;n&#36;o&#35;p&#33;q'
    )
  })

  it('keeps line breaks in cells as <br> and drops control characters', () => {
    expect(escapeCell('a\r\nb\nc\rd\u0000\u001b[31m', 100)).toBe('a<br>b<br>c<br>d&#91;31m')
    expect(escapeText('a\nb', 100)).toBe('a b')
  })

  it('clips without splitting a surrogate pair', () => {
    expect(clip('abc', 3)).toBe('abc')
    expect(clip('ab😀cd', 3)).toBe('ab… (4 more characters)')
    expect(clip('ab😀cd', 4)).toBe('ab😀… (2 more characters)')
  })

  it('fences a code block longer than any backtick run inside', () => {
    expect(codeBlock('a ``` b', 'json')).toBe('````json\na ``` b\n````')
    expect(codeBlock('plain')).toBe('```\nplain\n```')
  })

  it('cuts a title at a word boundary with an ellipsis, on one line', () => {
    expect(cutAtWord('short title', 20)).toBe('short title')
    expect(cutAtWord('gate alarms failed: shop-5xx is ALARM', 25)).toBe('gate alarms failed…')
    expect(cutAtWord('one\ntwo  three four', 14)).toBe('one two three…')
    expect(cutAtWord('a'.repeat(30), 10)).toBe(`${'a'.repeat(9)}…`)
    expect(cutAtWord('ab😀cd efgh', 4)).toBe('ab…')
    const text = 'Traffic shift failed: error: Throttling rate exceeded'
    for (let max = 12; max < text.length; max++) {
      const cut = cutAtWord(text, max)
      expect(cut.length).toBeLessThanOrEqual(max)
      // What is kept is whole words of the text.
      expect(text.startsWith(cut.slice(0, -1))).toBe(true)
      expect(text[cut.length - 1]).toMatch(/[\s:]/)
    }
  })

  it('escapes mermaid labels and one-line text', () => {
    expect(mermaidLabel('a"b#c;d', 100)).toBe('a#34;b#35;c#59;d')
    expect(oneLine('  a\n\tb  ', 100)).toBe('a b')
  })
})

describe('format', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [12.5, '12.5'],
    [33.333, '33.3'],
    [99.96, '100']
  ])('percent %p → %p', (value, expected) => {
    expect(formatPercent(value)).toBe(expected)
  })

  it('splits into green and blue', () => {
    expect(formatSplit(12.5)).toBe('green 12.5% / blue 87.5%')
  })

  it.each([
    [450, '450ms'],
    [12_500, '12.5s'],
    [59_960, '1m'],
    [125_000, '2m 5s'],
    [3_600_000, '1h'],
    [3_723_000, '1h 2m 3s'],
    [-2000, '-2s']
  ])('duration %p → %p', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected)
  })
})

describe('bound', () => {
  it('keeps items from both ends while they fit', () => {
    expect(keepEnds(list([1, 1, 1, 1, 1]), 3)).toEqual({ head: 2, tail: 1, omitted: 2, used: 3 })
    expect(keepEnds(list([1, 1]), 10)).toEqual({ head: 1, tail: 1, omitted: 0, used: 2 })
    expect(keepEnds(list([5, 1]), 4)).toEqual({ head: 0, tail: 0, omitted: 2, used: 0 })
  })

  it('places the gap where the cut is', () => {
    const kept = { head: 2, tail: 1, omitted: 2 }
    expect(
      applyKept(
        5,
        (i) => `r${i}`,
        kept,
        (n) => `gap ${n}`
      )
    ).toEqual(['r0', 'r1', 'gap 2', 'r4'])
    expect(applyKept(5, (i) => `r${i}`, kept)).toEqual(['r0', 'r1', 'r4'])
  })

  it('cuts the first list down to its floor before touching the next', () => {
    const [first, second] = fitLists(
      [
        { ...list(Array(100).fill(10)), floor: 50 },
        { ...list(Array(10).fill(10)), floor: 0 }
      ],
      200
    )
    expect(first).toEqual({ head: 5, tail: 5, omitted: 90 })
    expect(second).toEqual({ head: 5, tail: 5, omitted: 0 })
    const [small, rest] = fitLists(
      [
        { ...list(Array(100).fill(10)), floor: 50 },
        { ...list(Array(100).fill(10)), floor: 0 }
      ],
      200
    )
    expect(small.head + small.tail).toBe(5)
    expect(rest.head + rest.tail).toBe(15)
  })
})

describe('safeJson', () => {
  it('never throws, and clips long strings when asked', () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(safeJson(cycle)).toMatch(/^"\[not serializable: /)
    expect(safeJson(undefined)).toBe('null')
    expect(safeJson({ n: 1n, s: 'abcdef' }, undefined, 3)).toBe(
      '{"n":"1","s":"abc… (3 more characters)"}'
    )
  })
})
