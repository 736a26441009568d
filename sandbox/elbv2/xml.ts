/**
 * Writes awsQuery response XML from plain values: lists become `<member>` elements (maps become
 * `<entry><key/><value/></entry>`), absent members are left out, dates are ISO 8601.
 */
export type XmlValue =
  string | number | boolean | Date | null | undefined | XmlList | { [key: string]: XmlValue }
export type XmlList = XmlValue[] & { isMap?: boolean }

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

function content(value: XmlValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) {
    const list = value as XmlList
    if (list.isMap) {
      return list
        .map((entry) => {
          const { key, value: v } = (entry ?? {}) as { key?: XmlValue; value?: XmlValue }
          return `<entry>${element('key', key)}${element('value', v)}</entry>`
        })
        .join('')
    }
    return list.map((item) => element('member', item)).join('')
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([key, child]) => element(key, child))
      .join('')
  }
  return escapeXml(String(value))
}

export function element(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return ''
  const inner = content(value)
  return inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`
}
