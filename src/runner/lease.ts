import type { Phase } from '../backends/backend.js'
import { describeError } from '../errors.js'
import { LeaseLostError } from '../lease/lease.js'
import type { RunState } from './state.js'

/** After inspection and planning, before the first write; a held lease throws LeaseHeldError. */
export async function takeLease(state: RunState): Promise<void> {
  if (!state.lease) return
  const warnings = await state.lease.acquire(state.signal)
  for (const warning of warnings) state.log.warning(warning)
  if (warnings.length > 0) state.record.warnings = [...(state.record.warnings ?? []), ...warnings]
  state.log.info(`Holding the lease on ${state.lease.resource}`)
}

/**
 * Before each write: the lease must still be this run's (LeaseLostError stops the run). A
 * rollback (the run has recorded why it failed) is stopped only by a lease another run holds,
 * never by a lease it cannot read: traffic left on a failing green is worse than a rollback
 * whose lease is unconfirmed, whose live state the runner has already checked is its own.
 */
export async function guardWrite<N>(
  state: RunState,
  phase: Phase<N>,
  signal: AbortSignal | undefined
): Promise<Phase<N>> {
  if (!state.lease) return phase
  try {
    return await state.lease.guard(phase, signal)
  } catch (error) {
    if (error instanceof LeaseLostError || state.record.failure === undefined) throw error
    state.log.warning(
      `Could not check the lease on ${state.lease.resource} before this rollback write ` +
        `(${describeError(error)}); rolling back without it`
    )
    return phase
  }
}

/** A dry run takes no lease, but says when a real run would refuse or take one over. */
export async function peekLease(state: RunState): Promise<void> {
  const note = await state.lease?.peek(state.signal)
  if (!note) return
  state.log.warning(note)
  state.record.warnings = [...(state.record.warnings ?? []), note]
}

/** At the end, whatever the outcome: a failed release is warned about, never the run's verdict. */
export async function releaseLease(state: RunState): Promise<void> {
  if (!state.lease) return
  try {
    await state.lease.release({
      status: state.record.status ?? 'failed',
      movedTraffic: state.movedTraffic
    })
  } catch (error) {
    state.log.warning(
      `Could not release the lease on ${state.lease.resource} (it expires by itself): ${describeError(error)}`
    )
  }
}
