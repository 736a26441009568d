import { randomBytes, randomUUID } from 'node:crypto'

/**
 * Identifiers shaped like Route 53's. They come from crypto, not from the sandbox's injected
 * random, so creating a zone never shifts the sequence that weighted DNS answers draw from.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'

function token(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('')
}

export const newZoneId = () => `Z${token(20)}`
export const newChangeId = () => `C${token(20)}`
export const newHealthCheckId = () => randomUUID()

/** Bare ids as the SDK sends them (it strips `/hostedzone/` and `/change/`). */
export const isWellFormedId = (id: string) => /^[A-Za-z0-9]{1,32}$/.test(id)
export const isWellFormedHealthCheckId = (id: string) => /^[A-Za-z0-9-]{1,64}$/.test(id)
