/**
 * Route 53's choice among weighted records for one query: each healthy record answers with
 * probability weight / total. Weight 0 answers only when no healthy record has a weight above
 * 0, and then the candidates split equally; when every record is unhealthy, Route 53 treats
 * them all as healthy rather than answering nothing.
 */
export function chooseWeighted<T extends { weight?: number }>(
  records: readonly T[],
  healthy: (record: T) => boolean,
  random: () => number
): T | undefined {
  if (records.length === 0) return undefined
  const live = records.filter(healthy)
  const pool = live.length > 0 ? live : records
  const weighted = pool.filter((record) => (record.weight ?? 0) > 0)
  if (weighted.length === 0)
    return pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))]
  const total = weighted.reduce((sum, record) => sum + (record.weight ?? 0), 0)
  let point = random() * total
  for (const record of weighted) {
    point -= record.weight ?? 0
    if (point < 0) return record
  }
  return weighted[weighted.length - 1]
}
