/** The measured runs turned into the seven figures, each next to its goal. */
import type { CanaryMeasurements } from './canary/experiment.js'
import { canaryFigures, canarySandboxFigures } from './canary/figures.js'
import type { CanarySandboxRun } from './canary/sandbox.js'
import type { ColdStartRun } from './cold-start.js'
import type { DetectionRun } from './detection.js'
import type { Figure } from './figure.js'
import type { OverheadRun } from './overhead.js'
import type { ScaleRun } from './scale.js'
import { median } from './stats.js'
import { AWS_LIMITS } from './world.js'

export interface Measurements {
  coldStart: ColdStartRun[]
  overhead: OverheadRun[]
  bundleBytes: number
  detection: DetectionRun[]
  scale: ScaleRun[]
  /** Figure group 8, simulated per-minute counts (no sandbox). */
  canary: CanaryMeasurements
  /** Figure group 8's end-to-end runs: the 2× case through dist/index.js on the sandbox. */
  canarySandbox: CanarySandboxRun[]
}

const S1 = '1. Overhead'
const S2 = '2. Cold start'
const S3 = '3. Bundle'
const S4 = '4. Detection'
const S5 = '5. Blast radius'
const S6 = '6. API economy'
const S7 = '7. Scale'

export function figures(m: Measurements): Figure[] {
  return [
    ...overheadFigures(m.overhead),
    ...coldStartFigures(m.coldStart),
    ...bundleFigures(m.bundleBytes, m.overhead),
    ...detectionFigures(m.detection),
    ...blastRadiusFigures(m.detection),
    ...apiFigures(m),
    ...scaleFigures(m.scale),
    ...canaryFigures(m.canary),
    ...canarySandboxFigures(m.canarySandbox)
  ]
}

function overheadFigures(runs: OverheadRun[]): Figure[] {
  const steps = runs[0]?.steps ?? 0
  return [
    {
      section: S1,
      name: 'Overhead ratio: shift wall time ÷ (Σ bake + AWS convergence)',
      unit: '×',
      digits: 3,
      values: runs.map((run) => run.wallMs / run.physicalMs),
      goal: { max: 1.02 },
      note: `${steps} steps × 1 s bake, weighted-target-groups, target-health + alarm + probe`
    },
    {
      section: S1,
      name: 'Shift wall time (process start to exit)',
      unit: 's',
      digits: 2,
      values: runs.map((run) => run.wallMs / 1000)
    },
    {
      section: S1,
      name: 'Physical limit: Σ bake + AWS convergence',
      unit: 's',
      digits: 2,
      values: runs.map((run) => run.physicalMs / 1000),
      note: 'convergence: green healthy after adoption; ALB weights apply on write'
    },
    {
      section: S1,
      name: 'Before the first step (first request → first write)',
      unit: 'ms',
      values: runs.map((run) => run.prepareMs),
      note: 'reads, adoption, gates waiting for green'
    },
    {
      section: S1,
      name: 'Per step beyond its bake',
      unit: 'ms',
      digits: 1,
      values: runs.map((run) => run.perStepMs),
      note: 'reads, write, verify, final gate check'
    },
    {
      section: S1,
      name: 'After the last bake (final read, report, exit)',
      unit: 'ms',
      values: runs.map((run) => run.tailMs)
    }
  ]
}

function coldStartFigures(runs: ColdStartRun[]): Figure[] {
  return [
    { section: S2, name: '`node -e 0`', unit: 'ms', values: runs.map((run) => run.nodeMs) },
    {
      section: S2,
      name: 'Process start → first AWS request',
      unit: 'ms',
      values: runs.map((run) => run.firstRequestMs)
    },
    {
      section: S2,
      name: 'First AWS request ÷ `node -e 0`',
      unit: '×',
      digits: 2,
      values: runs.map((run) => run.firstRequestMs / run.nodeMs),
      goal: { max: 2.5 },
      note: 'each run paired with its own baseline'
    },
    {
      section: S2,
      name: 'Whole dry-run',
      unit: 'ms',
      values: runs.map((run) => run.dryRunMs)
    },
    {
      section: S2,
      name: 'Whole dry-run ÷ `node -e 0`',
      unit: '×',
      digits: 2,
      values: runs.map((run) => run.dryRunMs / run.nodeMs),
      goal: { max: 2.5 }
    }
  ]
}

function bundleFigures(bytes: number, runs: OverheadRun[]): Figure[] {
  const peaks = runs.flatMap((run) => (run.peakRssKiB === undefined ? [] : [run.peakRssKiB / 1024]))
  return [
    { section: S3, name: 'dist/index.js', unit: 'KiB', values: [bytes / 1024] },
    {
      section: S3,
      name: 'Peak memory of the action during a shift (VmHWM)',
      unit: 'MiB',
      digits: 1,
      values: peaks,
      note: peaks.length === 0 ? 'no /proc on this system' : undefined
    }
  ]
}

function detectionFigures(runs: DetectionRun[]): Figure[] {
  const names = [...new Set(runs.map((run) => run.name))]
  return names.flatMap((name) => {
    const own = runs.filter((run) => run.name === name)
    const aws = own.flatMap((run) => (run.awsMs === undefined ? [] : [run.awsMs]))
    const rows: Figure[] = [
      {
        section: S4,
        name: `${name}: failure → rollback verified`,
        unit: 'ms',
        values: own.map((run) => run.verifiedMs),
        goal: { max: 2000 },
        note: `${own[0].failure}; the gate fails after ${Math.round(
          median(own.map((run) => run.detectMs))
        )} ms (median); ${own.filter((run) => run.failedGate === own[0].gate).length}/${own.length} runs ended by ${own[0].gate}`
      }
    ]
    if (aws.length > 0) {
      rows.push({
        section: S4,
        name: `${name}: of which AWS marking a green target unhealthy`,
        unit: 'ms',
        values: aws,
        note: 'ALB health checks every 250 ms here, 2 failures to turn unhealthy'
      })
    }
    return rows
  })
}

function blastRadiusFigures(runs: DetectionRun[]): Figure[] {
  // Only where green itself fails do clients see errors.
  const own = runs.filter((run) => run.gate === 'target-health')
  return [
    {
      section: S5,
      name: 'Failed client requests while a 10 % canary fails',
      unit: 'count',
      values: own.map((run) => run.failed),
      note: 'target-health run; 2 clients calling the listener back to back'
    },
    {
      section: S5,
      name: 'Physical bound: 10 % of the requests from failure to rollback',
      unit: 'count',
      digits: 1,
      values: own.map((run) => run.bound)
    },
    {
      section: S5,
      name: 'Failed ÷ bound',
      unit: '×',
      digits: 2,
      values: own.map((run) => run.failed / Math.max(1, run.bound))
    }
  ]
}

function apiFigures(m: Measurements): Figure[] {
  const r53 = m.detection.filter((run) => run.gate === 'route53-health-check')
  const all = [...m.overhead, ...m.detection, ...m.scale]
  const elbLimit = AWS_LIMITS.elbv2Describe
  const r53Limit = AWS_LIMITS.route53
  const hcLimit = AWS_LIMITS.route53HealthCheckStatus
  return [
    {
      section: S6,
      name: 'AWS requests per step',
      unit: '',
      digits: 1,
      values: m.overhead.map((run) => run.calls.total / run.steps),
      note: 'the overhead shift, every gate polled each 1 s'
    },
    {
      section: S6,
      name: 'AWS requests per bake-second',
      unit: '',
      digits: 1,
      values: m.overhead.map((run) => run.calls.total / (run.bakeMs / 1000))
    },
    {
      section: S6,
      name: 'Peak ELB Describe* requests in any 1 s',
      unit: '',
      values: [...m.overhead, ...m.scale].map((run) => run.calls.peak['elbv2 Describe*'] ?? 0),
      goal: { max: elbLimit.perSecond },
      note: `AWS: refill ${elbLimit.perSecond}/s, burst ${elbLimit.burst}; shift and scale runs`
    },
    {
      section: S6,
      name: 'Peak CloudWatch requests in any 1 s',
      unit: '',
      values: m.overhead.map((run) => run.calls.peak.cloudwatch ?? 0)
    },
    {
      section: S6,
      name: 'Peak Route 53 requests in any 1 s',
      unit: '',
      values: r53.map((run) => run.calls.peak.route53 ?? 0),
      goal: { max: r53Limit.perSecond },
      note: `AWS: ${r53Limit.perSecond}/s, burst ${r53Limit.burst}`
    },
    {
      section: S6,
      name: 'Peak GetHealthCheckStatus in any 1 s',
      unit: '',
      values: r53.map((run) => run.calls.peak.GetHealthCheckStatus ?? 0),
      goal: { max: hcLimit.perSecond },
      note: `AWS: ${hcLimit.perSecond}/s, burst ${hcLimit.burst}`
    },
    {
      section: S6,
      name: 'Requests the sandbox throttled (at AWS limits)',
      unit: 'count',
      values: [all.reduce((sum, run) => sum + run.calls.throttled, 0)],
      note: `all ${all.length} action runs`
    },
    {
      section: S6,
      name: 'Throttling errors surfaced to the user',
      unit: 'count',
      values: [all.reduce((sum, run) => sum + run.surfaced.length, 0)],
      goal: { max: 0 },
      note: 'log lines mentioning throttling, all runs'
    }
  ]
}

function scaleFigures(runs: ScaleRun[]): Figure[] {
  const sizes = [...new Set(runs.map((run) => run.targets))].sort((a, b) => a - b)
  const wall = (size: number) => runs.filter((run) => run.targets === size).map((r) => r.wallMs)
  const smallest = sizes[0]
  const largest = sizes.at(-1)!
  const small = wall(smallest)
  const large = wall(largest)
  const pairs = Math.min(small.length, large.length)
  const stepAtSmallest = median(
    runs.filter((run) => run.targets === smallest).flatMap((run) => run.stepMs)
  )
  return [
    ...sizes.map((size): Figure => ({
      section: S7,
      name: `${size} targets, steps 50,100, 1 s bake`,
      unit: 's',
      digits: 2,
      values: wall(size).map((ms) => ms / 1000),
      note: `steps converged in ${median(
        runs.filter((run) => run.targets === size).flatMap((run) => run.convergeMs)
      ).toFixed(0)} ms (median)`
    })),
    {
      section: S7,
      name: `Ratio ${largest} ÷ ${smallest} targets`,
      unit: '×',
      digits: 2,
      values: Array.from({ length: pairs }, (_, i) => large[i] / small[i]),
      goal: { max: 1.1 }
    },
    {
      section: S7,
      name: `One target at a time, ${largest} targets (estimate)`,
      unit: 's',
      values: [((largest / 2) * stepAtSmallest) / 1000],
      note: `${largest / 2} moves × one step at ${smallest} targets (${stepAtSmallest.toFixed(0)} ms)`
    }
  ]
}
