/**
 * Auto Scaling's own activity, as its instance lifecycle documents it, for tests that need the
 * group to move during a run:
 * - launch (scale-out, replacement): a new instance is Pending while it boots (a real app starts
 *   behind it); Auto Scaling then registers it with the attached target groups and marks it
 *   InService, and ELB health-checks it into service.
 * - terminate (scale-in, replacement): the instance is Terminating; Auto Scaling deregisters it
 *   from the attached target groups and waits for their deregistration delay (the activity AWS
 *   shows as WaitingForELBConnectionDraining); then it is Terminated, its app stops and it leaves
 *   the group.
 * - replacement: an Unhealthy instance is terminated first, then another is launched.
 */
import { type App, startApp } from '../app.js'
import type { Scheduler } from '../scheduler.js'
import type { Group, Instance, LaunchTemplate } from './model.js'
import type { TargetRegistry } from './registry.js'

export type { LaunchTemplate }

export interface ActivityDeps {
  registry: TargetRegistry
  scheduler: Scheduler
  /** Seeds each launched app's failure draws (with its launch number as the app's index). */
  seed: number
  /** Called just before the model changes (lagging reads keep the state before it). */
  beforeWrite(): void
}

export class Activity {
  /** The apps behind the instances this activity launched, by instance id. */
  private readonly apps = new Map<string, App>()
  private launched = 0
  private closed = false
  private readonly closing: Promise<void>
  private signalClosed!: () => void

  constructor(private readonly deps: ActivityDeps) {
    this.closing = new Promise((resolve) => (this.signalClosed = resolve))
  }

  appOf(instanceId: string): App | undefined {
    return this.apps.get(instanceId)
  }

  /** Desired + 1 and a new instance; resolves with its id once it is InService. */
  async scaleOut(group: Group): Promise<string> {
    templateOf(group)
    this.deps.beforeWrite()
    group.desiredCapacity += 1
    return this.launch(group)
  }

  /** Desired − 1 and the instance terminated; resolves once it has left the group. */
  async scaleIn(group: Group, instance: Instance): Promise<void> {
    this.deps.beforeWrite()
    group.desiredCapacity -= 1
    await this.terminate(group, instance)
  }

  /** Marks the instance Unhealthy, terminates it and launches its replacement (desired kept). */
  async replace(group: Group, instance: Instance): Promise<string> {
    templateOf(group)
    this.deps.beforeWrite()
    instance.healthStatus = 'Unhealthy'
    await this.terminate(group, instance)
    return this.launch(group)
  }

  /** Stops every app this activity launched; activities under way stop where they are. */
  async close(): Promise<void> {
    this.closed = true
    this.signalClosed()
    await Promise.all([...this.apps.values()].map((app) => app.close()))
    this.apps.clear()
  }

  private async launch(group: Group): Promise<string> {
    const template = templateOf(group)
    this.launched += 1
    const id = `i-0c${String(this.launched).padStart(15, '0')}`
    const instance: Instance = {
      id,
      lifecycleState: 'Pending',
      healthStatus: 'Healthy',
      availabilityZone: group.instances[0]?.availabilityZone ?? group.availabilityZone
    }
    this.deps.beforeWrite()
    group.instances.push(instance)
    const app = await startApp({
      version: template.version,
      healthPath: template.healthPath,
      seed: this.deps.seed,
      index: this.launched
    })
    if (this.closed) {
      await app.close()
      return id
    }
    this.apps.set(id, app)
    this.deps.registry.define(id, app.port)
    await this.deps.scheduler.sleep(this.deps.scheduler.scaled(template.bootSeconds ?? 30))
    if (this.closed) return id
    this.deps.beforeWrite()
    // AWS registers the instance with the group's target groups, then marks it InService.
    for (const arn of group.targetGroupArns) this.deps.registry.register(arn, [id])
    instance.lifecycleState = 'InService'
    return id
  }

  private async terminate(group: Group, instance: Instance): Promise<void> {
    this.deps.beforeWrite()
    const wasInService = instance.lifecycleState === 'InService'
    instance.lifecycleState = 'Terminating'
    const attached = wasInService ? [...group.targetGroupArns] : []
    for (const arn of attached) this.deps.registry.deregister(arn, [instance.id])
    // Draining ends by the ELB's own timer (the deregistration delay), or with the sandbox.
    await Promise.race([
      Promise.all(attached.map((arn) => this.deps.registry.drained(arn, [instance.id]))),
      this.closing
    ])
    if (this.closed) return
    this.deps.beforeWrite()
    // Terminated: it leaves the group (DescribeAutoScalingGroups no longer lists it).
    group.instances = group.instances.filter((candidate) => candidate !== instance)
    const app = this.apps.get(instance.id)
    this.apps.delete(instance.id)
    await app?.close()
  }
}

/** The group's launch template; a group without one cannot launch instances by itself. */
function templateOf(group: Group): LaunchTemplate {
  if (!group.launchTemplate) {
    throw new Error(
      `Auto Scaling group ${group.name} has no launch template: give createGroup a launchTemplate`
    )
  }
  return group.launchTemplate
}
