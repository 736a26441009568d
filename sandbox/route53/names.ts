/**
 * DNS names as Route 53 stores them: lower case, fully qualified (trailing dot), and with `*`
 * written as the octal escape `\052`, which is how ListResourceRecordSets returns wildcards.
 */

/** True when the name can be stored; the caller decides which error that deserves. */
export function isValidName(name: string): boolean {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name
  if (bare.length === 0 || bare.length > 253) return false
  // Route 53 accepts most printable ASCII in a label; a space or control character never.
  return bare
    .split('.')
    .every((label) => label.length > 0 && label.length <= 63 && /^[!-~]+$/.test(label))
}

export function normaliseName(name: string): string {
  const lower = name.trim().toLowerCase().replaceAll('*', '\\052')
  return lower.endsWith('.') ? lower : `${lower}.`
}

/** True when `name` is the zone apex or a name below it (both normalised). */
export function isInZone(name: string, zoneName: string): boolean {
  return name === zoneName || name.endsWith(`.${zoneName}`)
}

/** The sort key AWS documents: labels reversed, e.g. `www.example.com.` → `com.example.www.`. */
export function reversedName(name: string): string {
  const labels = name.slice(0, -1).split('.')
  return `${labels.reverse().join('.')}.`
}

/** ASCII order, the order AWS documents for names and record types (not locale order). */
export function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The presentation name for a DNS packet: escapes decoded, no trailing dot. */
export function wireName(name: string): string {
  const unescaped = name.replace(/\\(\d{3})/g, (_, code: string) =>
    String.fromCharCode(Number(code))
  )
  return unescaped.endsWith('.') ? unescaped.slice(0, -1) : unescaped
}

/** The parent of a name (`a.b.c.` → `b.c.`), or undefined at the root. */
export function parentName(name: string): string | undefined {
  const dot = name.indexOf('.')
  return dot < 0 || dot === name.length - 1 ? undefined : name.slice(dot + 1)
}
