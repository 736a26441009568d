import type { Clock } from '../clock.js'
import { CancelledError, describeError } from '../errors.js'
import type { Gate, GateContext } from '../gates/gate.js'
import type { Logger } from '../logger.js'
import type { GateCheck, GateObservation } from '../record.js'
import type { Split } from '../split.js'
import { ProgressLog } from './progress.js'

/** The wait's own work (a verify poll, settle): done ends the wait, otherwise ask again later. */
export type WorkAnswer<T> = { done: true; value: T } | { done: false; retryInMs: number }

/** One wait of a run: a bake, a convergence, the ready check, settle or a rollback's verify. */
export interface Wait<T> {
  /** For the progress line: "Baking at 25% green". */
  label: string
  phase: GateContext['phase']
  /** Gates are checked while traffic has moved; not during a rollback or an adoption. */
  gated: boolean
  /** What gates are told: the applied split and since when it holds. */
  split: Split
  since: number
  /** The run's cancel signal; absent for a rollback, which must finish. */
  signal?: AbortSignal
  /** Every verdict, to record it; throws to end the wait (a failed gate). */
  onVerdict?(check: GateCheck): void
  /** Asked at once, then when it says; its error fails the wait. */
  work?(signal: AbortSignal): Promise<WorkAnswer<T>>
  /**
   * Ends the wait from the gates' latest verdicts of this wait (`busy`: gates with a check in
   * flight); undefined to go on.
   */
  decide?(
    latest: ReadonlyMap<string, GateCheck>,
    now: number,
    busy: ReadonlySet<string>
  ): { value: T } | undefined
  /** When decide() must be asked although nothing else happens (the bake's end). */
  wakeAt?: number
  /** The wait's bound: expire() runs, and throws, once it has passed. */
  deadline?: number
  expire?(latest: ReadonlyMap<string, GateCheck>): never
  /** Delay from a check's start to the gate's next one; default: the gate's interval. */
  recheckInMs?(gate: Gate, check: GateCheck, streak: number): number
}

/** Something in flight: a gate's check or the work, with its answer once it has one. */
interface Flight<A> {
  startedAt: number
  abort: AbortController
  answer?: A
  answered: Promise<void>
}

interface Slot {
  gate: Gate
  dueAt: number
  flight?: Flight<GateCheck>
  /** Verdicts in a row with the same status, for the ready check's backoff. */
  streak: number
}

type WorkResult<T> = { ok: WorkAnswer<T> } | { error: unknown }

/**
 * Checks every gate on its own schedule while a wait does its own work, with one clock sleep at
 * a time so time on a fake clock stays exact. Each check is bounded by its gate's
 * checkTimeoutMs: one that does not answer in time is a failed check, is aborted, and never
 * delays the other gates (checking all together let one hung gate blind the rest).
 */
export class GateWatch {
  private readonly slots: Slot[]

  constructor(
    gates: readonly Gate[],
    private readonly clock: Clock,
    private readonly log: Logger
  ) {
    this.slots = gates.map((gate) => ({ gate, dueAt: 0, streak: 0 }))
  }

  get size(): number {
    return this.slots.length
  }

  get names(): string[] {
    return this.slots.map((slot) => slot.gate.name)
  }

  async wait<T>(wait: Wait<T>): Promise<T> {
    const begun = this.clock.now()
    const slots = wait.gated ? this.slots : []
    for (const slot of slots) Object.assign(slot, { dueAt: begun, streak: 0, flight: undefined })
    const latest = new Map<string, GateCheck>()
    let work: Flight<WorkResult<T>> | undefined
    let workDueAt = wait.work ? begun : Infinity
    const progress = new ProgressLog(this.log, wait.label, begun, wait.wakeAt ?? wait.deadline)
    try {
      for (;;) {
        if (wait.signal?.aborted) throw new CancelledError()
        const now = this.clock.now()
        for (const slot of slots) this.harvest(slot, wait, latest, now, progress)
        if (work?.answer) {
          const answer: WorkResult<T> = work.answer
          work = undefined
          if ('error' in answer) throw answer.error
          if (answer.ok.done) return answer.ok.value
          workDueAt = now + answer.ok.retryInMs
        }
        let started = false
        for (const slot of slots.filter((slot) => !slot.flight && slot.dueAt <= now)) {
          slot.flight = this.check(slot.gate, wait, now)
          started = true
        }
        if (wait.work && !work && workDueAt <= now) {
          work = this.runWork(wait.work, wait.signal, now)
          started = true
        }
        const flights = [...slots.map((slot) => slot.flight), work]
        if (started) {
          await this.pause(flights, 0, wait.signal)
          continue
        }
        // Decided only once every check due by now has answered: a bake ends on a verdict.
        const busy = new Set(slots.filter((slot) => slot.flight).map((slot) => slot.gate.name))
        const decided = wait.decide?.(latest, now, busy)
        if (decided) return decided.value
        if (wait.deadline !== undefined && now >= wait.deadline) wait.expire?.(latest)
        progress.heartbeat(now, latest)
        const next = Math.min(
          ...slots.map((slot) =>
            slot.flight ? slot.flight.startedAt + slot.gate.checkTimeoutMs : slot.dueAt
          ),
          work ? Infinity : workDueAt,
          wait.wakeAt !== undefined && wait.wakeAt > now ? wait.wakeAt : Infinity,
          wait.deadline ?? Infinity,
          progress.nextAt
        )
        await this.pause(flights, next - now, wait.signal)
      }
    } finally {
      // A wait leaves nothing running: the next one asks afresh, in its own phase.
      for (const slot of slots) slot.flight?.abort.abort()
      work?.abort.abort()
    }
  }

  /** Takes a check that answered, or has run out of time, into the verdicts. */
  private harvest(
    slot: Slot,
    wait: Wait<unknown>,
    latest: Map<string, GateCheck>,
    now: number,
    progress: ProgressLog
  ): void {
    const { flight, gate } = slot
    if (!flight) return
    let check = flight.answer
    if (!check && now - flight.startedAt >= gate.checkTimeoutMs) {
      flight.abort.abort()
      const detail = `did not answer within ${gate.checkTimeoutMs / 1000}s`
      check = { gate: gate.name, status: 'fail', detail, at: now, phase: wait.phase }
    }
    if (!check) return
    // A check cut short by cancellation is not a gate failure: the run was cancelled.
    if (wait.signal?.aborted) throw new CancelledError()
    slot.flight = undefined
    const previous = latest.get(gate.name)
    slot.streak = previous?.status === check.status ? slot.streak + 1 : 0
    latest.set(gate.name, check)
    const delay = wait.recheckInMs?.(gate, check, slot.streak) ?? gate.intervalMs
    slot.dueAt = flight.startedAt + delay
    progress.verdict(previous, check)
    wait.onVerdict?.(check)
  }

  private check(gate: Gate, wait: Wait<unknown>, now: number): Flight<GateCheck> {
    const abort = new AbortController()
    const context: GateContext = {
      phase: wait.phase,
      split: wait.split,
      since: wait.since,
      signal: combine(wait.signal, abort.signal)
    }
    const flight: Flight<GateCheck> = { startedAt: now, abort, answered: Promise.resolve() }
    const verdict = (
      status: GateCheck['status'],
      detail: string,
      observation?: GateObservation
    ): void => {
      flight.answer = { gate: gate.name, status, detail, at: this.clock.now(), phase: wait.phase }
      if (observation) flight.answer.observation = observation
    }
    // A gate that cannot be checked fails closed.
    flight.answered = Promise.resolve()
      .then(() => gate.check(context))
      .then(
        (result) => verdict(result.status, result.detail, result.observation),
        (error: unknown) => verdict('fail', `could not be checked: ${describeError(error)}`)
      )
    return flight
  }

  private runWork<T>(
    work: NonNullable<Wait<T>['work']>,
    signal: AbortSignal | undefined,
    now: number
  ): Flight<WorkResult<T>> {
    const abort = new AbortController()
    const flight: Flight<WorkResult<T>> = { startedAt: now, abort, answered: Promise.resolve() }
    flight.answered = Promise.resolve()
      .then(() => work(combine(signal, abort.signal)))
      .then(
        (ok) => void (flight.answer = { ok }),
        (error: unknown) => void (flight.answer = { error })
      )
    return flight
  }

  /**
   * Waits until something in flight answers or `ms` pass. Answers that need no I/O are taken
   * before time moves on at all, so a fake clock, whose sleep jumps at once, stays exact.
   */
  private async pause(
    flights: (Flight<unknown> | undefined)[],
    ms: number,
    signal: AbortSignal | undefined
  ): Promise<void> {
    const open = flights.filter((flight) => flight !== undefined && flight.answer === undefined)
    const answered =
      open.length > 0
        ? Promise.race(open.map((flight) => flight!.answered))
        : new Promise<void>(() => undefined)
    const early = await Promise.race([answered.then(() => true), nextTurn().then(() => false)])
    if (early || ms <= 0) return
    const stop = new AbortController()
    const sleeping = this.clock.sleep(ms, combine(signal, stop.signal))
    sleeping.catch(() => undefined) // stopped on purpose when an answer comes first
    try {
      await Promise.race([sleeping, answered])
    } finally {
      stop.abort()
    }
  }
}

function combine(run: AbortSignal | undefined, own: AbortSignal): AbortSignal {
  return run ? AbortSignal.any([run, own]) : own
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
