/**
 * Starts the sandbox with a blue/green scenario and prints what a person needs to point the
 * action (or the AWS CLI) at it by hand. Runs until Ctrl-C, then closes everything.
 *
 *   npx tsx sandbox/cli.ts [--time-scale 0.1] [--forward blue|900/100] [--targets-per-color 1]
 *                          [--stickiness <seconds>] [--alarm <name>]... [--log-requests]
 */
import { parseArgs } from 'node:util'
import { startSandbox } from './index.js'
import { type BlueGreenOptions, createBlueGreen } from './scenario.js'

const USAGE = `Usage: npx tsx sandbox/cli.ts [options]
  --time-scale <n>          multiply AWS durations by n (default 0.1: a 5 s health check interval takes 0.5 s)
  --forward blue|<b>/<g>    initial listener action: blue only (default) or weights, e.g. 900/100
  --targets-per-color <n>   app servers behind each target group (default 1)
  --stickiness <seconds>    enable target group stickiness on the forward action
  --alarm <name>            create a metric alarm (repeatable), in OK state
  --log-requests            print every request the listener answers`

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`)
  process.exit(2)
}

function positive(name: string, text: string): number {
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0)
    fail(`--${name} must be a positive number, got '${text}'`)
  return value
}

function forward(text: string): BlueGreenOptions['forward'] {
  if (text === 'blue') return 'blue'
  const match = /^(\d{1,3})\/(\d{1,3})$/.exec(text)
  if (!match) fail(`--forward must be 'blue' or '<blue>/<green>' weights, got '${text}'`)
  return { blue: Number(match[1]), green: Number(match[2]) }
}

async function main(): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      options: {
        'time-scale': { type: 'string', default: '0.1' },
        forward: { type: 'string', default: 'blue' },
        'targets-per-color': { type: 'string', default: '1' },
        stickiness: { type: 'string' },
        alarm: { type: 'string', multiple: true, default: [] },
        'log-requests': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false }
      }
    })
  } catch (error) {
    fail((error as Error).message)
  }
  const { values } = parsed
  if (values.help) {
    console.log(USAGE)
    return
  }
  const timeScale = positive('time-scale', values['time-scale'])
  const sandbox = await startSandbox({ timeScale })
  let closing = false
  const shutdown = async (): Promise<void> => {
    if (closing) return
    closing = true
    console.log('\n# Closing the sandbox…')
    await scenario?.close()
    await sandbox.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown())
  process.on('SIGTERM', () => void shutdown())
  let scenario: Awaited<ReturnType<typeof createBlueGreen>> | undefined
  try {
    scenario = await createBlueGreen(sandbox, {
      forward: forward(values.forward),
      targetsPerColor: Math.round(positive('targets-per-color', values['targets-per-color'])),
      stickinessSeconds:
        values.stickiness === undefined ? undefined : positive('stickiness', values.stickiness),
      alarms: values.alarm
    })
  } catch (error) {
    await sandbox.close()
    throw error
  }
  if (values['log-requests']) {
    sandbox.elb.onRequest((routed) => {
      const side =
        routed.targetGroupArn === scenario?.blue.targetGroupArn
          ? 'blue'
          : routed.targetGroupArn === scenario?.green.targetGroupArn
            ? 'green'
            : '-'
      console.log(`# ${new Date().toISOString()} ${routed.status} ${side}`)
    })
  }
  console.log(
    `# aws-traffic-shift local sandbox (time scale ${timeScale}). Paste these into your shell:`
  )
  for (const [name, value] of Object.entries(sandbox.env())) console.log(`export ${name}=${value}`)
  console.log(`#
# load balancer:      ${scenario.loadBalancerArn}
# listener (port 80): ${scenario.listenerArn}
# blue target group:  ${scenario.blue.targetGroupArn}
# green target group: ${scenario.green.targetGroupArn}
# alarms:             ${values.alarm.length > 0 ? values.alarm.join(', ') : '(none; add with --alarm <name>)'}
#
# Traffic goes through the listener's real address: curl ${scenario.listenerUrl}/
# Ctrl-C stops the sandbox.`)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
