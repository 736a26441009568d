/**
 * The action as a process, measured from outside so nothing is added to it: wall time from the
 * parent, peak memory from /proc/<pid>/status (VmHWM, the kernel's own high-water mark).
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { type ActionResult, startAction, type RunningAction } from '../sandbox/action-process.js'

export interface MeasuredRun {
  result: ActionResult
  /** Date.now() just before the spawn. */
  startedAt: number
  /** Peak resident memory in KiB (VmHWM), undefined where /proc is not available. */
  peakRssKiB?: number
}

/** Spawn to exit of `node -e 0` on the same Node: what any Node program pays to exist. */
export function nodeBaselineMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', () => resolve(Date.now() - started))
  })
}

/** Starts the bundled action and samples its memory until it exits. */
export function startMeasured(
  inputs: Record<string, string>,
  env: Record<string, string>
): { running: RunningAction; done: Promise<MeasuredRun> } {
  const startedAt = Date.now()
  const running = startAction(inputs, env)
  let peakRssKiB: number | undefined
  const sample = (): void => {
    const peak = readPeakRss(running.process.pid)
    if (peak !== undefined) peakRssKiB = Math.max(peakRssKiB ?? 0, peak)
  }
  // VmHWM only grows, so the last sample before exit is the peak up to then.
  const timer = setInterval(sample, 20)
  const done = running.done.then((result) => {
    clearInterval(timer)
    return { result, startedAt, peakRssKiB }
  })
  return { running, done }
}

function readPeakRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}
