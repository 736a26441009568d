/**
 * The Auto Scaling sandbox: the awsQuery API server, and an admin API for tests to create groups
 * from instance ids and scale them. Given the ELB sandbox, attaching a target group registers
 * the group's InService instances there (health-checked, taking traffic) and detaching drains
 * them, as on AWS; the instances must be defined in the ELB sandbox (`defineInstance`).
 */
import type { ElbSandbox } from '../elbv2/index.js'
import type { Faults } from '../faults.js'
import { listenLoopback } from '../http.js'
import { copyModel, ReadLag } from '../read-lag.js'
import { Scheduler } from '../scheduler.js'
import { AutoScalingModel, type Group, type LifecycleState } from './model.js'
import { inService } from './model.js'
import { elbRegistry, NO_REGISTRY } from './registry.js'
import type { AutoScalingContext } from './operations.js'
import { autoScalingHandler } from './server.js'

export interface AutoScalingSandboxOptions {
  faults: Faults
  /** Where attached target groups live; without it attachments register nothing. */
  elb?: ElbSandbox
  region?: string
}

export interface GroupOptions {
  /** Target groups attached from the start (their instances are registered at once). */
  targetGroupArns?: string[]
  /** Of targetGroupArns, those attached as if with AttachTrafficSources. */
  trafficSourceArns?: string[]
  healthCheckType?: 'EC2' | 'ELB'
  availabilityZone?: string
}

export interface AutoScalingSandbox {
  /** The API endpoint (AWS_ENDPOINT_URL_AUTO_SCALING). */
  readonly url: string
  readonly model: AutoScalingModel
  /** A group whose instances are InService. Throws if the name is taken. */
  createGroup(name: string, instanceIds: string[], options?: GroupOptions): Group
  /** A scale-out: the instance comes InService and joins the group's target groups. */
  launchInstance(groupName: string, instanceId: string): void
  /** A scale-in: the instance leaves the group's target groups (draining) and the group. */
  terminateInstance(groupName: string, instanceId: string): void
  /** Puts an instance in another lifecycle state (e.g. Pending, Standby) without side effects. */
  setLifecycleState(groupName: string, instanceId: string, state: LifecycleState): void
  close(): Promise<void>
}

export async function startAutoScaling(
  options: AutoScalingSandboxOptions
): Promise<AutoScalingSandbox> {
  const model = new AutoScalingModel(options.region ?? options.elb?.model.region)
  const registry = options.elb ? elbRegistry(options.elb) : NO_REGISTRY
  const scheduler = new Scheduler()
  const context = { model, registry }
  const lag = new ReadLag<AutoScalingContext>(options.faults, 'autoscaling', (live) => ({
    ...live,
    model: copyModel(live.model)
  }))
  const api = await listenLoopback(autoScalingHandler(context, options.faults, scheduler, lag))
  const groupNamed = (name: string): Group => {
    const group = model.groups.get(name)
    if (!group) throw new Error(`No Auto Scaling group ${name} in the sandbox`)
    return group
  }
  const instanceOf = (group: Group, id: string) => {
    const instance = group.instances.find((candidate) => candidate.id === id)
    if (!instance) throw new Error(`Auto Scaling group ${group.name} has no instance ${id}`)
    return instance
  }
  return {
    url: api.url,
    model,
    createGroup(name, instanceIds, groupOptions = {}) {
      if (model.groups.has(name)) throw new Error(`Auto Scaling group ${name} already exists`)
      for (const arn of groupOptions.targetGroupArns ?? []) {
        const refusal = registry.refuse(arn)
        if (refusal) throw new Error(refusal)
      }
      lag.beforeWrite(context)
      const availabilityZone = groupOptions.availabilityZone ?? `${model.region}a`
      const group: Group = {
        name,
        arn: model.arnOf(name),
        createdAt: new Date(),
        minSize: 0,
        maxSize: Math.max(10, instanceIds.length * 2),
        instances: instanceIds.map((id) => ({
          id,
          lifecycleState: 'InService',
          healthStatus: 'Healthy',
          availabilityZone
        })),
        targetGroupArns: [...(groupOptions.targetGroupArns ?? [])],
        trafficSourceArns: [...(groupOptions.trafficSourceArns ?? [])],
        healthCheckType: groupOptions.healthCheckType ?? 'ELB'
      }
      model.groups.set(name, group)
      for (const arn of group.targetGroupArns) registry.register(arn, inService(group))
      return group
    },
    launchInstance(groupName, instanceId) {
      const group = groupNamed(groupName)
      lag.beforeWrite(context)
      group.instances.push({
        id: instanceId,
        lifecycleState: 'InService',
        healthStatus: 'Healthy',
        availabilityZone: group.instances[0]?.availabilityZone ?? `${model.region}a`
      })
      for (const arn of group.targetGroupArns) registry.register(arn, [instanceId])
    },
    terminateInstance(groupName, instanceId) {
      const group = groupNamed(groupName)
      instanceOf(group, instanceId)
      lag.beforeWrite(context)
      for (const arn of group.targetGroupArns) registry.deregister(arn, [instanceId])
      group.instances = group.instances.filter((instance) => instance.id !== instanceId)
    },
    setLifecycleState(groupName, instanceId, state) {
      const instance = instanceOf(groupNamed(groupName), instanceId)
      lag.beforeWrite(context)
      instance.lifecycleState = state
    },
    async close() {
      scheduler.close()
      await api.close()
    }
  }
}
