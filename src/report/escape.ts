/**
 * Escaping for every place the report puts a value: Markdown text and table cells (GitHub renders
 * HTML in both, and the toolkit's summary helpers escape nothing), fenced code blocks, mermaid
 * labels and plain one-line text (annotations).
 */

// Characters HTML or GitHub Markdown could read as syntax. Each becomes a numeric character
// reference: Markdown treats references as literal text, so a `*`, `|`, `[`, `$` or backtick in a
// value stays a character and cannot open emphasis, split a table cell, start a link, math or code.
const SPECIAL = /[&<>"'|`*_~[\]\\$#!]/g
// C0 controls other than tab and newlines, and DEL: never meaningful in a report.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g
const NEWLINES = /\r\n|\r|\n|\u2028|\u2029/g

/** Cuts text to at most `max` UTF-16 units (plus a note), never inside a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end -= 1
  return `${text.slice(0, end)}… (${text.length - end} more characters)`
}

function references(text: string): string {
  return text.replace(CONTROL, '').replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`)
}

/** A value in running Markdown text: literal, on one line. */
export function escapeText(value: string, max: number): string {
  return references(clip(value, max).replace(NEWLINES, ' '))
}

/** A value in a Markdown table cell: literal; its line breaks become `<br>`. */
export function escapeCell(value: string, max: number): string {
  return clip(value, max).split(NEWLINES).map(references).join('<br>')
}

/** A value in a double-quoted HTML attribute. */
export function escapeAttribute(value: string): string {
  return references(value.replace(NEWLINES, ' '))
}

/** Inline code whose content is literal whatever it holds (backticks included). */
export function code(value: string, max: number): string {
  return `<code>${escapeText(value, max)}</code>`
}

/** A fenced code block whose fence no run of backticks in the content can close. */
export function codeBlock(content: string, language = ''): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${language}\n${content.replace(CONTROL, '')}\n${fence}`
}

/**
 * A label inside a double-quoted mermaid string. Mermaid decodes `#name;` and `#code;` entity
 * codes in every diagram, so quotes, `#` and statement separators become codes, not syntax.
 */
export function mermaidLabel(value: string, max: number): string {
  return clip(value, max)
    .replace(NEWLINES, ' ')
    .replace(CONTROL, '')
    .replace(/[#"<>`;]/g, (c) => `#${c.charCodeAt(0)};`)
}

/** Plain text on one line (annotation titles): no markup, no control characters. */
export function oneLine(value: string, max: number): string {
  return clip(value.replace(NEWLINES, ' ').replace(CONTROL, '').replace(/\s+/g, ' ').trim(), max)
}

/**
 * Plain text on one line, cut at a word boundary with "…" when longer than `max` (titles, where
 * "… (N more characters)" would not fit and half a word reads as a typo). A text with no space
 * in its second half is cut where it must be, never inside a surrogate pair.
 */
export function cutAtWord(value: string, max: number): string {
  const line = oneLine(value, Number.MAX_SAFE_INTEGER)
  if (line.length <= max) return line
  const room = max - 1
  let end = line.lastIndexOf(' ', room)
  if (end < room / 2) {
    end = room
    const code = line.charCodeAt(end - 1)
    if (code >= 0xd800 && code <= 0xdbff) end -= 1
  }
  return `${line.slice(0, end).replace(/[\s,;:]+$/, '')}…`
}
