import { clip } from './escape.js'

/**
 * JSON for values the report does not control (planned call parameters come from SDK inputs):
 * never throws, so a strange value cannot take the whole report down with it. Strings longer
 * than `maxString` are clipped.
 */
export function safeJson(value: unknown, indent?: number, maxString = Infinity): string {
  if (maxString === Infinity) {
    // Without a replacer JSON.stringify is several times faster; it throws only on a bigint or a
    // cycle, which the path below handles.
    try {
      return JSON.stringify(value, undefined, indent) ?? 'null'
    } catch {
      // fall through
    }
  }
  try {
    const text = JSON.stringify(
      value,
      (_key, item: unknown) =>
        typeof item === 'bigint'
          ? item.toString()
          : typeof item === 'string' && item.length > maxString
            ? clip(item, maxString)
            : item,
      indent
    )
    return text ?? 'null'
  } catch (error) {
    return JSON.stringify(`[not serializable: ${(error as Error).message}]`)
  }
}
