/**
 * Mode `weighted-target-groups`, the read-only inspection: everything the inputs name is
 * checked against AWS before the first write, and every refusal names the input.
 */
import type { TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2'
import { requireSameRegionAndAccount } from '../aws/arn.js'
import { AwsCallError, TopologyError } from '../errors.js'
import type { Inspection } from './backend.js'
import { albMetrics, emptySide, loadBalancerDimension, type Sides } from './sides.js'
import { type Forward, MAX_TARGET_GROUPS, readForward, weightsOf } from './weighted-actions.js'
import type { WeightedAws } from './weighted-aws.js'
import { stateOf, type WeightedNative, type WeightedTarget } from './weighted-plan.js'
import { namedArns, targetInput, type WeightedSettings } from './weighted-settings.js'
import { shiftProblem } from './weighted-weights.js'

const ALB_PROTOCOLS = ['HTTP', 'HTTPS']

export async function inspectWeighted(
  aws: WeightedAws,
  settings: WeightedSettings,
  target: WeightedTarget,
  signal?: AbortSignal
): Promise<Inspection<WeightedNative>> {
  requireSameRegionAndAccount(namedArns(settings), await aws.clientRegion())
  const { input } = targetInput(settings)
  const what = target.kind === 'listener' ? 'an existing ALB listener' : 'an existing listener rule'
  const native = await existing(input, target.arn, what, () => aws.readNative(target, signal))
  const { stickiness } = checkForward(settings, target, native)
  const describeGroup = (name: string, arn: string) =>
    existing(name, arn, 'an existing target group', async () => {
      const group = await aws.targetGroup(arn, signal)
      if (!group) throw new TopologyError(name, arn, 'no such target group', 'an existing one')
      return group
    })
  const [blue, green] = await Promise.all([
    describeGroup('blue-target-group', settings.blueTargetGroup),
    describeGroup('green-target-group', settings.greenTargetGroup)
  ])
  const loadBalancer = native.loadBalancerArn
  checkServes('blue-target-group', blue, loadBalancer, true)
  checkServes('green-target-group', green, loadBalancer, false)
  checkCompatible(blue, green)
  if ((await aws.targetHealth(settings.greenTargetGroup, signal)).length === 0) {
    throw new TopologyError(
      'green-target-group',
      settings.greenTargetGroup,
      'no registered targets',
      'a target group with its targets registered before the shift (nothing could take traffic)'
    )
  }
  return {
    state: stateOf(target, native),
    sides: sidesOf(settings, loadBalancer),
    warnings: stickiness.enabled
      ? [
          `${target.arn} has group stickiness (${stickiness.seconds} s): sticky clients keep their target group until the cookie expires, whatever the weights`
        ]
      : []
  }
}

/** The forward action exists, names blue, leaves room for green, and can be shifted in steps. */
function checkForward(
  settings: WeightedSettings,
  target: WeightedTarget,
  native: WeightedNative
): Forward {
  const { input, arn } = targetInput(settings)
  const types = native.actions.map((action) => action.Type).join(', ') || 'no actions'
  const forward = readForward(native.actions, target.pair)
  if (!forward) {
    throw new TopologyError(
      input,
      arn,
      `its actions are: ${types}`,
      'a listener or rule whose action list forwards to blue-target-group'
    )
  }
  const groups = forward.tuples.map((tuple) => `${tuple.arn} (weight ${tuple.weight})`).join(', ')
  if (forward.blue === undefined) {
    throw new TopologyError(
      'blue-target-group',
      settings.blueTargetGroup,
      `${arn} forwards to ${groups}`,
      `a target group that ${input}'s forward action sends traffic to`
    )
  }
  const count = forward.tuples.length + (forward.green === undefined ? 1 : 0)
  if (count > MAX_TARGET_GROUPS) {
    throw new TopologyError(
      input,
      arn,
      `a forward action to ${groups}, ${count} groups with green`,
      `a forward action with at most ${MAX_TARGET_GROUPS} target groups, green included (ALB's limit)`
    )
  }
  const problem = shiftProblem(weightsOf(forward, target.pair))
  if (problem) {
    throw new TopologyError(
      input,
      arn,
      problem,
      "weights that keep the other groups' share exactly within 0-999 (e.g. scale every weight of the forward action down by the same factor)"
    )
  }
  return forward
}

/** A target group serves one load balancer: blue this one, green this one or none yet. */
function checkServes(
  input: string,
  group: TargetGroup,
  loadBalancer: string,
  mustServe: boolean
): void {
  const serves = group.LoadBalancerArns ?? []
  const elsewhere = serves.filter((arn) => arn !== loadBalancer)
  if (elsewhere.length > 0 || (mustServe && !serves.includes(loadBalancer))) {
    throw new TopologyError(
      input,
      group.TargetGroupArn ?? '',
      serves.length ? `it serves ${serves.join(', ')}` : 'it serves no load balancer',
      mustServe
        ? `a target group of ${loadBalancer}`
        : `a target group of ${loadBalancer} or of none yet (an ALB target group serves one load balancer)`
    )
  }
}

/** Green must be something an ALB listener can forward to beside blue. */
function checkCompatible(blue: TargetGroup, green: TargetGroup): void {
  const arn = green.TargetGroupArn ?? ''
  const lambda = green.TargetType === 'lambda'
  if (green.TargetType === 'alb' || (!lambda && !ALB_PROTOCOLS.includes(green.Protocol ?? ''))) {
    throw new TopologyError(
      'green-target-group',
      arn,
      `a ${green.Protocol ?? 'no-protocol'} target group of type ${green.TargetType ?? 'unknown'}`,
      'an Application Load Balancer target group (HTTP or HTTPS, or of type lambda)'
    )
  }
  // Clients speak one protocol to the listener: a gRPC group beside an HTTP/1 one fails them.
  if (
    blue.ProtocolVersion &&
    green.ProtocolVersion &&
    blue.ProtocolVersion !== green.ProtocolVersion
  ) {
    throw new TopologyError(
      'green-target-group',
      arn,
      `protocol version ${green.ProtocolVersion} (blue's is ${blue.ProtocolVersion})`,
      `a target group with blue's protocol version, ${blue.ProtocolVersion}`
    )
  }
  if (!lambda && blue.VpcId && green.VpcId && blue.VpcId !== green.VpcId) {
    throw new TopologyError(
      'green-target-group',
      arn,
      `VPC ${green.VpcId} (blue and the load balancer are in ${blue.VpcId})`,
      `a target group in ${blue.VpcId}`
    )
  }
}

function sidesOf(settings: WeightedSettings, loadBalancer: string): Sides {
  const side = (arn: string) => ({
    ...emptySide(),
    targetGroups: [
      { arn, loadBalancerArns: [loadBalancer], metrics: albMetrics(arn, [loadBalancer]) }
    ]
  })
  return {
    blue: side(settings.blueTargetGroup),
    green: side(settings.greenTargetGroup),
    nameServers: [],
    loadBalancers: [
      {
        arn: loadBalancer,
        metrics: [
          {
            namespace: 'AWS/ApplicationELB',
            dimensions: [{ name: 'LoadBalancer', value: loadBalancerDimension(loadBalancer) }]
          }
        ]
      }
    ]
  }
}

const NOT_FOUND = [
  'ListenerNotFoundException',
  'RuleNotFoundException',
  'TargetGroupNotFoundException'
]

/** A NotFound answer becomes a refusal naming the input; every other failure stays as it is. */
async function existing<T>(
  input: string,
  arn: string,
  accepted: string,
  read: () => Promise<T>
): Promise<T> {
  try {
    return await read()
  } catch (error) {
    const code =
      error instanceof AwsCallError && error.cause instanceof Error ? error.cause.name : ''
    if (NOT_FOUND.includes(code))
      throw new TopologyError(input, arn, `no such resource (${code})`, accepted)
    throw error
  }
}
