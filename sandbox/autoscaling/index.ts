import type { App } from '../app.js'
/**
 * The Auto Scaling sandbox: the awsQuery API server, and an admin API for tests to create groups
 * from instance ids and scale them. Given the ELB sandbox, attaching a target group registers
 * the group's InService instances there (health-checked, taking traffic) and detaching drains
 * them, as on AWS; the instances must be defined in the ELB sandbox (`defineInstance`). The
 * group's own activity (scale-out, scale-in, replacement) runs as AWS's lifecycle has it
 * (activity.ts), with real apps behind the instances it launches.
 */
import type { ElbSandbox } from '../elbv2/index.js'
import type { Faults } from '../faults.js'
import { listenLoopback } from '../http.js'
import { copyModel, ReadLag } from '../read-lag.js'
import { Scheduler } from '../scheduler.js'
import { Activity } from './activity.js'
import { AutoScalingModel, type Group, type LaunchTemplate, type LifecycleState } from './model.js'
import { inService } from './model.js'
import type { AutoScalingContext } from './operations.js'
import { elbRegistry, NO_REGISTRY } from './registry.js'
import { autoScalingHandler } from './server.js'

export interface AutoScalingSandboxOptions {
  faults: Faults
  /** Where attached target groups live; without it attachments register nothing. */
  elb?: ElbSandbox
  region?: string
  /** Multiplies the group's own durations (an instance's boot), like the ELB sandbox's. */
  timeScale?: number
  /** The sandbox's seed: launched instances' apps draw their failing requests from it. */
  seed?: number
}

export interface GroupOptions {
  /** Target groups attached from the start (their instances are registered at once). */
  targetGroupArns?: string[]
  /** Of targetGroupArns, those attached as if with AttachTrafficSources. */
  trafficSourceArns?: string[]
  healthCheckType?: 'EC2' | 'ELB'
  availabilityZone?: string
  /** The app new instances run; needed by scaleOut and replaceInstance. */
  launchTemplate?: LaunchTemplate
}

export interface AutoScalingSandbox {
  /** The API endpoint (AWS_ENDPOINT_URL_AUTO_SCALING). */
  readonly url: string
  readonly model: AutoScalingModel
  /** A group whose instances are InService. Throws if the name is taken. */
  createGroup(name: string, instanceIds: string[], options?: GroupOptions): Group
  /** At once: the instance (defined by the caller) is InService and joins the target groups. */
  launchInstance(groupName: string, instanceId: string): void
  /** At once: the instance leaves the group's target groups (draining) and the group. */
  terminateInstance(groupName: string, instanceId: string): void
  /** Puts an instance in another lifecycle state (e.g. Pending, Standby) without side effects. */
  setLifecycleState(groupName: string, instanceId: string, state: LifecycleState): void
  /**
   * Desired + 1: a new instance (i-0c…) is Pending while its app boots, then is registered with
   * the attached target groups and InService. Resolves with its id once InService.
   */
  scaleOut(groupName: string): Promise<string>
  /**
   * Desired − 1: the instance (default: the oldest InService) is Terminating, deregistered from
   * the attached target groups, and leaves the group after their deregistration delay. Resolves
   * with its id once it has left.
   */
  scaleIn(groupName: string, instanceId?: string): Promise<string>
  /**
   * A failed health check: the instance is marked Unhealthy and terminated as by scaleIn, then a
   * replacement is launched as by scaleOut (desired unchanged). Resolves with the new id.
   */
  replaceInstance(groupName: string, instanceId: string): Promise<string>
  /** The app behind an instance this sandbox launched (to make it fail a share of requests). */
  appOf(instanceId: string): App | undefined
  close(): Promise<void>
}

export async function startAutoScaling(
  options: AutoScalingSandboxOptions
): Promise<AutoScalingSandbox> {
  const model = new AutoScalingModel(options.region ?? options.elb?.model.region)
  const registry = options.elb ? elbRegistry(options.elb) : NO_REGISTRY
  const scheduler = new Scheduler(options.timeScale ?? 1)
  const context = { model, registry }
  const lag = new ReadLag<AutoScalingContext>(options.faults, 'autoscaling', (live) => ({
    ...live,
    model: copyModel(live.model)
  }))
  const activity = new Activity({
    registry,
    scheduler,
    seed: options.seed ?? 1,
    beforeWrite: () => lag.beforeWrite(context)
  })
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
  const inServiceInstance = (group: Group, id?: string) => {
    const instance =
      id === undefined
        ? group.instances.find((i) => i.lifecycleState === 'InService')
        : instanceOf(group, id)
    if (instance?.lifecycleState !== 'InService') {
      throw new Error(`Auto Scaling group ${group.name} has no InService instance ${id ?? ''}`)
    }
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
        desiredCapacity: instanceIds.length,
        availabilityZone,
        launchTemplate: groupOptions.launchTemplate,
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
      group.desiredCapacity += 1
      group.instances.push({
        id: instanceId,
        lifecycleState: 'InService',
        healthStatus: 'Healthy',
        availabilityZone: group.instances[0]?.availabilityZone ?? group.availabilityZone
      })
      for (const arn of group.targetGroupArns) registry.register(arn, [instanceId])
    },
    terminateInstance(groupName, instanceId) {
      const group = groupNamed(groupName)
      instanceOf(group, instanceId)
      lag.beforeWrite(context)
      group.desiredCapacity -= 1
      for (const arn of group.targetGroupArns) registry.deregister(arn, [instanceId])
      group.instances = group.instances.filter((instance) => instance.id !== instanceId)
    },
    setLifecycleState(groupName, instanceId, state) {
      const instance = instanceOf(groupNamed(groupName), instanceId)
      lag.beforeWrite(context)
      instance.lifecycleState = state
    },
    scaleOut: (groupName) => activity.scaleOut(groupNamed(groupName)),
    appOf: (instanceId) => activity.appOf(instanceId),
    async scaleIn(groupName, instanceId) {
      const group = groupNamed(groupName)
      const instance = inServiceInstance(group, instanceId)
      await activity.scaleIn(group, instance)
      return instance.id
    },
    async replaceInstance(groupName, instanceId) {
      const group = groupNamed(groupName)
      return activity.replace(group, inServiceInstance(group, instanceId))
    },
    async close() {
      scheduler.close()
      await Promise.all([activity.close(), api.close()])
    }
  }
}
