import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { LiveState, Phase, TrafficBackend, Verification } from '../../src/backends/backend.js'
import { TargetsAws } from '../../src/backends/targets-aws.js'
import type { TargetsState } from '../../src/backends/targets-native.js'
import type { TargetsSettings } from '../../src/backends/targets-settings.js'
import { TargetsBackend } from '../../src/backends/targets.js'
import type { Logger } from '../../src/logger.js'
import { Split } from '../../src/split.js'
import type { FakeClock } from '../helpers/fake-clock.js'
import { TG_ARN } from '../helpers/fake-target-group.js'

/** Shared by the targets tests: ids that read well, a backend on the mocked clients, a driver. */

/** Instance ids that read as blue or green in a log: i-0b…1 is b1, i-0e…1 is g1. */
export const blueId = (n: number) => `i-0b${String(n).padStart(15, '0')}`
export const greenId = (n: number) => `i-0e${String(n).padStart(15, '0')}`
export const range = (count: number, id: (n: number) => string) =>
  Array.from({ length: count }, (_, i) => id(i + 1))
/** "register i-0e000000000000001" → "register g1", so logs read like the plan. */
export const short = (text: string) =>
  text.replace(/i-0b0*(\d+)/g, 'b$1').replace(/i-0e0*(\d+)/g, 'g$1')
export const listOf = (ids: string[]) => ({
  targets: ids.map((id) => ({ id, kind: 'instance' as const }))
})

export interface PhaseOutcome<N> {
  phase: Phase<N>
  verification: Verification<N>
}

/**
 * Drives phases as the runner does: apply, then verify every second until the phase converges,
 * or stops (diverged, failed, or still pending after timeoutMs). `between` runs before each poll
 * (someone else's edit, Auto Scaling's activity).
 */
export async function runPhases<N>(
  backend: TrafficBackend<N>,
  clock: FakeClock,
  from: LiveState<N>,
  phases: Phase<N>[],
  options: { timeoutMs?: number; between?: (poll: number) => void } = {}
): Promise<{ outcomes: PhaseOutcome<N>[]; state: LiveState<N> }> {
  const outcomes: PhaseOutcome<N>[] = []
  let state = from
  for (const phase of phases) {
    await backend.apply(phase)
    const deadline = clock.now() + (options.timeoutMs ?? 300_000)
    let verification: Verification<N>
    let poll = 0
    for (;;) {
      options.between?.(poll)
      poll += 1
      verification = await backend.verify(phase, state)
      if (verification.status !== 'pending' || clock.now() >= deadline) break
      clock.advance(1000)
    }
    outcomes.push({ phase, verification })
    if (verification.status !== 'converged') return { outcomes, state: verification.state }
    state = verification.state
  }
  return { outcomes, state }
}

/** A targets backend on the mocked clients: 3 listed blue, 5 listed green unless overridden. */
export function targetsBackend(
  clock: FakeClock,
  logger: Logger,
  overrides: Partial<TargetsSettings> = {},
  region = 'us-east-1'
): TargetsBackend {
  const aws = new TargetsAws(
    new ElasticLoadBalancingV2Client({ region }),
    () => new AutoScalingClient({ region })
  )
  const settings: TargetsSettings = {
    targetGroupArn: TG_ARN,
    blue: listOf(range(3, blueId)),
    green: listOf(range(5, greenId)),
    waitForDraining: true,
    bakeMs: 60_000,
    ...overrides
  }
  return new TargetsBackend(settings, aws, clock, logger)
}

/**
 * Steps as the runner takes them, from inspect(): quantize, plan, apply and verify each phase.
 * Throws when a phase does not converge; returns the state reached and each split carried.
 */
export async function migrate(
  backend: TargetsBackend,
  clock: FakeClock,
  percents: number[],
  options: { between?: (poll: number) => void } = {}
): Promise<{ start: TargetsState; state: TargetsState; carried: number[] }> {
  const start = (await backend.inspect()).state
  let state = start
  const carried: number[] = []
  for (const percent of percents) {
    const plan = backend.plan(state, backend.quantize(Split.ofPercent(percent), state))
    const run = await runPhases(backend, clock, state, plan.phases, options)
    const last = run.outcomes.at(-1)
    if (last && last.verification.status !== 'converged') {
      throw new Error(`${percent}%: ${last.verification.status}: ${last.verification.detail}`)
    }
    state = run.state
    carried.push(state.split.percent)
  }
  return { start, state, carried }
}
