import { applyKept, fitLists, memo, utf8Bytes, type Kept } from './bound.js'
import { formatPercent, formatSeconds } from './format.js'
import { safeJson } from './json.js'
import type { RunRecord } from '../record.js'

/**
 * Outputs travel through the runner's environment and into later steps' expressions; keep the
 * `report` output far below what that path tolerates.
 */
export const REPORT_BUDGET_BYTES = 512 * 1024

// When the report must be cut: strings are clipped, then events, steps and planned calls are cut
// from the middle in that order, each keeping at least its floor.
const STRING_MAX = 1000
const EVENTS_FLOOR = 64 * 1024
const STEPS_FLOOR = 128 * 1024

/** The action's outputs, all strings, as `core.setOutput` takes them. */
export function renderOutputs(record: RunRecord): Record<string, string> {
  return {
    // A record without a status is a run that did not finish: for a consumer, that is a failure.
    status: record.status ?? 'failed',
    traffic: record.finalPercent === undefined ? '' : formatPercent(record.finalPercent),
    'steps-applied': String(record.events.filter((event) => event.kind === 'shift').length),
    'duration-seconds':
      record.finishedAt === undefined ? '' : formatSeconds(record.finishedAt - record.startedAt),
    report: renderReportJson(record),
    'run-url': record.context.runUrl ?? ''
  }
}

/** Where a list of the report was cut: `count` items left out after the first `after`. */
export interface Omission {
  count: number
  after: number
}

/**
 * The run record as compact JSON, at most REPORT_BUDGET_BYTES. A cut record says so with
 * `truncated: true` and `omitted: { events?, steps?, plannedCalls? }` (each `{count, after}`),
 * and its three lists come last.
 */
export function renderReportJson(record: RunRecord): string {
  const full = safeJson(record)
  if (utf8Bytes(full) <= REPORT_BUDGET_BYTES) return full

  // Only the items that may be kept are encoded, once each; the cut report is assembled from
  // those pieces, so a huge run is never parsed back or encoded twice.
  const { events, steps, plannedCalls, ...rest } = record
  const names = ['events', 'steps', 'plannedCalls'] as const
  const lists = [events, steps, plannedCalls] as unknown[][]
  const encoders = lists.map((list) => memo((i) => safeJson(list[i], undefined, STRING_MAX)))
  const assemble = (kept: Kept[]) => {
    const omitted: Record<string, Omission> = {}
    kept.forEach((cut, i) => {
      if (cut.omitted > 0) omitted[names[i]] = { count: cut.omitted, after: cut.head }
    })
    const head = safeJson({ ...rest, truncated: true, omitted }, undefined, STRING_MAX)
    const arrays = names.map((name, i) => {
      const items = applyKept(lists[i].length, encoders[i], kept[i])
      return `${JSON.stringify(name)}:[${items.join(',')}]`
    })
    return `${head.slice(0, -1)},${arrays.join(',')}}`
  }

  const fixed = utf8Bytes(
    assemble(lists.map((list) => ({ head: 0, tail: 0, omitted: list.length })))
  )
  // Each item costs its bytes and the comma after it.
  const size = (encode: (i: number) => string) => (i: number) => utf8Bytes(encode(i)) + 1
  const kept = fitLists(
    [
      { count: lists[0].length, size: size(encoders[0]), floor: EVENTS_FLOOR },
      { count: lists[1].length, size: size(encoders[1]), floor: STEPS_FLOOR },
      { count: lists[2].length, size: size(encoders[2]), floor: 0 }
    ],
    REPORT_BUDGET_BYTES - fixed
  )
  const report = assemble(kept)
  return utf8Bytes(report) <= REPORT_BUDGET_BYTES ? report : minimalReport(record)
}

/** The outcome alone: unreachable with the floors above, but the bound must hold regardless. */
function minimalReport(record: RunRecord): string {
  const { status, finalPercent, finalNative, failure, startedAt, finishedAt, mode, target } = record
  return safeJson(
    {
      mode,
      target,
      status,
      startedAt,
      finishedAt,
      finalPercent,
      finalNative,
      failure,
      truncated: true,
      omitted: {
        events: { count: record.events.length, after: 0 },
        steps: { count: record.steps.length, after: 0 },
        plannedCalls: { count: record.plannedCalls.length, after: 0 }
      }
    },
    undefined,
    STRING_MAX
  )
}
