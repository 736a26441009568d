/**
 * Keeping renderings of a run of any length within a byte budget. Lists are given as a count and
 * a size function, so that only the items that might be kept are ever rendered: a run with
 * 100,000 events must not render 100,000 rows to keep a few thousand.
 */

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** A list to fit: `size(i)` is what item i costs, separator included. */
export interface SizedList {
  count: number
  size: (index: number) => number
  /** What the list keeps at least when later lists need room (ignored for the last list). */
  floor: number
}

/** Which items of a list survive a cut: the first `head` and the last `tail`. */
export interface Kept {
  head: number
  tail: number
  omitted: number
}

/**
 * Keeps items from both ends of a list (first and last first, then alternately inward) while
 * their sizes fit in the budget: the start of a run and its end, where failures are, matter most.
 */
export function keepEnds(
  list: Pick<SizedList, 'count' | 'size'>,
  budget: number
): Kept & { used: number } {
  let head = 0
  let tail = 0
  let used = 0
  while (head + tail < list.count) {
    const fromHead = head <= tail
    const size = list.size(fromHead ? head : list.count - 1 - tail)
    if (used + size > budget) break
    used += size
    if (fromHead) head += 1
    else tail += 1
  }
  return { head, tail, omitted: list.count - head - tail, used }
}

/**
 * Fits several lists into one budget, cutting them in the order given: each list but the last
 * keeps at least its floor (all of it when smaller), and the last list gets what remains.
 */
export function fitLists(lists: readonly SizedList[], budget: number): Kept[] {
  // The first list's total is never needed: only what comes after a list limits it.
  const totals = lists.map((list, i) => (i === 0 ? 0 : total(list)))
  let granted = 0
  return lists.map((list, i) => {
    const later = totals.slice(i + 1).reduce((sum, size) => sum + size, 0)
    const floor = i === lists.length - 1 ? 0 : list.floor
    const { used, ...kept } = keepEnds(list, Math.max(floor, budget - granted - later))
    granted += used
    return kept
  })
}

function total(list: SizedList): number {
  let sum = 0
  for (let i = 0; i < list.count; i++) sum += list.size(i)
  return sum
}

/** The kept items in order, with `gap` (when given and items were left out) where the cut is. */
export function applyKept<T>(
  count: number,
  item: (index: number) => T,
  kept: Kept,
  gap?: (omitted: number) => T
): T[] {
  const range = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => item(from + i))
  if (kept.omitted === 0) return range(0, count)
  const middle = gap ? [gap(kept.omitted)] : []
  return [...range(0, kept.head), ...middle, ...range(count - kept.tail, count)]
}

/** Renders item i at most once, however often its size and its text are asked for. */
export function memo<T>(render: (index: number) => T): (index: number) => T {
  const cache = new Map<number, T>()
  return (index) => {
    let value = cache.get(index)
    if (value === undefined) {
      value = render(index)
      cache.set(index, value)
    }
    return value
  }
}
