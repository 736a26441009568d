import { checkSplit, type SplitOptions, type SplitVerdict } from '../analysis/index.js'
import type { Logger } from '../logger.js'
import type { GateObservation } from '../record.js'
import type { MinuteWindow } from './alb-metrics.js'
import type { GateContext, GateResult } from './gate.js'

export const minutesText = (n: number) => `${n} complete minute${n === 1 ? '' : 's'}`

/** How one mode words its observed split: the window it counts and the causes of a mismatch. */
export interface SplitWording {
  /** The window in a "not judged yet" line, e.g. "since the change". */
  pendingWindow: string
  /** The window in a verdict, e.g. "since the change". */
  judgedWindow: string
  /** What the counts are, after the verdict's figures (may be empty). */
  countedAs: string
  /** The likely causes of a mismatch, for the failure. */
  causes: string
}

/** Each side's requests per minute of `window`. */
export interface SplitCounts {
  window: MinuteWindow
  blue: number[]
  green: number[]
}

/**
 * The observed-split verdict of each step, shared by the ALB and dns variants of traffic-split:
 * a step is judged once (its first look with enough requests), so alpha is the step's
 * false-alarm rate; `warn` logs a mismatch once per step instead of failing.
 */
export class StepSplitJudge {
  /** The verdict of each step, by the time its split took effect. */
  private readonly judged = new Map<
    number,
    { verdict: SplitVerdict; observation: GateObservation }
  >()
  private readonly warned = new Set<number>()

  constructor(
    private readonly action: 'on' | 'warn' | 'off',
    private readonly logger: Logger,
    private readonly options: Required<SplitOptions>,
    private readonly wording: SplitWording
  ) {}

  /** The step's judged share, kept on its later verdicts too, for the report. */
  observation(since: number): GateObservation | undefined {
    return this.judged.get(since)?.observation
  }

  /** Whether the step starting at `since` still needs its counts (it has no verdict yet). */
  needsCounts(since: number): boolean {
    return !this.judged.has(since)
  }

  /**
   * The step's verdict: its stored one, else judged on `counted` (each side's requests per
   * minute of the window), which the gate reads only while needsCounts says so.
   */
  judge(context: GateContext, counted?: SplitCounts): GateResult {
    let verdict = this.judged.get(context.since)?.verdict
    if (!verdict) {
      const candidate = checkSplit(
        [
          {
            id: 'blue',
            weight: 1000 - context.split.permille,
            requestsPerMinute: counted!.blue
          },
          { id: 'green', weight: context.split.permille, requestsPerMinute: counted!.green }
        ],
        this.options
      )
      if (candidate.status === 'pending') {
        return {
          status: 'pass',
          detail:
            `split not judged yet at ${context.split}: ${candidate.total.toLocaleString('en-US')} ` +
            `requests in ${minutesText(candidate.minutes)} ${this.wording.pendingWindow}, ` +
            `${this.options.minRequests.toLocaleString('en-US')} needed`
        }
      }
      verdict = candidate
      const green = candidate.groups.find((group) => group.id === 'green')!
      this.judged.set(context.since, {
        verdict,
        observation: {
          window: { start: counted!.window.start, end: counted!.window.end },
          greenShare: green.observedShare
        }
      })
    }
    const seen =
      `${verdict.detail}${this.wording.countedAs} over ${minutesText(verdict.minutes)} ` +
      this.wording.judgedWindow
    if (verdict.status === 'agrees') return { status: 'pass', detail: `split as applied: ${seen}` }
    const detail =
      `traffic does not split as applied (${context.split}): ${seen}; likely causes: ` +
      this.wording.causes
    if (this.action === 'on') return { status: 'fail', detail }
    if (!this.warned.has(context.since)) {
      this.warned.add(context.since)
      this.logger.warning(`traffic-split (warn only): ${detail}`)
    }
    return { status: 'pass', detail: `warn only: ${detail}` }
  }
}
