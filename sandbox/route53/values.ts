import { isIPv4, isIPv6 } from 'node:net'
import type { RecordType } from './records.js'

/**
 * Checks one ResourceRecord value in presentation format. Returns Route 53's complaint, or
 * undefined when the value is acceptable. Only the types the DNS server encodes are parsed.
 */
export function checkValue(type: RecordType, value: string): string | undefined {
  const fatal = (problem: string, what: string) =>
    `Invalid Resource Record: 'FATAL problem: ${problem} (${what}) encountered with '${value}''`
  switch (type) {
    case 'A':
      return isIPv4(value)
        ? undefined
        : fatal('ARRDATAIllegalIPv4Address', 'Value is not a valid IPv4 address')
    case 'AAAA':
      return isIPv6(value)
        ? undefined
        : fatal('AAAARRDATAIllegalIPv6Address', 'Value is not a valid IPv6 address')
    case 'MX':
      return /^\d{1,5} \S+$/.test(value) ? undefined : fatal('MXRRDATAInvalid', 'Invalid MX record')
    case 'SRV':
      return /^\d{1,5} \d{1,5} \d{1,5} \S+$/.test(value)
        ? undefined
        : fatal('SRVRRDATAInvalid', 'Invalid SRV record')
    case 'CAA':
      return /^\d{1,3} [a-z0-9]+ ".*"$/i.test(value)
        ? undefined
        : fatal('CAARRDATAInvalid', 'Invalid CAA record')
    case 'SOA':
      return /^\S+ \S+ \d+ \d+ \d+ \d+ \d+$/.test(value)
        ? undefined
        : fatal('SOARRDATAInvalid', 'Invalid SOA record')
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return /^\S+$/.test(value) ? undefined : fatal('DomainLabelEmpty', 'Domain label is empty')
    default:
      return value.length === 0 ? fatal('EmptyValue', 'Value is empty') : undefined
  }
}

/** TXT character-strings from Route 53's presentation format (`"a" "b"`, or a bare word). */
export function txtStrings(value: string): string[] {
  if (!value.startsWith('"')) return [value]
  const strings: string[] = []
  const quoted = /"((?:[^"\\]|\\.)*)"/g
  for (let match = quoted.exec(value); match; match = quoted.exec(value)) {
    strings.push(match[1].replace(/\\(.)/g, '$1'))
  }
  return strings
}
