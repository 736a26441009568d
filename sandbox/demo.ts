/**
 * `npm run demo`: the bundled action moving real traffic on the local sandbox, no AWS account.
 * Scenario 1 shifts blue → green in steps while clients keep calling the listener; scenario 2
 * breaks green at 25 % and the action rolls back. Prints the live split, then one verdict line
 * per scenario and where the job summaries were written.
 */
import { startAction, type ActionResult } from './action-process.js'
import { startSandbox, type Sandbox } from './index.js'
import { createBlueGreen, type BlueGreenScenario } from './scenario.js'
import { type Sample, Traffic } from './traffic.js'

interface Verdict {
  name: string
  result: ActionResult
  samples: Sample[]
  summaryPath: string
  /** When the demo broke green, if it did. */
  brokeAt?: number
}

const BAKE = '3s'
const STEPS = '10,25,50,100'

async function main(): Promise<void> {
  console.log(
    'aws-traffic-shift demo: the bundled action (dist/index.js) against a local AWS sandbox\n'
  )
  const verdicts: Verdict[] = []
  verdicts.push(await scenario('shift blue → green', undefined))
  verdicts.push(await scenario('green fails at 25 % → rollback', 'blue 750 / green 250'))
  console.log('\nVerdicts')
  for (const verdict of verdicts) console.log(verdictLine(verdict))
  console.log('\nJob summaries (Markdown, as GitHub renders them):')
  for (const verdict of verdicts) console.log(`  ${verdict.name}: ${verdict.summaryPath}`)
}

/** One run of the action on a fresh sandbox; `breakGreenAt` is the log text that triggers it. */
async function scenario(name: string, breakGreenAt: string | undefined): Promise<Verdict> {
  console.log(`━━ Scenario: ${name} ━━`)
  const sandbox: Sandbox = await startSandbox({ timeScale: 0.05, seed: 1 })
  let world: BlueGreenScenario | undefined
  let traffic: Traffic | undefined
  try {
    world = await createBlueGreen(sandbox, {
      forward: 'blue',
      targetsPerColor: 2,
      alarms: ['shop-5xx']
    })
    console.log(`blue v1 and green v2 are up behind ${world.listenerUrl}; clients are calling it.`)
    traffic = new Traffic(world.listenerUrl, 4)
    const action = startAction(
      {
        mode: 'weighted-target-groups',
        'listener-arn': world.listenerArn,
        'blue-target-group': world.blue.targetGroupArn,
        'green-target-group': world.green.targetGroupArn,
        steps: STEPS,
        'bake-time': BAKE,
        'check-interval': '250ms',
        alarms: 'shop-5xx',
        'probe-urls': `${world.green.apps[0].url}/`,
        'probe-interval': '250ms',
        'probe-failure-threshold': '2'
      },
      sandbox.env()
    )
    const green = world.green
    let brokeAt: number | undefined
    action.process.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        const shown = actionLine(line)
        if (shown) console.log(`  action │ ${shown}`)
        if (breakGreenAt && line.includes(`AWS reports ${breakGreenAt}`)) {
          brokeAt = Date.now()
          console.log('  demo   │ ✖ green starts answering 500 to everything')
          for (const app of green.apps) app.setFailing(true)
        }
      }
    })
    const ticker = setInterval(() => console.log(`  clients│ ${liveShare(traffic!.samples)}`), 1000)
    const result = await action.done.finally(() => clearInterval(ticker))
    const samples = await traffic.stop()
    traffic = undefined
    return { name, result, samples, summaryPath: result.summaryPath, brokeAt }
  } finally {
    await traffic?.stop()
    await world?.close()
    await sandbox.close()
  }
}

/** The action's log, without workflow-command noise. */
function actionLine(line: string): string | undefined {
  if (line === '' || line.startsWith('::set-output') || line === '::endgroup::') return undefined
  if (line.startsWith('::group::')) return `▶ ${decode(line.slice('::group::'.length))}`
  const command = /^::(error|warning)[^:]*::(.*)$/.exec(line)
  return decode(command ? `${command[1]}: ${command[2]}` : line)
}

/** Workflow commands escape %, CR and LF in their data. */
function decode(text: string): string {
  return text.replace(/%0D/g, '').replace(/%0A/g, ' ').replace(/%25/g, '%')
}

/** Which version answered the last second's requests. */
function liveShare(samples: Sample[]): string {
  const since = Date.now() - 1000
  const recent = samples.filter((sample) => sample.at >= since)
  const count = (test: (sample: Sample) => boolean): number => recent.filter(test).length
  const v1 = count((s) => s.status === 200 && s.version === 'v1')
  const v2 = count((s) => s.status === 200 && s.version === 'v2')
  const failed = count((s) => s.status !== 200)
  const pct = (n: number): string =>
    `${((100 * n) / Math.max(1, recent.length)).toFixed(0)}%`.padStart(4)
  return `last 1 s: v1 ${pct(v1)} │ v2 ${pct(v2)} │ failed ${String(failed).padStart(3)} of ${recent.length}`
}

function verdictLine({ name, result, samples, brokeAt }: Verdict): string {
  const record = JSON.parse(result.outputs.report ?? '{}') as {
    events?: { at: number; kind: string; percent?: number }[]
  }
  const events = record.events ?? []
  const perStep = events
    .filter((event) => event.kind === 'converged')
    .map((event) => {
      const next = events.find(
        (later) => later.at > event.at && ['shift', 'done', 'rollback'].includes(later.kind)
      )
      // Every answer names the version that gave it, a failed one too.
      const window = samples.filter(
        (s) => s.version && s.at > event.at + 50 && s.at < (next?.at ?? Infinity) - 50
      )
      const green = window.filter((s) => s.version === 'v2').length
      return `${event.percent}%→${((100 * green) / Math.max(1, window.length)).toFixed(1)}%`
    })
  const failed = samples.filter((sample) => sample.status !== 200).length
  const rollback = events.find((event) => event.kind === 'rollback')
  const detection =
    brokeAt && rollback ? ` │ rolled back ${rollback.at - brokeAt} ms after green broke` : ''
  return (
    `  ${name}: ${result.outputs.status ?? 'no status'} (exit ${result.code}) │ ` +
    `${samples.length} requests, ${failed} failed │ observed green per step: ` +
    `${perStep.join(', ') || 'none'}${detection}`
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
