/**
 * `npm run demo`: the bundled action moving real traffic on the local sandbox, no AWS account.
 * Scenario 1 shifts blue → green in steps while clients keep calling the listener; scenario 2
 * breaks green at 25 % and the action rolls back; scenario 3 (mode `targets`) migrates one target
 * group's 4 blue instances to 4 green ones; scenario 4 (mode `dns`) adopts a simple Route 53
 * record and weights it over to green's address while clients resolve the name through the
 * sandbox's DNS server; scenarios 5 and 6 run canary-analysis on a green failing twice blue's
 * share of requests (rolled back) and on one as good as blue (passes). Prints the live split,
 * then one verdict line per scenario and where the job summaries were written.
 */
import { startAction, type ActionResult } from './action-process.js'
import { type DnsAnswer, Resolving } from './dns-client.js'
import { startSandbox, type Sandbox } from './index.js'
import { createBlueGreen, createTargetGroupShift } from './scenario.js'
import { type Sample, Traffic } from './traffic.js'

interface Verdict {
  name: string
  result: ActionResult
  /** What one client call is called: requests, queries. */
  noun: string
  samples: Seen[]
  summaryPath: string
  /** When the demo broke green, if it did. */
  brokeAt?: number
}

/** What a scenario built on its fresh sandbox: its clients, and the action's inputs. */
interface World {
  /** One line on what is up, e.g. "blue v1 and green v2 are up behind …". */
  intro: string
  inputs: Record<string, string>
  /** Starts the clients: requests through a listener, or queries for a name. */
  startClients(): Clients
  /** Makes every green app answer 500 (in worlds with apps). */
  breakGreen?(): void
  close(): Promise<void>
}

/** One client call: when, which version answered (v1 blue, v2 green), and whether it failed. */
interface Seen {
  at: number
  version?: string
  failed: boolean
}

/** Clients at work, shaped like Traffic: what they have seen so far, and stop(). */
interface Clients {
  /** What one call is called: requests, queries. */
  noun: string
  readonly samples: Seen[]
  stop(): Promise<Seen[]>
}

/** Four loops of HTTP requests through the listener; a failure is any status but 200. */
function httpClients(url: string): Clients {
  const traffic = new Traffic(url, 4)
  const seen = (s: Sample): Seen => ({ at: s.at, version: s.version, failed: s.status !== 200 })
  return {
    noun: 'requests',
    get samples() {
      return traffic.samples.map(seen)
    },
    stop: async () => (await traffic.stop()).map(seen)
  }
}

/**
 * One resolver asking the sandbox's DNS server for `name`, several hundred queries a second; an
 * answer's version is the one whose address it gave, and a failure is no answer or an unknown one.
 */
function dnsClients(port: number, name: string, versions: Map<string, string>): Clients {
  const resolving = new Resolving(port, name)
  const seen = (a: DnsAnswer): Seen => ({
    at: a.at,
    version: versions.get(a.value),
    failed: !versions.has(a.value)
  })
  return {
    noun: 'queries',
    get samples() {
      return resolving.answers.map(seen)
    },
    stop: async () => (await resolving.stop()).map(seen)
  }
}

interface Scenario {
  name: string
  build(sandbox: Sandbox): Promise<World>
  /** The action's "AWS reports …" text after which the demo breaks green, if it does. */
  breakGreenAt?: string
}

const BAKE = '3s'
const STEPS = '10,25,50,100'
/** Health checks, deregistration delays and the like run 20× faster than on AWS. */
const TIME_SCALE = 0.05

/** Two target groups behind a listener; the action moves the listener's weights. */
async function weightedTargetGroups(sandbox: Sandbox): Promise<World> {
  const world = await createBlueGreen(sandbox, {
    forward: 'blue',
    targetsPerColor: 2,
    alarms: ['shop-5xx']
  })
  return {
    intro: `blue v1 and green v2 are up behind ${world.listenerUrl}; clients are calling it.`,
    inputs: {
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
    startClients: () => httpClients(world.listenerUrl),
    breakGreen: () => world.green.apps.forEach((app) => app.setFailing(true)),
    close: () => world.close()
  }
}

/**
 * One target group: the action registers green's instances and deregisters blue's. A 100 s
 * deregistration delay (5 s at the demo's time scale) outlasts the last bake, so the run is
 * seen waiting for blue to drain before it succeeds.
 */
async function targetsInOneGroup(sandbox: Sandbox): Promise<World> {
  const world = await createTargetGroupShift(sandbox, {
    blue: 4,
    green: 4,
    deregistrationDelaySeconds: 100
  })
  return {
    intro:
      `4 blue v1 instances are registered in the target group behind ${world.listenerUrl}, ` +
      '4 green v2 instances are up beside them; clients are calling it. (Sandbox time runs ' +
      `${1 / TIME_SCALE}× fast: the group's 100 s deregistration delay drains in 5 s.)`,
    inputs: {
      mode: 'targets',
      'target-group-arn': world.targetGroupArn,
      'blue-targets': world.blue.ids.join(','),
      'green-targets': world.green.ids.join(','),
      steps: '25,50,100',
      'bake-time': BAKE,
      'check-interval': '250ms'
    },
    startClients: () => httpClients(world.listenerUrl),
    breakGreen: () => world.green.apps.forEach((app) => app.setFailing(true)),
    close: () => world.close()
  }
}

/**
 * Blue and green each failing a share of requests, which no health check or alarm notices:
 * canary-analysis compares green's 5XX with blue's on ALB's own CloudWatch minutes (3 s at the
 * demo's time scale, hence metric-period).
 */
function canaryWorld(blueFailureRate: number, greenFailureRate: number) {
  return async (sandbox: Sandbox): Promise<World> => {
    const world = await createBlueGreen(sandbox, { forward: 'blue', targetsPerColor: 1 })
    for (const app of world.blue.apps) app.setFailureRate(blueFailureRate)
    for (const app of world.green.apps) app.setFailureRate(greenFailureRate)
    const pct = (share: number) => `${share * 100}%`
    return {
      intro:
        `blue v1 fails ${pct(blueFailureRate)} of requests and green v2 ${pct(greenFailureRate)} ` +
        `behind ${world.listenerUrl}; health checks pass on both, clients are calling it.`,
      inputs: {
        mode: 'weighted-target-groups',
        'listener-arn': world.listenerArn,
        'blue-target-group': world.blue.targetGroupArn,
        'green-target-group': world.green.targetGroupArn,
        steps: '50,100',
        'bake-time': '10s',
        'check-interval': '500ms',
        'health-timeout': '60s',
        'metric-period': `${60 * TIME_SCALE}s`,
        'canary-analysis': 'on',
        'canary-min-requests': '2000'
      },
      startClients: () => httpClients(world.listenerUrl),
      close: () => world.close()
    }
  }
}

const DNS_NAME = 'www.shop.example'
const BLUE_IP = '10.0.1.1'
const GREEN_IP = '10.0.2.2'

/**
 * A hosted zone where the name is a simple A record to blue's address, TTL 1 s. The action adopts
 * it as a weighted pair (blue 255, green 0) and moves the weights; each step waits for INSYNC and
 * one TTL before its bake, and the dns-answer gate asks the sandbox's DNS server.
 */
async function weightedDnsRecords(sandbox: Sandbox): Promise<World> {
  const zoneId = sandbox.route53.createHostedZone('shop.example').id
  sandbox.route53.changeRecords(zoneId, [
    { action: 'CREATE', record: { name: `${DNS_NAME}.`, type: 'A', ttl: 1, values: [BLUE_IP] } }
  ])
  const { port } = sandbox.route53.dns
  return {
    intro:
      `${DNS_NAME} is a simple A record (TTL 1 s) to blue v1's ${BLUE_IP} in a Route 53 hosted ` +
      `zone; green v2 is up at ${GREEN_IP}. Clients resolve the name through the sandbox's DNS ` +
      `server on 127.0.0.1:${port}.`,
    inputs: {
      mode: 'dns',
      'hosted-zone-id': zoneId,
      'record-name': DNS_NAME,
      'green-value': GREEN_IP,
      'record-ttl': '1s',
      steps: '10,50,100',
      'bake-time': '2s',
      'check-interval': '250ms',
      'dns-resolvers': `127.0.0.1:${port}`
    },
    startClients: () =>
      dnsClients(
        port,
        `${DNS_NAME}.`,
        new Map([
          [BLUE_IP, 'v1'],
          [GREEN_IP, 'v2']
        ])
      ),
    close: async () => {}
  }
}

const SCENARIOS: Scenario[] = [
  { name: 'shift blue → green', build: weightedTargetGroups },
  {
    name: 'green fails at 25 % → rollback',
    build: weightedTargetGroups,
    breakGreenAt: 'blue 750 / green 250'
  },
  { name: 'targets: 4 blue → 4 green instances in one target group', build: targetsInOneGroup },
  { name: 'dns: a simple record → weighted records to green', build: weightedDnsRecords },
  {
    name: "canary: green fails 2× blue's requests → canary-analysis rolls back",
    build: canaryWorld(0.05, 0.1)
  },
  { name: 'canary: A/A, green as good as blue → passes', build: canaryWorld(0.05, 0.05) }
]

async function main(): Promise<void> {
  const started = Date.now()
  console.log(
    'aws-traffic-shift demo: the bundled action (dist/index.js) against a local AWS sandbox\n'
  )
  const verdicts: Verdict[] = []
  for (const spec of SCENARIOS) verdicts.push(await scenario(spec))
  console.log('\nVerdicts')
  for (const verdict of verdicts) console.log(verdictLine(verdict))
  console.log('\nJob summaries (Markdown, as GitHub renders them):')
  for (const verdict of verdicts) console.log(`  ${verdict.name}: ${verdict.summaryPath}`)
  console.log(`\nThe demo took ${((Date.now() - started) / 1000).toFixed(1)} s.`)
}

/** One run of the action on a fresh sandbox, with the world's clients at work. */
async function scenario({ name, build, breakGreenAt }: Scenario): Promise<Verdict> {
  console.log(`━━ Scenario: ${name} ━━`)
  const sandbox: Sandbox = await startSandbox({ timeScale: TIME_SCALE, seed: 1 })
  let world: World | undefined
  let clients: Clients | undefined
  try {
    world = await build(sandbox)
    console.log(world.intro)
    clients = world.startClients()
    const noun = clients.noun
    const action = startAction(world.inputs, sandbox.env())
    const breakGreen = world.breakGreen
    let brokeAt: number | undefined
    action.process.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        const shown = actionLine(line)
        if (shown) console.log(`  action │ ${shown}`)
        if (breakGreenAt && line.includes(`AWS reports ${breakGreenAt}`)) {
          brokeAt = Date.now()
          console.log('  demo   │ ✖ green starts answering 500 to everything')
          breakGreen?.()
        }
      }
    })
    const ticker = setInterval(() => console.log(`  clients│ ${liveShare(clients!.samples)}`), 1000)
    const result = await action.done.finally(() => clearInterval(ticker))
    const samples = await clients.stop()
    clients = undefined
    return { name, result, noun, samples, summaryPath: result.summaryPath, brokeAt }
  } finally {
    await clients?.stop()
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

/** Which version answered the last second's requests or queries. */
function liveShare(samples: Seen[]): string {
  const since = Date.now() - 1000
  const recent = samples.filter((sample) => sample.at >= since)
  const count = (test: (sample: Seen) => boolean): number => recent.filter(test).length
  const v1 = count((s) => !s.failed && s.version === 'v1')
  const v2 = count((s) => !s.failed && s.version === 'v2')
  const failed = count((s) => s.failed)
  const pct = (n: number): string =>
    `${((100 * n) / Math.max(1, recent.length)).toFixed(0)}%`.padStart(4)
  return `last 1 s: v1 ${pct(v1)} │ v2 ${pct(v2)} │ failed ${String(failed).padStart(3)} of ${recent.length}`
}

function verdictLine({ name, result, noun, samples, brokeAt }: Verdict): string {
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
      // Every HTTP answer names the version that gave it, a failed one too; a failed query none.
      const window = samples.filter(
        (s) => s.version && s.at > event.at + 50 && s.at < (next?.at ?? Infinity) - 50
      )
      const green = window.filter((s) => s.version === 'v2').length
      return `${event.percent}%→${((100 * green) / Math.max(1, window.length)).toFixed(1)}%`
    })
  const failed = samples.filter((sample) => sample.failed).length
  const rollback = events.find((event) => event.kind === 'rollback')
  const detection =
    brokeAt && rollback ? ` │ rolled back ${rollback.at - brokeAt} ms after green broke` : ''
  return (
    `  ${name}: ${result.outputs.status ?? 'no status'} (exit ${result.code}) │ ` +
    `${samples.length} ${noun}, ${failed} failed │ observed green per step: ` +
    `${perStep.join(', ') || 'none'}${detection}`
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
