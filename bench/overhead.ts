/**
 * Figure 1 (overhead ratio), and the memory and API figures of the same runs: a full
 * weighted-target-groups shift, 10 steps of 1 s bake, with the usual ALB gates.
 */
import type { Transition } from '../sandbox/elbv2/health.js'
import type { RunRecord } from '../src/record.js'
import { callsBetween, type CallCounts, countCalls, throttlingSurfaced } from './api-calls.js'
import { startMeasured } from './process.js'
import { albGates, albWorld, shiftInputs } from './world.js'

export const OVERHEAD_STEPS = 10
export const OVERHEAD_BAKE_MS = 1000

export interface OverheadRun {
  status: string
  wallMs: number
  /** Σ bake + Σ AWS convergence: the physical limit of this shift. */
  physicalMs: number
  bakeMs: number
  /**
   * AWS's own convergence: green's targets passing their first health checks once adoption puts
   * green in the listener. Weight changes themselves apply on write in the sandbox (0 s).
   */
  convergeMs: number
  /** Process start to the first AWS request. */
  startupMs: number
  /** First AWS request to the first step's write (reads, adoption, gates before the shift). */
  prepareMs: number
  /** Per step, what is not bake: the step's reads, write, verify and gate round trips. */
  perStepMs: number
  /** Last bake's end to the process's exit (final read, report, exit). */
  tailMs: number
  peakRssKiB?: number
  calls: CallCounts
  steps: number
  surfaced: string[]
}

export async function overheadRun(seed: number): Promise<OverheadRun> {
  const world = await albWorld(seed)
  try {
    const inputs = shiftInputs(world, {
      ...albGates(world),
      steps: `every ${100 / OVERHEAD_STEPS}`,
      'bake-time': `${OVERHEAD_BAKE_MS}ms`
    })
    const greenArn = world.scenario.green.targetGroupArn
    let greenHealthyAt = NaN
    world.sandbox.elb.health.on('transition', (transition: Transition) => {
      if (transition.targetGroupArn === greenArn && transition.state === 'healthy') {
        greenHealthyAt = Date.now()
      }
    })
    const { done } = startMeasured(inputs, world.sandbox.env())
    const { result, startedAt, peakRssKiB } = await done
    const exitAt = startedAt + result.elapsedMs
    const record = JSON.parse(result.outputs.report ?? '{}') as RunRecord
    const steps = record.steps ?? []
    const calls = callsBetween(world.sandbox.faults.calls, startedAt, exitAt)
    const bakeMs = steps.reduce((sum, step) => sum + step.bakeMs, 0)
    const adoptedAt = calls.find((call) => call.operation === 'ModifyListener')?.at ?? NaN
    const convergeMs = Math.max(0, greenHealthyAt - adoptedAt) || 0
    const first = steps[0]
    const last = steps.at(-1)
    const stepsSpan = last?.finishedAt && first ? last.finishedAt - first.startedAt : NaN
    return {
      status: result.outputs.status ?? `exit ${result.code}`,
      wallMs: result.elapsedMs,
      physicalMs: bakeMs + convergeMs,
      bakeMs,
      convergeMs,
      startupMs: (calls[0]?.at ?? NaN) - startedAt,
      prepareMs: (first?.startedAt ?? NaN) - (calls[0]?.at ?? NaN),
      perStepMs: (stepsSpan - bakeMs) / Math.max(1, steps.length),
      tailMs: exitAt - (last?.finishedAt ?? NaN),
      peakRssKiB,
      calls: countCalls(calls),
      steps: steps.length,
      surfaced: throttlingSurfaced(result.stdout)
    }
  } finally {
    await world.close()
  }
}
