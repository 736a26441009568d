/**
 * The worlds `npm run sandbox` builds side by side in one sandbox, one per mode, each with the
 * inputs that shift it from blue to green: what the printed commands and the .env carry.
 */
import type { Sandbox } from './index.js'
import { type BlueGreenOptions, createBlueGreen, createTargetGroupShift } from './scenario.js'

export interface HandWorldOptions {
  /** The weighted world's listener, stickiness, app count and alarms (as scenario.ts takes them). */
  weighted: BlueGreenOptions
  /** bake-time of every printed run. */
  bakeTime: string
}

export interface HandWorld {
  mode: 'weighted-target-groups' | 'targets' | 'dns'
  /** What is up, one line each, for the person reading the CLI's output. */
  about: string[]
  /** The action's inputs by their action.yml names. */
  inputs: Record<string, string>
  close(): Promise<void>
}

export const MODES = ['weighted-target-groups', 'targets', 'dns'] as const

const DNS_ZONE = 'shop.example'
const DNS_NAME = `www.${DNS_ZONE}`
const BLUE_IP = '10.0.1.1'
const GREEN_IP = '10.0.2.2'

/** Two target groups behind a listener: the action moves the listener's weights. */
async function weighted(sandbox: Sandbox, options: HandWorldOptions): Promise<HandWorld> {
  const world = await createBlueGreen(sandbox, { name: 'shop', ...options.weighted })
  const alarms = options.weighted.alarms ?? []
  return {
    mode: 'weighted-target-groups',
    about: [
      `load balancer:      ${world.loadBalancerArn}`,
      `listener (port 80): ${world.listenerArn}`,
      `blue target group:  ${world.blue.targetGroupArn}`,
      `green target group: ${world.green.targetGroupArn}`,
      `alarms:             ${alarms.length > 0 ? alarms.join(', ') : '(none; add with --alarm <name>)'}`,
      `traffic:            curl ${world.listenerUrl}/`
    ],
    inputs: {
      mode: 'weighted-target-groups',
      'listener-arn': world.listenerArn,
      'blue-target-group': world.blue.targetGroupArn,
      'green-target-group': world.green.targetGroupArn,
      steps: '10,50,100',
      'bake-time': options.bakeTime,
      'check-interval': '1s',
      ...(alarms.length > 0 ? { alarms: alarms.join(',') } : {})
    },
    close: () => world.close()
  }
}

/** One target group: the action registers green's instances and deregisters blue's. */
async function targets(sandbox: Sandbox, options: HandWorldOptions): Promise<HandWorld> {
  const world = await createTargetGroupShift(sandbox, { name: 'fleet', blue: 2, green: 2 })
  return {
    mode: 'targets',
    about: [
      `target group:       ${world.targetGroupArn}`,
      `blue instances:     ${world.blue.ids.join(', ')} (registered)`,
      `green instances:    ${world.green.ids.join(', ')} (running, not registered)`,
      `traffic:            curl ${world.listenerUrl}/`
    ],
    inputs: {
      mode: 'targets',
      'target-group-arn': world.targetGroupArn,
      'blue-targets': world.blue.ids.join(','),
      'green-targets': world.green.ids.join(','),
      steps: '50,100',
      'bake-time': options.bakeTime,
      'check-interval': '1s'
    },
    close: () => world.close()
  }
}

/** A simple A record to blue's address: the action adopts it as a weighted pair and moves it. */
async function dns(sandbox: Sandbox, options: HandWorldOptions): Promise<HandWorld> {
  const zoneId = sandbox.route53.createHostedZone(DNS_ZONE).id
  sandbox.route53.changeRecords(zoneId, [
    { action: 'CREATE', record: { name: `${DNS_NAME}.`, type: 'A', ttl: 1, values: [BLUE_IP] } }
  ])
  const { port } = sandbox.route53.dns
  return {
    mode: 'dns',
    about: [
      `hosted zone:        ${zoneId} (${DNS_ZONE})`,
      `record:             ${DNS_NAME} A ${BLUE_IP} (blue), TTL 1 s; green is ${GREEN_IP}`,
      `answers:            dig @127.0.0.1 -p ${port} ${DNS_NAME}`
    ],
    inputs: {
      mode: 'dns',
      'hosted-zone-id': zoneId,
      'record-name': DNS_NAME,
      'green-value': GREEN_IP,
      'record-ttl': '1',
      steps: '10,50,100',
      'bake-time': options.bakeTime,
      'check-interval': '1s',
      'dns-resolvers': `127.0.0.1:${port}`
    },
    close: async () => {}
  }
}

/** Builds every mode's world; on a failure closes those already built. */
export async function buildHandWorlds(
  sandbox: Sandbox,
  options: HandWorldOptions
): Promise<HandWorld[]> {
  const built: HandWorld[] = []
  try {
    for (const build of [weighted, targets, dns]) built.push(await build(sandbox, options))
    return built
  } catch (error) {
    await Promise.all(built.map((world) => world.close()))
    throw error
  }
}
