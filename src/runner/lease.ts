import { describeError } from '../errors.js'
import type { RunState } from './state.js'

/** After inspection and planning, before the first write; a held lease throws LeaseHeldError. */
export async function takeLease(state: RunState): Promise<void> {
  if (!state.lease) return
  const warnings = await state.lease.acquire(state.signal)
  for (const warning of warnings) state.log.warning(warning)
  if (warnings.length > 0) state.record.warnings = [...(state.record.warnings ?? []), ...warnings]
  state.log.info(`Holding the lease on ${state.lease.resource}`)
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
