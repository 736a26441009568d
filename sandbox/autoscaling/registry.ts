/**
 * Where an attached group's instances go: AWS registers a group's InService instances with each
 * target group attached to it (on the group's port) and deregisters them on detach. Here that is
 * the ELB sandbox's own health checker, so they are health-checked, take traffic and drain.
 */
import type { ElbSandbox } from '../elbv2/index.js'

export interface TargetRegistry {
  /** Why the target group cannot be attached to an Auto Scaling group; undefined if it can. */
  refuse(targetGroupArn: string): string | undefined
  register(targetGroupArn: string, instanceIds: string[]): void
  deregister(targetGroupArn: string, instanceIds: string[]): void
  /** Resolves once the instances have finished draining out of the target group. */
  drained(targetGroupArn: string, instanceIds: string[]): Promise<void>
  /** Makes a newly launched instance reachable (its traffic and health checks go to the port). */
  define(instanceId: string, port: number): void
}

/** The longest timer Node keeps (about 24.8 days): a drain is bounded by its own delay. */
const NO_TIMEOUT_MS = 2 ** 31 - 1

/** Without an ELB sandbox, attachments are recorded and nothing is registered. */
export const NO_REGISTRY: TargetRegistry = {
  refuse: () => undefined,
  register: () => undefined,
  deregister: () => undefined,
  drained: () => Promise.resolve(),
  define: () => undefined
}

export function elbRegistry(elb: ElbSandbox): TargetRegistry {
  const groupOf = (arn: string) => elb.model.targetGroups.get(arn)
  return {
    refuse(arn) {
      const group = groupOf(arn)
      if (!group) {
        return 'Provided Target Groups may not be valid. Please ensure they exist and try again.'
      }
      if (group.targetType !== 'instance') {
        return `Target group ${arn} has target type ${group.targetType}; an Auto Scaling group registers instances`
      }
      return undefined
    },
    register(arn, instanceIds) {
      const group = groupOf(arn)
      if (!group) return
      // Auto Scaling's own call to ELB: lagging ELB reads see it late, like any write.
      elb.beforeWrite()
      for (const id of instanceIds) elb.health.register(group, id, group.port)
    },
    deregister(arn, instanceIds) {
      const group = groupOf(arn)
      if (!group) return
      // Auto Scaling's own call to ELB: lagging ELB reads see it late, like any write.
      elb.beforeWrite()
      for (const id of instanceIds) elb.health.deregister(group, id, group.port)
    },
    async drained(arn, instanceIds) {
      const group = groupOf(arn)
      if (!group) return
      await Promise.all(
        instanceIds.map((id) =>
          elb.waitForTargetState(arn, { id, port: group.port }, undefined, NO_TIMEOUT_MS)
        )
      )
    },
    define(instanceId, port) {
      elb.defineInstance(instanceId, port)
    }
  }
}
