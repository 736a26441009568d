/** For tests: which workflow commands a runner would find in the action's output. */

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
