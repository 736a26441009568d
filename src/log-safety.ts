/**
 * Text that reaches the log from outside the action (an alarm's StateReason, a DNS answer, a
 * health checker's report, an AWS error message) must not be able to issue workflow commands.
 * The runner reads stdout and stderr line by line (CR, LF and CRLF each end a line) and, per line,
 * honours `::command::` after any leading whitespace and the legacy `##[command]` anywhere in the
 * line; the log viewer also draws `##[group]`-style markers. A forged `::stop-commands::` would even
 * silence the action's own failure annotation.
 *
 * Written here rather than taken from @actions/core, which escapes only a command's own data
 * (`%`, CR, LF) and prints `info` text as it is.
 */

/** Invisible, and no whitespace to the runner (.NET's TrimStart) or to the log viewer. */
const ZERO_WIDTH_SPACE = '\u200B'

/**
 * Control characters other than tab and line breaks: ANSI escapes (which can hide or repaint log
 * text), NEL (whitespace to .NET, so it would count as leading whitespace), C1 controls, and
 * the Unicode line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/g

/** `::` after leading whitespace as .NET counts it (JavaScript's \s, plus NEL). */
const COMMAND_AT_LINE_START = /^([\s\u0085]*):(?=:)/

const LEGACY_COMMAND = /#(?=#\[)/g

/**
 * The text with every line break as LF, control characters shown as `\uXXXX`, and a zero-width
 * space inside each `::` that starts a line and each `##[`, so the text reads the same and no
 * line of it is a workflow command.
 */
export function neutraliseCommands(text: string): string {
  return text
    .replace(
      CONTROL,
      (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
    )
    .split(/\r\n|\r|\n/)
    .map((line) =>
      line
        .replace(COMMAND_AT_LINE_START, `$1:${ZERO_WIDTH_SPACE}`)
        .replace(LEGACY_COMMAND, `#${ZERO_WIDTH_SPACE}`)
    )
    .join('\n')
}
