/** Marker/PageSize paging as the Describe* operations do it (the marker is opaque to callers). */
import { validationError } from './errors.js'
import type { Input } from './query.js'

export function page<T>(items: T[], input: Input): { items: T[]; nextMarker?: string } {
  const size = input.int('PageSize', { min: 1, max: 400 }) ?? 400
  const marker = input.string('Marker')
  let start = 0
  if (marker !== undefined) {
    start = Number(Buffer.from(marker, 'base64url').toString('utf8'))
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw validationError('The marker is not valid')
    }
  }
  const end = start + size
  return {
    items: items.slice(start, end),
    nextMarker: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined
  }
}
