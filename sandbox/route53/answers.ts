import type { Answer } from 'dns-packet'
import { wireName } from './names.js'
import type { RecordSet } from './records.js'
import { txtStrings } from './values.js'

/**
 * A record set's values as DNS answers owned by `owner`. Types whose presentation format the
 * sandbox does not parse (DS, HTTPS, NAPTR, SPF, SSHFP, SVCB, TLSA) give no answers.
 */
export function toAnswers(record: RecordSet, owner: string): Answer[] {
  const ttl = record.ttl ?? 0
  return (record.values ?? []).flatMap((value): Answer[] => {
    const base = { name: owner, ttl, class: 'IN' as const }
    const fields = value.split(' ')
    switch (record.type) {
      case 'A':
      case 'AAAA':
        return [{ ...base, type: record.type, data: value }]
      case 'CNAME':
      case 'NS':
      case 'PTR':
        return [{ ...base, type: record.type, data: wireName(value) }]
      case 'TXT':
        return [{ ...base, type: 'TXT', data: txtStrings(value) }]
      case 'MX':
        return [
          {
            ...base,
            type: 'MX',
            data: { preference: Number(fields[0]), exchange: wireName(fields[1]) }
          }
        ]
      case 'SRV': {
        const [priority, weight, port, target] = fields
        const data = {
          priority: Number(priority),
          weight: Number(weight),
          port: Number(port),
          target: wireName(target)
        }
        return [{ ...base, type: 'SRV', data }]
      }
      case 'CAA': {
        const tag = fields[1] as 'issue' | 'issuewild' | 'iodef'
        const quoted = value.slice(value.indexOf('"') + 1, value.lastIndexOf('"'))
        return [{ ...base, type: 'CAA', data: { flags: Number(fields[0]), tag, value: quoted } }]
      }
      case 'SOA':
        return [{ ...base, type: 'SOA', data: soaData(value) }]
      default:
        return []
    }
  })
}

export function soaData(value: string) {
  const [mname, rname, serial, refresh, retry, expire, minimum] = value.split(' ')
  return {
    mname: wireName(mname),
    rname: wireName(rname),
    serial: Number(serial),
    refresh: Number(refresh),
    retry: Number(retry),
    expire: Number(expire),
    minimum: Number(minimum)
  }
}
