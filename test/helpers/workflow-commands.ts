/** For tests: which workflow commands a runner would find in the action's output. */
import { expect } from '@jest/globals'

/** A workflow command as the runner would find it in one line of output. */
export interface FoundCommand {
  form: '::' | '##['
  command: string
  line: string
}

/**
 * The workflow commands the runner would act on in this output, found the way it parses them:
 * per line (CR, LF or CRLF), `::name` after leading whitespace, `##[name` anywhere.
 */
export function workflowCommandsIn(output: string): FoundCommand[] {
  const found: FoundCommand[] = []
  for (const line of output.split(/\r\n|\r|\n/)) {
    const modern = /^[\s\u0085]*::([^\s:]*)/.exec(line)
    if (modern) {
      found.push({ form: '::', command: modern[1], line })
      continue
    }
    for (const legacy of line.matchAll(/##\[([^\s\]]*)/g)) {
      found.push({ form: '##[', command: legacy[1], line })
    }
  }
  return found
}

/** What an attacker who controls a text (an alarm reason, a DNS answer…) would write. */
export const FORGED = [
  'Threshold crossed',
  '::set-output name=status::succeeded',
  '  ::error title=x::forged',
  '::stop-commands::pwn',
  '::add-mask::x',
  'see ##[add-mask]x'
].join('\n')

/** The commands FORGED tries to issue. */
const FORGED_COMMANDS = ['set-output', 'stop-commands', 'add-mask']

/** The forged text reached the log line by line, and the runner would find none of it a command. */
export function expectNoForgedCommand(stdout: string): void {
  expect(stdout.replace(/\u200B/g, '')).toMatch(/^::stop-commands::pwn$/m)
  const commands = workflowCommandsIn(stdout)
  expect(commands.filter((found) => FORGED_COMMANDS.includes(found.command))).toEqual([])
  expect(commands.filter((found) => found.form === '##[')).toEqual([])
  for (const found of commands) {
    expect(['group', 'endgroup', 'warning', 'error', 'debug']).toContain(found.command)
  }
}
