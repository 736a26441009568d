import { classifyTarget } from '../aws/target-states.js'
import type { Clock } from '../clock.js'
import { UnsupportedStateError } from '../errors.js'
import type { Logger } from '../logger.js'
import { Split } from '../split.js'
import type {
  BackendDefinition,
  HealthScope,
  Observation,
  PlannedCall,
  Preparation,
  TrafficBackend
} from './backend.js'
import {
  attachCall,
  deregisterCall,
  detachCall,
  type Endpoint,
  type GroupFacts,
  registerCall,
  type TargetHealth,
  TargetsAws
} from './targets-aws.js'
import { choose, countsAt, shareOf, type Standing } from './targets-counts.js'
import {
  type Fleet,
  label,
  readTargetsSettings,
  TARGETS_MODE,
  type TargetsSettings
} from './targets-settings.js'

type SideName = 'blue' | 'green'
const SIDES: readonly SideName[] = ['blue', 'green']
const MAX_PROBLEMS_SHOWN = 10
/** How long past the deregistration delay settle() still waits for a target AWS shows draining. */
export const DRAINING_MARGIN_MS = 30_000
const DRAINING_FIRST_POLL_MS = 250
const DRAINING_MAX_POLL_MS = 5000

interface Target extends Endpoint {
  key: string
}

/** One side's targets, resolved in prepare(): list order kept, ports filled in. */
interface Side {
  targets: Target[]
  autoScalingGroup?: string
}

/** What AWS shows now: every registered target of the group, and our groups' attachments. */
interface Live {
  health: Map<string, TargetHealth>
  attached: Partial<Record<SideName, boolean>>
}

/** Which targets should be registered and which Auto Scaling groups attached. */
interface Desired {
  keep: Record<SideName, Set<string>>
  attach: Partial<Record<SideName, boolean>>
}

/** The calls that take the live state to a desired one, make before break. */
interface Diff {
  register: Target[]
  attach: SideName[]
  detach: SideName[]
  deregister: Target[]
}

/** Targets that should take traffic did not become healthy: the step fails, nothing removed. */
export class TargetsNotHealthyError extends Error {
  constructor(detail: string) {
    super(detail)
    this.name = 'TargetsNotHealthyError'
  }
}

/** Targets this run deregistered were still draining well past the deregistration delay. */
export class DrainingTimeoutError extends Error {
  constructor(detail: string) {
    super(detail)
    this.name = 'DrainingTimeoutError'
  }
}

/**
 * Mode `targets`: one target group behind a permanent load balancer; a step registers green
 * targets, waits until they are healthy, and only then deregisters blue ones. The split is read
 * from which targets are registered and healthy, so a re-run resumes where another stopped.
 */
export class TargetsBackend implements TrafficBackend {
  readonly mode = TARGETS_MODE
  readonly target: string
  private facts?: GroupFacts
  private sides?: Record<SideName, Side>
  /** The state the first read found, restored exactly when the run rolls back to it. */
  private origin?: { split: Split; desired: Desired }
  /** When this run registered each target (by key): its health-timeout starts then. */
  private readonly registeredAt = new Map<string, number>()
  /** When a target already registered by someone else was first seen still starting. */
  private readonly waitingSince = new Map<string, number>()
  /** When this run last deregistered each target (by key), directly or by detaching its group. */
  private readonly deregisteredAt = new Map<string, number>()
  /** Our targets by key, with their side. */
  private readonly index = new Map<string, { side: SideName; target: Target }>()
  private greenServing: string[] = []
  /** What the plan() calls so far would have left: the next plan() starts there. */
  private planned?: Live

  constructor(
    private readonly settings: TargetsSettings,
    private readonly aws: TargetsAws,
    private readonly clock: Clock,
    private readonly logger: Logger
  ) {
    this.target = settings.targetGroupArn
  }

  async prepare(): Promise<Preparation> {
    this.planned = undefined
    const arn = this.settings.targetGroupArn
    const facts = await this.aws.group(arn)
    if (!facts) throw new UnsupportedStateError(`Target group ${arn} was not found`)
    this.facts = facts
    this.checkGroup(facts)
    const groups = await this.aws.autoScalingGroups(
      SIDES.flatMap((side) => groupOf(this.settings[side]) ?? [])
    )
    const resolve = (side: SideName): Side => {
      const fleet = this.settings[side]
      const name = groupOf(fleet)
      if (name === undefined) {
        const targets = 'targets' in fleet ? fleet.targets : []
        return { targets: targets.map((ref) => endpoint(ref.id, ref.port ?? facts.port ?? 0)) }
      }
      const found = groups.get(name)
      if (!found) {
        throw new UnsupportedStateError(
          `Auto Scaling group ${name} (${side}-auto-scaling-group) does not exist`
        )
      }
      if (found.inService.length === 0) {
        throw new UnsupportedStateError(
          `Auto Scaling group ${name} (${side}-auto-scaling-group) has no InService instances to ` +
            `take ${side}'s traffic`
        )
      }
      return {
        targets: found.inService.map((id) => endpoint(id, facts.port ?? 0)),
        autoScalingGroup: name
      }
    }
    const sides = { blue: resolve('blue'), green: resolve('green') }
    const blueKeys = new Set(sides.blue.targets.map((target) => target.key))
    const shared = sides.green.targets.find((target) => blueKeys.has(target.key))
    if (shared) {
      throw new UnsupportedStateError(
        `Target ${label(shared)} is both blue and green: a target can serve only one side`
      )
    }
    this.sides = sides
    for (const side of SIDES) {
      for (const target of sides[side].targets) this.index.set(target.key, { side, target })
    }
    this.logger.info(
      `Target group ${facts.name}: ${facts.targetType} targets on port ${facts.port}, ` +
        `deregistration delay ${facts.deregistrationDelaySeconds}s; ` +
        SIDES.map((side) => describeSide(side, sides[side])).join('; ')
    )
    return { changes: [], calls: [] }
  }

  async read(): Promise<Observation> {
    this.planned = undefined
    const live = await this.readLive()
    const observation = this.observe(live)
    this.origin ??= { split: observation.split, desired: this.current(live) }
    return observation
  }

  /**
   * Chains: each call plans from the group as the previous plan() would have left it once its
   * step converged (after read() or prepare(), from AWS), so a step lists only its own calls.
   */
  async plan(split: Split): Promise<PlannedCall[]> {
    const live = this.planned ?? (await this.readLive())
    const diff = this.diff(this.desired(split, live), live)
    this.planned = this.converge(live, diff)
    const arn = this.settings.targetGroupArn
    return [
      ...(diff.register.length > 0 ? [registerCall(arn, diff.register)] : []),
      ...diff.attach.map((side) => attachCall(this.groupName(side), arn)),
      ...diff.detach.map((side) => detachCall(this.groupName(side), arn)),
      ...(diff.deregister.length > 0 ? [deregisterCall(arn, diff.deregister)] : [])
    ]
  }

  /** The make half of a step: registers what the split adds. converged() does the rest. */
  async apply(split: Split): Promise<PlannedCall[]> {
    const live = await this.readLive()
    const diff = this.diff(this.desired(split, live), live)
    return diff.register.length > 0 ? [await this.register(diff.register)] : []
  }

  /**
   * Drives the step to its end, one poll at a time, so the runner's verify loop (with its
   * timeout and cancel signal) bounds every wait: registers anything still missing; once the
   * targets that take over are healthy, attaches Auto Scaling groups, then deregisters what the
   * split removes. Draining is not waited for here: settle() does that after the last bake.
   */
  async converged(split: Split): Promise<boolean> {
    const live = await this.readLive()
    const desired = this.desired(split, live)
    const diff = this.diff(desired, live)
    if (diff.register.length > 0) {
      await this.register(diff.register)
      return false
    }
    if (!this.ready(desired, diff, live)) return false
    const arn = this.settings.targetGroupArn
    for (const side of diff.attach) await this.aws.attach(this.groupName(side), arn)
    for (const side of diff.detach) {
      await this.aws.detach(this.groupName(side), arn)
      // Detaching deregisters the group's instances: they drain like the ones we deregister.
      const sides = this.requireSides()
      this.deregistered(
        sides[side].targets.filter((target) => isServing(standingOf(live.health.get(target.key))))
      )
    }
    if (diff.deregister.length > 0) {
      await this.aws.deregister(arn, diff.deregister)
      this.deregistered(diff.deregister)
      this.logger.info(`Deregistered ${this.show(diff.deregister)}`)
    }
    for (const side of [...diff.attach, ...diff.detach]) {
      const verb = diff.attach.includes(side) ? 'Attached' : 'Detached'
      this.logger.info(`${verb} Auto Scaling group ${this.groupName(side)} (${side})`)
    }
    this.greenServing = [...desired.keep.green]
    return diff.deregister.length === 0 && diff.attach.length === 0 && diff.detach.length === 0
  }

  /**
   * After the last bake, with wait-for-draining: polls until none of the targets this run
   * deregistered is draining any more. AWS ends draining by the deregistration delay at the
   * latest, so the wait is bounded by the last deregistration + the delay + a margin; a target
   * still draining after that fails the run, named. The signal (cancellation) ends the wait.
   */
  async settle(signal?: AbortSignal): Promise<void> {
    if (this.deregisteredAt.size === 0) return
    if (!this.settings.waitForDraining) {
      this.logger.info('Not waiting for deregistered targets to drain (wait-for-draining: false)')
      return
    }
    const delaySeconds = this.requireFacts().deregistrationDelaySeconds
    const lastDeregistered = Math.max(...this.deregisteredAt.values())
    const deadline = lastDeregistered + delaySeconds * 1000 + DRAINING_MARGIN_MS
    let pause = DRAINING_FIRST_POLL_MS
    let shown: number | undefined
    for (;;) {
      const draining = await this.draining()
      if (draining.length === 0) {
        if (shown !== undefined) {
          const waited = seconds(this.clock.now() - lastDeregistered)
          this.logger.info(`Draining finished ${waited} after the last deregistration`)
        }
        return
      }
      const now = this.clock.now()
      if (now >= deadline) {
        throw new DrainingTimeoutError(
          `Deregistered targets still draining ${seconds(now - lastDeregistered)} after the ` +
            `last deregistration, beyond the deregistration delay (${delaySeconds}s) and a ` +
            `${seconds(DRAINING_MARGIN_MS)} margin: ${this.listed(draining)}`
        )
      }
      if (shown === undefined) {
        this.logger.info(
          `Waiting for ${draining.length} deregistered targets to finish draining ` +
            `(deregistration delay ${delaySeconds}s; at most ${seconds(deadline - now)} more): ` +
            this.listed(draining)
        )
      } else if (draining.length < shown) {
        this.logger.info(`Still draining: ${this.listed(draining)}`)
      }
      shown = draining.length
      await this.clock.sleep(Math.min(pause, deadline - now), signal)
      pause = Math.min(pause * 2, DRAINING_MAX_POLL_MS)
    }
  }

  describe(split: Split): string {
    if (!this.sides || !this.facts) return `${split} of registered targets`
    const { blue, green } = this.sides
    const atOrigin = this.origin && split.equals(this.origin.split)
    const counts = atOrigin
      ? { blue: this.origin!.desired.keep.blue.size, green: this.origin!.desired.keep.green.size }
      : countsAt(split, blue.targets.length, green.targets.length)
    const parts = [
      `green ${counts.green}/${green.targets.length}, blue ${counts.blue}/${blue.targets.length} ` +
        `targets registered${atOrigin ? ' (as at the start)' : ''}`
    ]
    const delay = this.facts.deregistrationDelaySeconds
    if (delay > 0) {
      const bake = seconds(this.settings.bakeMs)
      parts.push(
        delay * 1000 <= this.settings.bakeMs
          ? `the ${bake} bake covers the ${delay}s drain`
          : `removed targets drain ${delay}s, beyond the ${bake} bake`
      )
      if (this.settings.waitForDraining && split.equals(this.settings.traffic)) {
        parts.push('success waits for draining')
      }
    }
    return parts.join('; ')
  }

  /** Green's registered targets, and the whole group (blue included) for the shared gates. */
  healthScope(): HealthScope[] {
    const group = { targetGroupArn: this.settings.targetGroupArn }
    if (this.greenServing.length === 0) return [group]
    const ids = [...new Set(this.greenServing.map((key) => this.index.get(key)!.target.id))]
    return [{ ...group, targetIds: ids }, group]
  }

  private checkGroup(facts: GroupFacts): void {
    const arn = this.settings.targetGroupArn
    if (facts.targetType !== 'instance' && facts.targetType !== 'ip') {
      throw new UnsupportedStateError(
        `Target group ${facts.name} has target type ${facts.targetType}; the targets mode moves ` +
          'instance or ip targets'
      )
    }
    for (const side of SIDES) {
      const fleet = this.settings[side]
      const kind = 'targets' in fleet ? fleet.targets[0].kind : 'instance'
      if (kind !== facts.targetType) {
        const input = 'targets' in fleet ? `${side}-targets` : `${side}-auto-scaling-group`
        throw new UnsupportedStateError(
          `Target group ${facts.name} takes ${facts.targetType} targets, but ${input} gives ` +
            `${kind === 'ip' ? 'IP addresses' : 'instances'}`
        )
      }
    }
    if (facts.loadBalancerArns.length === 0) {
      throw new UnsupportedStateError(
        `Target group ${arn} is not used by any load balancer: its targets would never be ` +
          'health-checked or take traffic'
      )
    }
  }

  private async readLive(): Promise<Live> {
    const sides = this.requireSides()
    const arn = this.settings.targetGroupArn
    const names = SIDES.flatMap((side) => sides[side].autoScalingGroup ?? [])
    const [health, groups] = await Promise.all([
      this.aws.health(arn),
      this.aws.autoScalingGroups(names)
    ])
    const attached: Live['attached'] = {}
    for (const side of SIDES) {
      const name = sides[side].autoScalingGroup
      if (name !== undefined) attached[side] = groups.get(name)?.attachedTo(arn) ?? false
    }
    return {
      health: new Map(health.map((target) => [keyOf(target.id, target.port), target])),
      attached
    }
  }

  private observe(live: Live): Observation {
    const sides = this.requireSides()
    const standing = (key: string) => standingOf(live.health.get(key))
    const servingKeys = (side: SideName) =>
      sides[side].targets.filter((target) => isServing(standing(target.key))).map((t) => t.key)
    const healthyGreen = sides.green.targets.filter(
      (target) => standing(target.key) === 'healthy'
    ).length
    const servingGreen = servingKeys('green').length
    const servingBlue = servingKeys('blue').length
    // No healthy green and no blue (e.g. green broke after a 100 % step removed blue): nothing
    // takes traffic, but the registrations still say where the run is, so a rollback or a run
    // to 0 % can put blue back.
    const nothingHealthy = healthyGreen + servingBlue === 0
    if (nothingHealthy && servingGreen === 0) {
      throw new UnsupportedStateError(
        `${this.settings.targetGroupArn} has none of blue's or green's targets registered: ` +
          'nothing takes traffic and nothing says where a shift stands; register blue by hand'
      )
    }
    this.greenServing = servingKeys('green')
    const requested = countsAt(
      this.settings.traffic,
      sides.blue.targets.length,
      sides.green.targets.length
    )
    // A split between whole targets reads back as asked while the targets are exactly its own.
    const atRequested =
      healthyGreen === servingGreen &&
      healthyGreen === requested.green &&
      servingBlue === requested.blue
    const split = atRequested
      ? this.settings.traffic
      : nothingHealthy
        ? shareOf(servingGreen, servingBlue)
        : shareOf(healthyGreen, servingBlue)

    const ours = new Set(SIDES.flatMap((side) => sides[side].targets.map((target) => target.key)))
    const draining = [...live.health.values()].filter(
      (target) => ours.has(keyOf(target.id, target.port)) && standingOf(target) === 'draining'
    ).length
    const others = [...live.health.keys()].filter((key) => !ours.has(key)).length
    const notes = [
      servingGreen > healthyGreen && !nothingHealthy
        ? `${servingGreen - healthyGreen} green not yet healthy`
        : '',
      draining > 0 ? `${draining} draining` : '',
      others > 0 ? `${others} other targets in the group` : '',
      ...SIDES.map((side) =>
        live.attached[side] === undefined
          ? ''
          : `${side} group ${sides[side].autoScalingGroup} ${live.attached[side] ? 'attached' : 'detached'}`
      )
    ].filter((note) => note !== '')
    const serving = (side: SideName) => servingKeys(side).sort().join(',')
    const share = nothingHealthy
      ? `no healthy target: ${servingGreen} green registered, none healthy; ${split.percent}% ` +
        'by registered targets'
      : `${shareOf(healthyGreen, servingBlue).percent}% of serving targets`
    return {
      split,
      detail:
        `green ${healthyGreen}/${sides.green.targets.length} healthy, blue ${servingBlue}/` +
        `${sides.blue.targets.length} registered (${share})` +
        (notes.length > 0 ? `; ${notes.join('; ')}` : ''),
      fingerprint:
        `blue=${serving('blue')};green=${serving('green')};` +
        SIDES.map((side) => `${side}-group=${live.attached[side] ?? '-'}`).join(';')
    }
  }

  /**
   * The group once a step's diff has converged, as converged() leaves it: registered targets
   * healthy, attached groups' instances registered, deregistered and detached ones draining.
   */
  private converge(live: Live, diff: Diff): Live {
    const sides = this.requireSides()
    const health = new Map(live.health)
    const set = (target: Target, state: 'healthy' | 'draining') =>
      health.set(target.key, {
        id: target.id,
        port: target.port,
        state,
        reason: state === 'draining' ? 'Target.DeregistrationInProgress' : '',
        description: ''
      })
    const serving = (target: Target) => isServing(standingOf(health.get(target.key)))
    const attached = { ...live.attached }
    for (const target of diff.register) set(target, 'healthy')
    for (const side of diff.attach) {
      attached[side] = true
      for (const target of sides[side].targets) if (!serving(target)) set(target, 'healthy')
    }
    for (const side of diff.detach) {
      attached[side] = false
      for (const target of sides[side].targets) if (serving(target)) set(target, 'draining')
    }
    for (const target of diff.deregister) set(target, 'draining')
    return { health, attached }
  }

  /** The live state as a desired one: what a rollback to the start puts back. */
  private current(live: Live): Desired {
    const sides = this.requireSides()
    const keep = (side: SideName) =>
      new Set(
        sides[side].targets
          .filter((target) => isServing(standingOf(live.health.get(target.key))))
          .map((target) => target.key)
      )
    return { keep: { blue: keep('blue'), green: keep('green') }, attach: { ...live.attached } }
  }

  private desired(split: Split, live: Live): Desired {
    if (this.origin && split.equals(this.origin.split)) return this.origin.desired
    const sides = this.requireSides()
    const counts = countsAt(split, sides.blue.targets.length, sides.green.targets.length)
    const standing = (key: string) => standingOf(live.health.get(key))
    const keys = (side: SideName) => sides[side].targets.map((target) => target.key)
    const serving = (side: SideName) =>
      sides[side].targets.filter((target) => isServing(standing(target.key))).length
    // A step never undoes the run's progress: moving toward green it adds no blue and removes no
    // green (e.g. green a killed run left starting), and the other way round.
    const up = !this.origin || split.permille > this.origin.split.permille
    const [grows, shrinks]: SideName[] = up ? ['green', 'blue'] : ['blue', 'green']
    const count: Record<SideName, number> = { ...counts }
    count[grows] = Math.max(counts[grows], serving(grows))
    count[shrinks] = Math.min(counts[shrinks], serving(shrinks))
    // Hand-over: a side's group joins the target group when the side carries everything, and
    // leaves it when the side carries nothing; in between it stays as it is.
    const attach: Desired['attach'] = { ...live.attached }
    const full: Record<SideName, boolean> = {
      blue: split.equals(Split.BLUE),
      green: split.equals(Split.GREEN)
    }
    for (const side of SIDES) {
      if (attach[side] === undefined) continue
      const other = side === 'blue' ? 'green' : 'blue'
      if (full[side]) attach[side] = true
      else if (full[other]) attach[side] = false
    }
    return {
      keep: {
        blue: choose(keys('blue'), standing, count.blue),
        green: choose(keys('green'), standing, count.green)
      },
      attach
    }
  }

  private diff(desired: Desired, live: Live): Diff {
    const sides = this.requireSides()
    const standing = (target: Target) => standingOf(live.health.get(target.key))
    const all = SIDES.flatMap((side) => sides[side].targets.map((target) => ({ side, target })))
    const asgSides = SIDES.filter((side) => desired.attach[side] !== undefined)
    return {
      register: all
        .filter(({ side, target }) => desired.keep[side].has(target.key))
        .filter(({ target }) => !isServing(standing(target)))
        .map(({ target }) => target),
      attach: asgSides.filter((side) => desired.attach[side] && !live.attached[side]),
      detach: asgSides.filter((side) => !desired.attach[side] && live.attached[side]),
      deregister: all
        .filter(({ side, target }) => !desired.keep[side].has(target.key))
        .filter(({ target }) => isServing(standing(target)))
        .map(({ target }) => target)
    }
  }

  /**
   * Make-before-break: every target this run registered and still wants must be healthy, and
   * the side that takes over the traffic of removed targets must have no target still starting
   * and at least one healthy. Starting targets are waited on up to health-timeout; a target
   * AWS calls unhealthy fails the step at once, with AWS's reason.
   */
  private ready(desired: Desired, diff: Diff, live: Live): boolean {
    const other = (side: SideName): SideName => (side === 'blue' ? 'green' : 'blue')
    const takingOver = new Set([
      ...diff.deregister.map((target) => other(this.index.get(target.key)!.side)),
      ...diff.detach.map(other)
    ])
    const judged = SIDES.map((side) => this.judge(side, desired, live, takingOver.has(side)))
    const problems = judged.flatMap((side) => side.problems)
    if (problems.length > 0) {
      // A large fleet must not turn one failure into a page of target ids.
      const shown = problems.slice(0, MAX_PROBLEMS_SHOWN)
      if (problems.length > shown.length) shown.push(`and ${problems.length - shown.length} more`)
      throw new TargetsNotHealthyError(
        `Targets did not become healthy, so this step deregistered nothing: ${shown.join('; ')}`
      )
    }
    for (const key of this.waitingSince.keys()) {
      if (standingOf(live.health.get(key)) !== 'waiting') this.waitingSince.delete(key)
    }
    return !judged.some((side) => side.waiting)
  }

  /** One side's part of ready(): what still starts, and what will not become healthy. */
  private judge(
    side: SideName,
    desired: Desired,
    live: Live,
    takesOver: boolean
  ): { waiting: boolean; problems: string[] } {
    const now = this.clock.now()
    const kept = this.requireSides()[side].targets.filter((t) => desired.keep[side].has(t.key))
    const problems: string[] = []
    let waiting = false
    for (const target of kept) {
      const mine = this.registeredAt.has(target.key)
      if (!mine && !takesOver) continue
      const seen = live.health.get(target.key)
      const standing = standingOf(seen)
      if (standing === 'healthy') continue
      if (standing === 'waiting' || (mine && standing === 'absent')) {
        const since = this.registeredAt.get(target.key) ?? this.firstWaiting(target.key, now)
        if (now - since < this.settings.healthTimeoutMs) waiting = true
        else {
          problems.push(
            `${this.explain(target, seen)} still not healthy after health-timeout ` +
              seconds(this.settings.healthTimeoutMs)
          )
        }
      } else if (mine) {
        problems.push(this.explain(target, seen))
      }
    }
    const healthy = kept.some((target) => standingOf(live.health.get(target.key)) === 'healthy')
    if (takesOver && !healthy && !waiting && problems.length === 0) {
      problems.push(`${side} has no healthy target to take the traffic`)
    }
    return { waiting, problems }
  }

  /** The targets this run deregistered that AWS still shows draining, in list order. */
  private async draining(): Promise<Target[]> {
    const health = await this.aws.health(this.settings.targetGroupArn)
    const draining = new Set(
      health
        .filter((target) => standingOf(target) === 'draining')
        .map((target) => keyOf(target.id, target.port))
    )
    return [...this.index.values()]
      .map(({ target }) => target)
      .filter((target) => this.deregisteredAt.has(target.key) && draining.has(target.key))
  }

  private deregistered(targets: Target[]): void {
    const now = this.clock.now()
    for (const target of targets) this.deregisteredAt.set(target.key, now)
  }

  private async register(targets: Target[]): Promise<PlannedCall> {
    const now = this.clock.now()
    for (const target of targets) {
      if (!this.registeredAt.has(target.key)) this.registeredAt.set(target.key, now)
      // Registered again, it no longer drains on this run's account.
      this.deregisteredAt.delete(target.key)
    }
    const call = await this.aws.register(this.settings.targetGroupArn, targets)
    this.logger.info(`Registered ${this.show(targets)}`)
    return call
  }

  /** Targets as people wrote them: an instance on the group's own port without it. */
  private show(targets: Target[]): string {
    return targets
      .map((target) =>
        this.facts?.targetType === 'instance' && target.port === this.facts.port
          ? target.id
          : label(target)
      )
      .join(', ')
  }

  /** At most ten targets by name, then how many more. */
  private listed(targets: Target[]): string {
    const shown = this.show(targets.slice(0, MAX_PROBLEMS_SHOWN))
    const more = targets.length - MAX_PROBLEMS_SHOWN
    return more > 0 ? `${shown} and ${more} more` : shown
  }

  private explain(target: Target, seen: TargetHealth | undefined): string {
    if (!seen) return `${this.show([target])} not registered`
    const why = [seen.reason, seen.description].filter((part) => part !== '').join(': ')
    return `${this.show([target])} ${seen.state}${why ? ` (${why})` : ''}`
  }

  private firstWaiting(key: string, now: number): number {
    if (!this.waitingSince.has(key)) this.waitingSince.set(key, now)
    return this.waitingSince.get(key)!
  }

  private groupName(side: SideName): string {
    return this.requireSides()[side].autoScalingGroup!
  }

  private requireFacts(): GroupFacts {
    if (!this.facts) throw new Error('The targets backend is used before prepare()')
    return this.facts
  }

  private requireSides(): Record<SideName, Side> {
    if (!this.sides) throw new Error('The targets backend is used before prepare()')
    return this.sides
  }
}

function groupOf(fleet: Fleet): string | undefined {
  return 'autoScalingGroup' in fleet ? fleet.autoScalingGroup : undefined
}

function keyOf(id: string, port: number): string {
  return `${id}|${port}`
}

function endpoint(id: string, port: number): Target {
  return { id, port, key: keyOf(id, port) }
}

/** Where a target stands in the group: absent, or as the shared classifier judges it. */
export function standingOf(target: TargetHealth | undefined): Standing {
  return target ? classifyTarget(target.state, target.reason) : 'absent'
}

function isServing(standing: Standing): boolean {
  return standing === 'healthy' || standing === 'waiting' || standing === 'broken'
}

function describeSide(side: SideName, resolved: Side): string {
  const from = resolved.autoScalingGroup
    ? ` (InService instances of Auto Scaling group ${resolved.autoScalingGroup})`
    : ''
  return `${side} ${resolved.targets.length} targets${from}`
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 && ms >= 60_000 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`
}

export const targets: BackendDefinition<TargetsSettings> = {
  mode: TARGETS_MODE,
  readInputs: readTargetsSettings,
  create: (settings, deps) =>
    new TargetsBackend(
      settings,
      new TargetsAws(deps.clients.elbv2, () => deps.clients.autoscaling),
      deps.clock,
      deps.logger
    )
}
