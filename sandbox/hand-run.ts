/**
 * What `npm run sandbox` prints and writes so that a person can run the action against it by
 * hand: an `env` command per mode to paste into bash, and a `.env` for `npm run local-action`.
 * The runner passes an input as INPUT_<NAME> with the hyphens kept (INPUT_LISTENER-ARN); a shell
 * assignment cannot name such a variable, so the command sets them through env(1) instead.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

/** The runner's variable for an input: INPUT_ + the name in upper case, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.toUpperCase()}`
}

export function inputVariables(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [inputVariable(name), value])
  )
}

/** One bash word, single-quoted: nothing inside is expanded. */
export function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** `env 'NAME=value' … node dist/index.js`, one variable per line, ready to paste into bash. */
export function envCommand(
  variables: Record<string, string>,
  command = 'node dist/index.js'
): string {
  const words = Object.entries(variables).map(([name, value]) => shellWord(`${name}=${value}`))
  return ['env', ...words].join(' \\\n  ') + ` \\\n  ${command}`
}

/** The first line of every .env this module writes: a file without it is the user's own. */
export const ENV_FILE_MARKER = '# Written by `npm run sandbox`'

/**
 * A dotenv file (what @github/local-action reads). Values are double-quoted, as dotenv takes
 * them, so a value with spaces or a # survives; the sandbox's values hold no quote or newline.
 */
export function dotenv(variables: Record<string, string>, comment: string): string {
  const lines = Object.entries(variables).map(([name, value]) => {
    if (/["\n\r]/.test(value)) throw new Error(`${name}: a .env value cannot hold ${value}`)
    return `${name}="${value}"`
  })
  const notes = comment
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n')
  return `${ENV_FILE_MARKER}. It is rewritten on every start of the sandbox.\n${notes}\n${lines.join('\n')}\n`
}

/**
 * Writes the .env unless the file there is someone's own (it lacks the marker): returns whether it
 * wrote. Never overwriting keeps a hand-made .env, e.g. one pointed at a real account, safe.
 */
export function writeEnvFile(path: string, text: string): boolean {
  if (existsSync(path) && !readFileSync(path, 'utf8').startsWith(ENV_FILE_MARKER)) return false
  writeFileSync(path, text)
  return true
}
