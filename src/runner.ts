import type { Observation, TrafficBackend } from './backends/backend.js'
import type { Clock } from './clock.js'
import { CancelledError, describeError, OutOfBandChangeError } from './errors.js'
import type { Gate, GateContext } from './gates/gate.js'
import type { Logger } from './logger.js'
import { planSteps } from './plan.js'
import type {
  EventKind,
  GateCheck,
  RunContext,
  RunRecord,
  RunStatus,
  StepRecord
} from './record.js'
import type { CommonSettings } from './settings.js'
import { Split } from './split.js'

export interface RunnerOptions {
  backend: TrafficBackend
  gates: Gate[]
  clock: Clock
  logger: Logger
  settings: Pick<
    CommonSettings,
    | 'traffic'
    | 'schedule'
    | 'bakeMs'
    | 'rollbackTo'
    | 'dryRun'
    | 'checkIntervalMs'
    | 'verifyTimeoutMs'
    | 'healthTimeoutMs'
  >
  context?: RunContext
  /** Aborted on SIGINT/SIGTERM: the runner stops waiting and rolls back. */
  signal?: AbortSignal
}

/** A gate said no: the run must roll back (or, before any shift, stop). */
export class GateFailedError extends Error {
  constructor(
    readonly gate: string,
    readonly detail: string
  ) {
    super(`Gate ${gate} failed: ${detail}`)
    this.name = 'GateFailedError'
  }
}

/** Blue has no healthy capacity to take the traffic a move toward blue would give it. */
export class BlueNotReadyError extends Error {
  constructor(detail: string) {
    super(`Blue cannot take traffic: ${detail}`)
    this.name = 'BlueNotReadyError'
  }
}

/** AWS did not agree with a write in time. */
export class VerifyTimeoutError extends Error {
  constructor(split: Split, waitedMs: number, live: string) {
    super(`AWS did not converge on ${split} within ${waitedMs / 1000}s (live: ${live})`)
    this.name = 'VerifyTimeoutError'
  }
}

/** The runner must leave the runner's 7.5 s SIGINT→SIGTERM grace with room to exit. */
const CANCEL_ROLLBACK_BUDGET_MS = 6000
const VERIFY_FIRST_POLL_MS = 250
const FAILURE_EVENTS = new Set<EventKind>([
  'gate-failed',
  'error',
  'cancelled',
  'out-of-band',
  'rollback-failed'
])
// AWS's convergence is then noticed within 1 s, at 1 request/s: a tenth of ELB's Describe*
// refill and of Route 53's limit (a 5 s cap made mode targets wait up to 5 s per step for nothing).
const VERIFY_MAX_POLL_MS = 1000

/**
 * The state machine of a run: prepare → read → plan → (ready) → for each step: shift → verify →
 * bake → next | done, and rollback on a failed gate, an error, a timeout or cancellation.
 * It never throws: every outcome is in the returned RunRecord.
 */
export async function runShift(options: RunnerOptions): Promise<RunRecord> {
  return new Run(options).execute()
}

class Run {
  private readonly record: RunRecord
  private readonly backend: TrafficBackend
  private readonly clock: Clock
  private readonly log: Logger
  /** Green's share when the run started, once read. */
  private start?: Observation
  /** What AWS looked like after our last verified write (or at the start). */
  private lastSeen?: Observation
  private stepsApplied = 0
  /** This run moves traffic toward blue (a manual rollback, or a ramp down). */
  private towardBlue = false
  /** The split of the step being applied, until AWS agrees with it. */
  private inFlight?: Split

  constructor(private readonly options: RunnerOptions) {
    this.backend = options.backend
    this.clock = options.clock
    this.log = options.logger
    const { settings } = options
    this.record = {
      mode: this.backend.mode,
      target: this.backend.target,
      context: options.context ?? {},
      startedAt: this.clock.now(),
      requestedPercent: settings.traffic.percent,
      rollbackPercent: settings.rollbackTo === 'start' ? undefined : settings.rollbackTo.percent,
      schedule: settings.schedule.points.map((point) => point.percent),
      dryRun: settings.dryRun,
      steps: [],
      events: [],
      plannedCalls: []
    }
  }

  async execute(): Promise<RunRecord> {
    this.event('start', `Moving ${this.backend.target} toward ${this.options.settings.traffic}`)
    try {
      await this.shift()
    } catch (error) {
      await this.handleFailure(error)
    }
    this.record.finishedAt = this.clock.now()
    this.event('done', `Run ${this.record.status}`, this.record.finalPercent)
    return this.record
  }

  private async shift(): Promise<void> {
    const { settings } = this.options
    const preparation = await this.backend.prepare(settings.dryRun)
    for (const change of preparation.changes) this.event('prepared', change)
    if (settings.dryRun) this.record.plannedCalls.push(...preparation.calls)

    this.start = await this.backend.read()
    this.lastSeen = this.start
    this.record.startPercent = this.start.split.percent
    this.event('planned', `Live: ${this.start.detail}`, this.start.split.percent)
    if (settings.rollbackTo === 'start') this.record.rollbackPercent = this.start.split.percent

    // Compare in the backend's own terms: Route 53's 0-255 weights read 10 % back as 10.2 %.
    const atTarget =
      this.backend.describe(this.start.split) === this.backend.describe(settings.traffic)
    const steps = atTarget
      ? []
      : planSteps(this.start.split, settings.traffic, settings.schedule.points)
    this.log.info(
      steps.length === 0
        ? `Already at ${settings.traffic}: nothing to do.`
        : `Plan: ${[this.start.split, ...steps].map((s) => `${s.percent}%`).join(' → ')}`
    )
    if (settings.dryRun) return this.planOnly(steps)
    if (steps.length === 0) return this.finish('no-op', this.start)

    // Gates guard moves toward green. Moving toward blue is how people escape a bad green, so
    // a red gate must neither block it nor send traffic back toward green.
    this.towardBlue = settings.traffic.permille < this.start.split.permille
    if (this.towardBlue) await this.requireBlueCanCarry()
    else await this.waitUntilReady('before the first shift')
    for (const [index, split] of steps.entries()) {
      await this.log.group(`Step ${index + 1}/${steps.length}: ${split}`, () =>
        this.runStep(index, split, steps.length)
      )
    }
    await this.requireUnchanged()
    if (this.backend.settle) {
      await this.log.group('Settle', () => this.backend.settle!(this.options.signal))
      this.event('settled', 'Backend settled: nothing left in flight')
    }
    this.finish('succeeded', await this.backend.read())
  }

  private async planOnly(steps: Split[]): Promise<void> {
    for (const split of steps) {
      const calls = await this.backend.plan(split)
      this.record.plannedCalls.push(...calls)
      for (const call of calls) {
        this.log.info(
          `Would call ${call.service} ${call.operation} ${JSON.stringify(call.parameters)}`
        )
      }
    }
    this.record.steps = steps.map((split, index) =>
      this.newStep(index, index === 0 ? this.start!.split : steps[index - 1], split)
    )
    this.finish('planned', this.start!)
  }

  /** Someone else's change since our last verified read stops the run; returns the live state. */
  private async requireUnchanged(): Promise<Observation> {
    const live = await this.backend.read()
    if (live.fingerprint !== this.lastSeen!.fingerprint) {
      throw new OutOfBandChangeError(this.lastSeen!.detail, live.detail)
    }
    return live
  }

  /** Moving traffic toward blue is only safe when blue has healthy capacity to take it. */
  private async requireBlueCanCarry(): Promise<void> {
    if (!this.backend.blueCanCarry) return
    const answer = await this.backend.blueCanCarry()
    if (!answer.ok) throw new BlueNotReadyError(answer.detail)
  }

  private async runStep(index: number, split: Split, total: number): Promise<void> {
    const live = await this.requireUnchanged()
    // The last weight leaves blue: green must be ready to carry everything on its own.
    if (split.equals(Split.GREEN) && index > 0) await this.waitUntilReady('before blue reaches 0%')

    const step = this.newStep(index, live.split, split)
    this.record.steps.push(step)
    try {
      this.inFlight = split
      await this.backend.apply(split)
      this.stepsApplied += 1
      this.event('shift', `Step ${index + 1}/${total}: ${step.native}`, split.percent)
      this.lastSeen = await this.verify(
        split,
        this.options.settings.verifyTimeoutMs,
        this.options.signal
      )
      this.inFlight = undefined
      step.convergedAt = this.clock.now()
      this.event('converged', `AWS reports ${this.lastSeen.detail}`, this.lastSeen.split.percent)
      await this.bake(step, split)
      step.outcome = 'passed'
    } catch (error) {
      step.outcome =
        error instanceof GateFailedError
          ? 'failed'
          : error instanceof CancelledError
            ? 'cancelled'
            : 'error'
      throw error
    } finally {
      step.finishedAt = this.clock.now()
    }
  }

  private newStep(index: number, from: Split, to: Split): StepRecord {
    return {
      index,
      fromPercent: from.percent,
      toPercent: to.percent,
      native: this.backend.describe(to),
      startedAt: this.clock.now(),
      bakeMs: this.options.settings.bakeMs,
      outcome: 'running',
      gates: []
    }
  }

  /** Polls until AWS reports the split, with backoff, then returns what it reads. */
  private async verify(split: Split, timeoutMs: number, signal: AbortSignal | undefined) {
    const deadline = this.clock.now() + timeoutMs
    let pause = VERIFY_FIRST_POLL_MS
    while (!(await this.backend.converged(split))) {
      if (this.clock.now() >= deadline) {
        throw new VerifyTimeoutError(split, timeoutMs, (await this.backend.read()).detail)
      }
      await this.clock.sleep(Math.min(pause, Math.max(0, deadline - this.clock.now())), signal)
      pause = Math.min(pause * 2, VERIFY_MAX_POLL_MS)
    }
    return this.backend.read()
  }

  /** Polls every gate at its own interval for the bake time; the first failure ends it. */
  private async bake(step: StepRecord, split: Split): Promise<void> {
    const { gates, settings, signal } = this.options
    const bakeEnd = this.clock.now() + settings.bakeMs
    const due = gates.map(() => this.clock.now())
    const context: GateContext = { phase: 'bake', split, signal }
    for (;;) {
      const now = this.clock.now()
      const dueGates = gates.filter((_, i) => due[i] <= now)
      const checks = await this.checkGates(dueGates, context)
      for (const check of checks) {
        upsertGate(step.gates, check)
        if (check.status !== 'fail') continue
        if (!this.towardBlue) throw new GateFailedError(check.gate, check.detail)
        this.log.warning(
          `${check.gate} fails while moving toward blue; carrying on: ${check.detail}`
        )
      }
      dueGates.forEach((gate) => (due[gates.indexOf(gate)] = now + gate.intervalMs))
      const pending = step.gates.filter((check) => check.status === 'pending')
      if (this.clock.now() >= bakeEnd && (pending.length === 0 || this.towardBlue)) return
      // A bake ends on a verdict: a gate still pending (probe failures below the threshold,
      // DNS answers not seen yet) is polled on, within the health timeout.
      if (this.clock.now() >= bakeEnd + settings.healthTimeoutMs) {
        const detail = pending.map((check) => `${check.gate}: ${check.detail}`).join('; ')
        throw new GateFailedError(
          pending[0].gate,
          `still pending after the bake and the health timeout: ${detail}`
        )
      }
      const next = this.clock.now() >= bakeEnd ? Math.min(...due) : Math.min(bakeEnd, ...due)
      await this.clock.sleep(Math.max(0, next - this.clock.now()), signal)
    }
  }

  /** All gates must pass; 'pending' is waited on, within the health timeout. */
  private async waitUntilReady(when: string): Promise<void> {
    const { gates, settings, signal } = this.options
    if (gates.length === 0) return
    const deadline = this.clock.now() + settings.healthTimeoutMs
    const context: GateContext = { phase: 'ready', split: this.lastSeen!.split, signal }
    let pause = VERIFY_FIRST_POLL_MS
    for (;;) {
      const checks = await this.checkGates(gates, context)
      const failed = checks.find((check) => check.status === 'fail')
      if (failed) throw new GateFailedError(failed.gate, `${when}: ${failed.detail}`)
      const pending = checks.filter((check) => check.status === 'pending')
      if (pending.length === 0) {
        this.event('ready', `Gates pass ${when}`)
        return
      }
      if (this.clock.now() >= deadline) {
        const detail = pending.map((check) => `${check.gate}: ${check.detail}`).join('; ')
        throw new GateFailedError(
          pending[0].gate,
          `${when}: still pending after the health timeout: ${detail}`
        )
      }
      // Pending resolves on its own (green passing its first health checks): look again soon,
      // backing off to check-interval, so the first step does not wait a whole interval for it.
      const untilDeadline = Math.max(0, deadline - this.clock.now())
      await this.clock.sleep(Math.min(pause, settings.checkIntervalMs, untilDeadline), signal)
      pause *= 2
    }
  }

  /** Checks gates in parallel. A gate that cannot be checked fails closed. */
  private async checkGates(gates: Gate[], context: GateContext): Promise<GateCheck[]> {
    const checks = await Promise.all(
      gates.map(async (gate): Promise<GateCheck> => {
        try {
          const result = await gate.check(context)
          if (result.status !== 'pass')
            this.log.info(`${gate.name}: ${result.status}: ${result.detail}`)
          return { gate: gate.name, ...result, at: this.clock.now() }
        } catch (error) {
          return {
            gate: gate.name,
            status: 'fail',
            detail: `could not be checked: ${describeError(error)}`,
            at: this.clock.now()
          }
        }
      })
    )
    // A check cut short by cancellation is not a gate failure: the run was cancelled.
    if (context.signal?.aborted) throw new CancelledError()
    return checks
  }

  private async handleFailure(error: unknown): Promise<void> {
    const reason = describeError(error)
    this.record.failure = reason
    if (error instanceof GateFailedError) {
      this.record.failedGate = {
        gate: error.gate,
        status: 'fail',
        detail: error.detail,
        at: this.clock.now()
      }
      this.event('gate-failed', reason)
    } else if (error instanceof CancelledError) this.event('cancelled', reason)
    else if (error instanceof OutOfBandChangeError) this.event('out-of-band', reason)
    else this.event('error', reason)
    this.log.error(reason)

    // Never overwrite someone else's change; and with nothing read, there is nothing to restore.
    if (error instanceof OutOfBandChangeError || !this.start) {
      return this.finish('failed', await this.readQuietly())
    }
    if (this.options.settings.dryRun) return this.finish('failed', this.start)
    if (this.towardBlue && this.options.settings.rollbackTo === 'start') {
      // Going back to the start would move traffic toward the green being drained: stay put.
      const live = await this.readQuietly()
      this.record.failure = `${reason}. Stopped while moving toward blue, at ${live?.detail ?? 'a split that could not be read'}; traffic was not moved back toward green`
      return this.finish('failed', live)
    }
    let target: Split | undefined
    try {
      const live = await this.backend.read()
      if (this.stepsApplied === 0 && live.fingerprint === this.start.fingerprint) {
        return this.finish('failed', live) // nothing moved: nothing to roll back
      }
      // Only our own writes may be undone: the last verified state, or whatever a step still
      // converging has made of it (a backend may be midway, e.g. targets registered, not healthy).
      const ours = this.inFlight !== undefined || live.fingerprint === this.lastSeen!.fingerprint
      if (!ours) {
        this.record.failure = `${reason}. ${new OutOfBandChangeError(this.lastSeen!.detail, live.detail).message}`
        this.event('out-of-band', this.record.failure, live.split.percent)
        return this.finish('failed', live)
      }
      target = this.rollbackTarget()
      if (target.permille > live.split.permille) {
        // Never move traffic toward the green that just failed.
        this.record.failure = `${reason}. rollback-to ${target} is above the live split, so traffic was left at ${live.detail}`
        return this.finish('failed', live)
      }
      if (target.permille < live.split.permille) await this.requireBlueCanCarry()
      this.log.warning(`Rolling back to ${target} (${this.backend.describe(target)})`)
      if (!live.split.equals(target)) await this.backend.apply(target)
      this.event('rollback', `Rolled back to ${this.backend.describe(target)}`, target.percent)
      const budget =
        error instanceof CancelledError
          ? Math.min(CANCEL_ROLLBACK_BUDGET_MS, this.options.settings.verifyTimeoutMs)
          : this.options.settings.verifyTimeoutMs
      try {
        // Rollback must finish even though the run was cancelled: no abort signal here.
        this.finish('rolled-back', await this.verify(target, budget, undefined))
      } catch (verifyError) {
        // Cancelled runs have seconds, not minutes: a rollback that is written and reads back
        // as the target, but is still converging (e.g. Route 53 INSYNC + TTL), is rolled back.
        const now = await this.readQuietly()
        if (!(error instanceof CancelledError && now?.split.equals(target))) throw verifyError
        this.record.failure = `${reason}. Rolled back to ${now.detail}; AWS had not finished converging when the run had to end (${describeError(verifyError)})`
        this.finish('rolled-back', now)
      }
    } catch (rollbackError) {
      const now = await this.readQuietly()
      const where = now ? `AWS now shows ${now.detail}` : 'the live state could not be read'
      this.record.failure = `${reason}. Rollback to ${target ?? 'the start'} failed: ${describeError(rollbackError)}; ${where}`
      this.event('rollback-failed', this.record.failure, now?.split.percent)
      this.log.error(this.record.failure)
      this.finish('failed', now)
    }
  }

  private rollbackTarget(): Split {
    const { rollbackTo } = this.options.settings
    return rollbackTo === 'start' ? this.start!.split : rollbackTo
  }

  private async readQuietly(): Promise<Observation | undefined> {
    try {
      return await this.backend.read()
    } catch {
      return undefined
    }
  }

  private finish(status: RunStatus, live: Observation | undefined): void {
    this.record.status = status
    this.record.finalPercent = live?.split.percent
    this.record.finalNative = live?.detail
  }

  private event(kind: EventKind, message: string, percent?: number): void {
    this.record.events.push({ at: this.clock.now(), kind, percent, message })
    // Failures are logged once, as errors, by handleFailure.
    if (!FAILURE_EVENTS.has(kind)) this.log.info(message)
  }
}

function upsertGate(checks: GateCheck[], check: GateCheck): void {
  const index = checks.findIndex((existing) => existing.gate === check.gate)
  if (index < 0) checks.push(check)
  else checks[index] = check
}
