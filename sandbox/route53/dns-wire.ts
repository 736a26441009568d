import * as dnsPacket from 'dns-packet'
import type { Answer, DecodedPacket, Packet } from 'dns-packet'
import type { Answered } from './resolver.js'

const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 }
const OPCODE_MASK = 0x7800
/** The classic UDP payload limit, for clients that do not announce a larger one with EDNS. */
const UDP_LIMIT = 512

export type Answerer = (qname: string, qtype: string, qclass: string) => Answered

/**
 * The packet side of the DNS server: one wire-format query in, one wire-format response out
 * (undefined: drop it). Malformed queries get FORMERR, other opcodes NOTIMP, and an answer too
 * big for the client's UDP size is sent truncated (TC) so the client retries over TCP.
 */
export function respond(
  answer: Answerer,
  message: Buffer,
  transport: 'udp' | 'tcp'
): Buffer | undefined {
  let query: DecodedPacket & { opcode?: string }
  try {
    query = dnsPacket.decode(message)
  } catch {
    return message.length >= 2 ? header(message.readUInt16BE(0), 0, RCODES.FORMERR) : undefined
  }
  if (query.type !== 'query') return undefined
  const id = query.id ?? 0
  const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED
  if (query.opcode !== 'QUERY')
    return header(id, ((query.flags ?? 0) & OPCODE_MASK) | rd, RCODES.NOTIMP)
  const questions = query.questions ?? []
  if (questions.length !== 1) return header(id, rd, RCODES.FORMERR)
  const question = questions[0]
  const edns = query.additionals?.find((record) => record.type === 'OPT')
  const answered = answer(question.name, question.type, question.class ?? 'IN')
  const packet: Packet = {
    type: 'response',
    id,
    flags:
      rd | (answered.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | RCODES[answered.rcode],
    questions: [question],
    answers: answered.answers,
    authorities: answered.authorities,
    additionals: edns ? [optRecord()] : []
  }
  const limit =
    transport === 'tcp'
      ? 65535
      : Math.max(UDP_LIMIT, edns && 'udpPayloadSize' in edns ? edns.udpPayloadSize : 0)
  const encoded = dnsPacket.encode(packet)
  if (encoded.length <= limit) return encoded
  return dnsPacket.encode({
    ...packet,
    flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
    answers: [],
    authorities: []
  })
}

function header(id: number, flags: number, rcode: number): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id,
    flags: flags | rcode,
    questions: [],
    answers: []
  })
}

/** EDNS in the response when the query used it: the server accepts 4096-byte datagrams. */
function optRecord(): Answer {
  return {
    type: 'OPT',
    name: '.',
    udpPayloadSize: 4096,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: []
  }
}
