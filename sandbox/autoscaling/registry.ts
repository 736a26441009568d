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
}

/** Without an ELB sandbox, attachments are recorded and nothing is registered. */
export const NO_REGISTRY: TargetRegistry = {
  refuse: () => undefined,
  register: () => undefined,
  deregister: () => undefined
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
    }
  }
}
