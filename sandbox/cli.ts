/**
 * `npm run sandbox`: starts the sandbox with one world per mode (weighted target groups, targets
 * in one group, weighted DNS records) and prints, for each, the command that runs the bundled
 * action on it from bash, then writes a `.env` for `npm run local-action`. Runs until Ctrl-C,
 * then closes everything.
 *
 *   npm run sandbox -- [--time-scale 0.1] [--bake-time 5s] [--dotenv .env] [--dotenv-mode <mode>]
 *                      [--forward blue|900/100] [--targets-per-color 1] [--stickiness <seconds>]
 *                      [--alarm <name>]... [--log-requests]
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { dotenv, envCommand, inputVariables, writeEnvFile } from './hand-run.js'
import { buildHandWorlds, type HandWorld, MODES } from './hand-worlds.js'
import { startSandbox } from './index.js'
import type { BlueGreenOptions } from './scenario.js'

const USAGE = `Usage: npm run sandbox -- [options]
  --time-scale <n>          multiply AWS durations by n (default 0.1: a 5 s health check interval takes 0.5 s)
  --bake-time <duration>    bake-time of the printed runs (default 5s)
  --dotenv <path>           where to write the .env for npm run local-action (default .env; never
                            over a file that npm run sandbox did not write)
  --dotenv-mode <mode>      the mode whose world the .env runs: ${MODES.join(', ')} (default ${MODES[0]})
  --forward blue|<b>/<g>    weighted world: initial listener action, blue only (default) or weights, e.g. 900/100
  --targets-per-color <n>   weighted world: app servers behind each target group (default 1)
  --stickiness <seconds>    weighted world: enable target group stickiness on the forward action
  --alarm <name>            weighted world: create a metric alarm (repeatable), in OK state, gated on
  --log-requests            print every request a listener answers`

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

function options() {
  try {
    return parseArgs({
      options: {
        'time-scale': { type: 'string', default: '0.1' },
        'bake-time': { type: 'string', default: '5s' },
        dotenv: { type: 'string', default: '.env' },
        'dotenv-mode': { type: 'string', default: MODES[0] },
        forward: { type: 'string', default: 'blue' },
        'targets-per-color': { type: 'string', default: '1' },
        stickiness: { type: 'string' },
        alarm: { type: 'string', multiple: true, default: [] },
        'log-requests': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false }
      }
    }).values
  } catch (error) {
    fail((error as Error).message)
  }
}

async function main(): Promise<void> {
  const values = options()
  if (values.help) {
    console.log(USAGE)
    return
  }
  const envMode = MODES.find((mode) => mode === values['dotenv-mode'])
  if (!envMode)
    fail(`--dotenv-mode must be one of ${MODES.join(', ')}, got '${values['dotenv-mode']}'`)
  const timeScale = positive('time-scale', values['time-scale'])
  const weighted: BlueGreenOptions = {
    forward: forward(values.forward),
    targetsPerColor: Math.round(positive('targets-per-color', values['targets-per-color'])),
    stickinessSeconds:
      values.stickiness === undefined ? undefined : positive('stickiness', values.stickiness),
    alarms: values.alarm
  }
  const sandbox = await startSandbox({ timeScale })
  let worlds: HandWorld[] = []
  let closing = false
  const shutdown = async (): Promise<void> => {
    if (closing) return
    closing = true
    console.log('\n# Closing the sandbox…')
    await Promise.all(worlds.map((world) => world.close()))
    await sandbox.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown())
  process.on('SIGTERM', () => void shutdown())
  try {
    worlds = await buildHandWorlds(sandbox, { weighted, bakeTime: values['bake-time'] })
  } catch (error) {
    await sandbox.close()
    throw error
  }
  if (values['log-requests']) {
    sandbox.elb.onRequest((routed) => {
      // The group's name (shop-blue, shop-green, fleet) says which side answered.
      const group = routed.targetGroupArn?.split('/')[1] ?? '-'
      console.log(`# ${new Date().toISOString()} ${routed.status} ${group}`)
    })
  }
  // Each mode writes its outputs and job summary to its own files, as a runner would.
  const files = mkdtempSync(join(tmpdir(), 'aws-traffic-shift-sandbox-'))
  const variables = (world: HandWorld): Record<string, string> => {
    const output = join(files, `${world.mode}.output`)
    const summary = join(files, `${world.mode}.summary.md`)
    writeFileSync(output, '', { flag: 'a' })
    writeFileSync(summary, '', { flag: 'a' })
    return {
      ...sandbox.env(),
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      ...inputVariables(world.inputs)
    }
  }
  console.log(`# aws-traffic-shift local sandbox (time scale ${timeScale}). Ctrl-C stops it.`)
  console.log('# To run the action on a world, paste its command into bash in this repository')
  console.log('# (it runs dist/index.js: `npm run bundle` after changing src/).')
  for (const world of worlds) {
    console.log(`#\n# ── ${world.mode} ──`)
    for (const line of world.about) console.log(`# ${line}`)
    console.log(envCommand(variables(world)))
  }
  console.log('#\n# For the AWS CLI or the SDK in this shell:')
  for (const [name, value] of Object.entries(sandbox.env())) console.log(`export ${name}=${value}`)
  const envWorld = worlds.find((world) => world.mode === envMode)!
  const envFile = resolve(values.dotenv)
  // local-action collects the outputs itself.
  const forLocalAction = variables(envWorld)
  delete forLocalAction.GITHUB_OUTPUT
  const written = writeEnvFile(
    envFile,
    dotenv(
      { ...forLocalAction, GITHUB_REPOSITORY: 'aws-traffic-shift/aws-traffic-shift' },
      `npm run local-action runs src/run.ts with these, on the sandbox's ${envMode} world.\n` +
        'Its endpoints and ARNs last as long as this sandbox does.'
    )
  )
  console.log(
    written
      ? `#\n# npm run local-action: ${envFile} runs the ${envMode} world (--dotenv-mode for another).`
      : `#\n# ${envFile} is not one npm run sandbox wrote: left as it is (--dotenv <path> to write elsewhere).`
  )
  console.log(`# Outputs and job summaries: ${files}`)
  console.log('# Ready.')
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
