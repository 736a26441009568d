/**
 * The probe-urls input: a list of URLs that may carry credentials (`https://user:pass@host/`,
 * `?token=…`). They are split knowing where a URL's userinfo is, masked in the runner's log
 * before anything prints, and shown only redacted.
 */
import { InputError } from '../errors.js'

const ACCEPTED = 'absolute http:// or https:// URLs separated by commas or new lines'

/** Still inside a URL's authority (`scheme://…` with no `/`, `?`, `#` or `@` yet). */
const IN_AUTHORITY = /^\s*[a-z][a-z0-9+.-]*:\/\/[^/?#@]*$/i
/** The rest reaches an `@` before the authority ends: a comma here belongs to the userinfo. */
const USERINFO_GOES_ON = /^[^/?#@]*@/

/**
 * The entries of the list: new lines and commas separate them, except a comma inside a URL's
 * userinfo (`https://deploy:hun,ter2@host/` is one URL). A comma elsewhere in a URL (a path or
 * a query) still separates, as it always has for this input.
 */
export function splitProbeUrls(raw: string): string[] {
  const entries: string[] = []
  for (const line of raw.split(/\r?\n/)) {
    const parts = line.split(',')
    let current = parts[0]
    for (let i = 1; i < parts.length; i += 1) {
      const rest = parts.slice(i).join(',')
      if (IN_AUTHORITY.test(current) && USERINFO_GOES_ON.test(rest)) {
        current = `${current},${parts[i]}`
      } else {
        entries.push(current)
        current = parts[i]
      }
    }
    entries.push(current)
  }
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '')
}

/** Each entry as an http(s) URL; an entry that does not parse is never echoed, not even in part. */
export function parseProbeUrls(entries: string[]): URL[] {
  return entries.map((entry, i) => {
    let url: URL
    try {
      url = new URL(entry)
    } catch {
      const which = `URL ${i + 1} of ${entries.length}`
      throw new InputError('probe-urls', `${which} (not shown: it does not parse)`, ACCEPTED)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InputError('probe-urls', redactUrl(url), ACCEPTED)
    }
    return url
  })
}

/**
 * What the runner must mask (core.setSecret) before anything is logged: each URL's user name,
 * password and query string (raw and decoded, as an error message may hold either), and an
 * entry that does not parse as a whole, since where its secret sits cannot be told.
 */
export function probeUrlSecrets(raw: string): string[] {
  const secrets = new Set<string>()
  for (const entry of splitProbeUrls(raw)) {
    let url: URL
    try {
      url = new URL(entry)
    } catch {
      secrets.add(entry)
      continue
    }
    const query = url.search.slice(1)
    const values = [...url.searchParams.values()]
    for (const secret of [url.username, url.password, query, ...values]) {
      secrets.add(secret)
      secrets.add(safeDecode(secret))
    }
  }
  // A mask of one or two characters would star out every such letter pair in the log.
  return [...secrets].filter((secret) => secret.length >= 3)
}

/** The URL without credentials or query string (tokens often live in both), for any detail. */
export function redactUrl(url: URL): string {
  const userinfo = url.username || url.password ? '***@' : ''
  const query = url.search ? '?***' : ''
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${query}`
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
