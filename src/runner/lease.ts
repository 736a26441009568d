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

/**
 * The post step, before anything else: holds again the lease the main step took (its identity
 * was saved). One another run holds now throws LeaseLostError; one that cannot be read is warned
 * about, and the rollback goes on as the main step's would (the live state is checked first).
 */
export async function resumeLease(state: RunState): Promise<void> {
  if (!state.lease) return
  try {
    await state.lease.resume(state.signal)
    state.log.info(`Holding again the main step's lease on ${state.lease.resource}`)
  } catch (error) {
    if (error instanceof LeaseLostError) throw error
    state.log.warning(
      `Could not read the lease on ${state.lease.resource} (${describeError(error)}); ` +
        'rolling back without it'
    )
  }
}

/**
 * At the end, whatever the outcome: a failed release is warned about, never the run's verdict.
 * A rollback handed to the post step keeps the lease: the post step writes under it.
 */
export async function releaseLease(state: RunState): Promise<void> {
  if (!state.lease || state.handedOff) return
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
