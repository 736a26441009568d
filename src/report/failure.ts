import type { EventKind, GateCheck, RunEvent, RunRecord } from '../record.js'

const CAUSES: readonly EventKind[] = ['gate-failed', 'error', 'cancelled', 'out-of-band']

/** What ended a run that did not succeed, and what became of the rollback: read from the record. */
export interface FailureFacts {
  /** The first event that stopped the run (gate-failed, error, cancelled, out-of-band). */
  cause?: RunEvent
  /** The gate check that stopped it, when a gate did. */
  gate?: GateCheck
  /** Green's share when it stopped: the last percent the events saw before the cause. */
  atPercent?: number
  /** The last rollback written (its percent is the rollback target). */
  rollback?: RunEvent
  /** The rollback that failed (its percent is what AWS showed afterwards, when it could be read). */
  rollbackFailed?: RunEvent
}

export function failureFacts(record: RunRecord): FailureFacts {
  const causeIndex = record.events.findIndex((event) => CAUSES.includes(event.kind))
  const cause = causeIndex < 0 ? undefined : record.events[causeIndex]
  const before = causeIndex < 0 ? record.events : record.events.slice(0, causeIndex)
  return {
    cause,
    gate: record.failedGate ?? (gateStopped(cause, record) ? failingCheck(record) : undefined),
    atPercent: findLast(before, (event) => event.percent !== undefined)?.percent,
    rollback: findLast(record.events, (event) => event.kind === 'rollback'),
    rollbackFailed: findLast(record.events, (event) => event.kind === 'rollback-failed')
  }
}

function gateStopped(cause: RunEvent | undefined, record: RunRecord): boolean {
  return cause ? cause.kind === 'gate-failed' : record.status === 'rolled-back'
}

/** The most recent failing check of the last step that had one. */
function failingCheck(record: RunRecord): GateCheck | undefined {
  for (let i = record.steps.length - 1; i >= 0; i--) {
    const failed = record.steps[i].gates.filter((check) => check.status === 'fail')
    if (failed.length > 0) return failed.reduce((a, b) => (b.at > a.at ? b : a))
  }
  return undefined
}

function findLast(
  events: readonly RunEvent[],
  match: (event: RunEvent) => boolean
): RunEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (match(events[i])) return events[i]
  return undefined
}
