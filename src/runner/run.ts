import type { LiveState, Phase, Plan } from '../backends/backend.js'
import { CancelledError, describeError, GateFailedError, OutOfBandChangeError } from '../errors.js'
import { planQuantizedSteps, type PlannedStep } from '../plan.js'
import type { PhaseRecord, RunRecord, StepRecord } from '../record.js'
import { Split } from '../split.js'
import { GateWatch } from './gate-watch.js'
import {
  bake,
  requireBlueCapacity,
  settleWatched,
  verifyPhase,
  waitUntilReady,
  writePhase
} from './phases.js'
import { peekLease, releaseLease, takeLease } from './lease.js'
import { handleFailure } from './rollback.js'
import { saveRun, saveVerdict } from './saved.js'
import { event, finish, newRunState, type RunnerOptions, type RunState } from './state.js'

export type { RunnerOptions, RunnerSettings } from './state.js'

/**
 * The state machine of a run: inspect (read-only) → gates → plan → for each step: for each
 * phase: (ready) → apply → verify while gates watch → bake → next | settle → done; and rollback
 * on a failed gate, an error, a timeout or cancellation. It never throws: every outcome is in
 * the returned RunRecord.
 */
export async function runShift(options: RunnerOptions): Promise<RunRecord> {
  const state = newRunState(options)
  event(state, 'start', `Moving ${options.backend.target} toward ${options.settings.traffic}`)
  try {
    await shift(state, options.gates)
  } catch (error) {
    await handleFailure(state, error)
  }
  await releaseLease(state)
  state.record.finishedAt = state.clock.now()
  event(state, 'done', `Run ${state.record.status}`, state.record.finalPercent)
  saveVerdict(state)
  return state.record
}

async function shift(state: RunState, buildGates: RunnerOptions['gates']): Promise<void> {
  const { backend, settings, signal, log, record } = state
  // Nothing is written before the whole topology and every gate's inputs are known good.
  const inspection = await backend.inspect(signal)
  for (const warning of inspection.warnings) log.warning(warning)
  if (inspection.warnings.length > 0) record.warnings = [...inspection.warnings]
  const gates = buildGates(inspection.sides)
  await Promise.all(gates.map((gate) => gate.inspect?.(signal)))
  state.watch = new GateWatch(gates, state.clock, log)
  log.info(`Gates: ${gates.map((gate) => gate.name).join(', ') || 'none'}`)

  const start = inspection.state
  state.start = start
  state.lastVerified = start
  state.current = { split: start.split, since: state.clock.now() }
  record.startPercent = start.split.percent
  event(state, 'planned', `Live: ${start.detail}`, start.split.percent)
  if (settings.rollbackTo === 'start') record.rollbackPercent = start.split.percent

  // Plan, report and compare on the splits AWS can express, never on what was asked.
  const target = backend.quantize(settings.traffic, start)
  record.targetPercent = target.percent
  const steps = planQuantizedSteps(
    start.split,
    settings.traffic,
    settings.schedule.points,
    (split) => backend.quantize(split, start)
  )
  log.info(planLine(start.split, target, settings.traffic, steps))
  if (settings.dryRun) {
    await peekLease(state)
    return planOnly(state, start, steps)
  }
  if (steps.length === 0) return finish(state, 'no-op', start)
  await takeLease(state)

  state.towardBlue = target.permille < start.split.permille
  // Before the first write: what the post step needs should this process die.
  saveRun(state, state.record.context.runUrl)
  for (const [index, step] of steps.entries()) {
    await log.group(`Step ${index + 1}/${steps.length}: ${stepName(step)}`, () =>
      runStep(state, index, step, steps.length)
    )
  }
  const live = await requireUnchanged(state)
  if (backend.settle) {
    await log.group('Settle', () => settleWatched(state, live))
    event(state, 'settled', 'Backend settled: nothing left in flight')
  }
  finish(state, 'succeeded', await finalState(state, live))
}

/**
 * The state to report once every bake passed and settle is done. A failed read here must not
 * roll back a finished shift: the last verified state is reported instead (cancellation still
 * counts, as during settle).
 */
async function finalState(state: RunState, verified: LiveState): Promise<LiveState> {
  try {
    return await state.backend.read(state.signal)
  } catch (error) {
    if (error instanceof CancelledError) throw error
    state.log.warning(
      `Could not read the final state (${describeError(error)}); reporting the last verified one`
    )
    return verified
  }
}

/** Dry-run: each step plans from the state the previous plan leaves, with no hidden state. */
function planOnly(state: RunState, start: LiveState, steps: PlannedStep[]): void {
  let from = start
  for (const [index, step] of steps.entries()) {
    const plan = state.backend.plan(from, step.to)
    for (const phase of plan.phases) {
      state.log.info(`Would ${phase.summary}`)
      for (const call of phase.calls) {
        state.record.plannedCalls.push(call)
        state.log.info(
          `Would call ${call.service} ${call.operation} ${JSON.stringify(call.parameters)}`
        )
      }
    }
    state.record.steps.push(newStep(state, index, from, plan, step.requested))
    from = plan.phases.at(-1)?.expect ?? from
  }
  finish(state, 'planned', start)
}

async function runStep(
  state: RunState,
  index: number,
  step: PlannedStep,
  total: number
): Promise<void> {
  const { backend, settings, signal, clock } = state
  let from = await requireUnchanged(state)
  const plan = backend.plan(from, step.to)
  const record = newStep(state, index, from, plan, step.requested)
  let shifted = false
  try {
    if (state.towardBlue) await requireBlueCapacity(state, from, state.signal)
    for (const phase of plan.phases) {
      if (phase.movesTraffic && !state.towardBlue) await readyBefore(state, phase)
      // The step is on the record from its first write: a ready check that stops it moved nothing.
      if (!state.record.steps.includes(record)) state.record.steps.push(record)
      const applied: PhaseRecord = {
        summary: phase.summary,
        movesTraffic: phase.movesTraffic,
        toPercent: phase.expect.split.percent,
        appliedAt: clock.now()
      }
      record.phases!.push(applied)
      await writePhase(state, phase, from, signal)
      if (phase.movesTraffic && !shifted) {
        shifted = true
        event(
          state,
          'shift',
          `Step ${index + 1}/${total}: ${phase.summary}`,
          phase.expect.split.percent
        )
      } else if (phase.movesTraffic) state.log.info(phase.summary)
      const deadline = clock.now() + settings.verifyTimeoutMs
      from = await verifyPhase(state, phase, from, { gated: true, deadline, signal, step: record })
      applied.convergedAt = clock.now()
      if (phase.movesTraffic)
        event(state, 'converged', `AWS reports ${from.detail}`, from.split.percent)
      else event(state, 'prepared', `${phase.summary}: ${from.detail}`, from.split.percent)
    }
    if (!state.record.steps.includes(record)) state.record.steps.push(record)
    record.convergedAt = clock.now()
    await bake(state, record)
    record.outcome = 'passed'
  } catch (error) {
    record.outcome =
      error instanceof GateFailedError
        ? 'failed'
        : error instanceof CancelledError
          ? 'cancelled'
          : 'error'
    throw error
  } finally {
    record.finishedAt = clock.now()
  }
}

/**
 * Gates must pass before the first phase that moves traffic toward green, and again before the
 * phase that takes blue to 0 % when traffic has moved since: green must then carry it all alone.
 */
async function readyBefore(state: RunState, phase: Phase): Promise<void> {
  if (state.ready === 'never') await waitUntilReady(state, 'before the first shift')
  else if (state.ready === 'stale' && phase.expect.split.equals(Split.GREEN)) {
    await waitUntilReady(state, 'before blue reaches 0%')
  }
}

/** Someone else's change since our last verified state stops the run; returns the live state. */
async function requireUnchanged(state: RunState): Promise<LiveState> {
  const live = await state.backend.read(state.signal)
  const last = state.lastVerified!
  if (live.fingerprint !== last.fingerprint)
    throw new OutOfBandChangeError(last.detail, live.detail)
  return live
}

function newStep(
  state: RunState,
  index: number,
  from: LiveState,
  plan: Plan,
  requested: Split
): StepRecord {
  return {
    index,
    fromPercent: from.split.percent,
    toPercent: plan.to.percent,
    requestedPercent: requested.percent,
    native: plan.phases.at(-1)?.expect.detail ?? from.detail,
    startedAt: state.clock.now(),
    bakeMs: state.settings.bakeMs,
    outcome: 'running',
    gates: [],
    phases: []
  }
}

/** "25% green (asked 10%)" where AWS cannot express what the schedule asked. */
function stepName(step: PlannedStep): string {
  return step.to.equals(step.requested)
    ? `${step.to}`
    : `${step.to} (asked ${step.requested.percent}%)`
}

function planLine(live: Split, target: Split, requested: Split, steps: PlannedStep[]): string {
  if (steps.length > 0) {
    return `Plan: ${[`${live.percent}%`, ...steps.map(stepName)].join(' → ')}`
  }
  return target.equals(requested)
    ? `Already at ${requested}: nothing to do.`
    : `Already at ${live}, the split nearest to ${requested} that AWS can express: nothing to do.`
}
