/** RegisterTargets / DeregisterTargets / DescribeTargetHealth. */
import { isIPv4 } from 'node:net'
import type { ElbContext, Operation } from '../context.js'
import { ElbError, validationError } from '../errors.js'
import type { Target, TargetGroup } from '../model.js'
import type { Input } from '../query.js'
import type { XmlValue } from '../xml.js'

const MAX_TARGETS = 1000
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/

interface TargetRef {
  id: string
  port?: number
}

function targetRefs(input: Input): TargetRef[] {
  return input.list('Targets').map((target) => ({
    id: target.requiredString('Id'),
    port: target.int('Port', { min: 1, max: 65535 })
  }))
}

/** The target must exist where the group's type says: an IPv4 address, or a defined instance. */
function checkTarget(group: TargetGroup, id: string, { instances }: ElbContext): void {
  if (group.targetType === 'ip') {
    if (!isIPv4(id))
      throw new ElbError('InvalidTarget', `The IP address '${id}' is not a valid IPv4 address`)
    return
  }
  if (!INSTANCE_ID.test(id))
    throw new ElbError('InvalidTarget', `The instance ID '${id}' is not valid`)
  if (!instances.has(id)) {
    throw new ElbError(
      'InvalidTarget',
      `The following targets are not in a running state and cannot be registered: '${id}'`
    )
  }
}

export const RegisterTargets: Operation = (input, context) => {
  const group = context.model.targetGroup(input.requiredString('TargetGroupArn'))
  const refs = targetRefs(input)
  if (refs.length === 0) throw validationError('Targets must contain at least one target')
  for (const ref of refs) checkTarget(group, ref.id, context)
  const fresh = new Set(refs.map((ref) => `${ref.id}:${ref.port ?? group.port}`))
  for (const key of group.targets.keys()) fresh.add(key)
  if (fresh.size > MAX_TARGETS) {
    throw new ElbError('TooManyTargets', `A target group can have at most ${MAX_TARGETS} targets`)
  }
  for (const ref of refs) context.health.register(group, ref.id, ref.port ?? group.port)
  return {}
}

/** A target that is not registered is skipped: deregistering is safe to repeat. */
export const DeregisterTargets: Operation = (input, { model, health }) => {
  const group = model.targetGroup(input.requiredString('TargetGroupArn'))
  const refs = targetRefs(input)
  if (refs.length === 0) throw validationError('Targets must contain at least one target')
  for (const ref of refs) {
    const matching = [...group.targets.values()].filter(
      (t) => t.id === ref.id && (ref.port === undefined || t.port === ref.port)
    )
    for (const target of matching) health.deregister(group, target.id, target.port)
  }
  return {}
}

function describe(group: TargetGroup, target: Target): XmlValue {
  const hcPort =
    group.healthCheck.port === 'traffic-port' ? String(target.port) : group.healthCheck.port
  return {
    Target: { Id: target.id, Port: target.port },
    HealthCheckPort: hcPort,
    TargetHealth: { State: target.state, Reason: target.reason, Description: target.description }
  }
}

export const DescribeTargetHealth: Operation = (input, { model }) => {
  const group = model.targetGroup(input.requiredString('TargetGroupArn'))
  const refs = targetRefs(input)
  const registered = [...group.targets.values()]
  if (refs.length === 0)
    return { TargetHealthDescriptions: registered.map((t) => describe(group, t)) }
  return {
    TargetHealthDescriptions: refs.flatMap((ref) => {
      const matching = registered.filter(
        (t) => t.id === ref.id && (ref.port === undefined || t.port === ref.port)
      )
      if (matching.length > 0) return matching.map((t) => describe(group, t))
      return [
        {
          Target: { Id: ref.id, Port: ref.port ?? group.port },
          TargetHealth: {
            State: 'unused',
            Reason: 'Target.NotRegistered',
            Description: 'Target is not registered to the target group'
          }
        }
      ]
    })
  }
}
