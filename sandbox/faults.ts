/**
 * Fault injection and the call log shared by every sandbox service. Each service asks take()
 * at the start of every request and renders the fault in its own wire protocol.
 */
export type Service = 'elbv2' | 'route53' | 'cloudwatch' | 'autoscaling'

/**
 * The services whose reads can lag (see read-lag.ts): those AWS documents as eventually
 * consistent. Route 53 shows a change at once, as PENDING (its lag is the DNS servers', which the
 * sandbox models as PENDING → INSYNC); CloudWatch alarm states come from its own evaluation.
 */
export type LaggingService = 'elbv2' | 'autoscaling'

export interface ReadLagRule {
  service: LaggingService
  /** Reads answer the state as it was this many real ms ago; 0 turns the lag off. */
  ms: number
}

export type FaultKind =
  /** ELBv2/CloudWatch `Throttling` (HTTP 400), Route 53 `Throttling` (HTTP 400). */
  | 'throttle'
  /** Route 53 `PriorRequestNotComplete` (HTTP 400). */
  | 'prior-request-not-complete'
  /** An HTTP 500 `InternalFailure` / `ServiceUnavailable`-style error. */
  | 'server-error'
  /** The request is answered normally, after latencyMs. */
  | 'latency'
  /**
   * The request is carried out, then its connection is dropped without an answer (after
   * latencyMs when given, so a client's request timeout fires first). On AWS a reply lost on the
   * network looks the same: the SDK retries a write that already happened.
   */
  | 'lost-response'

export interface FaultRule {
  service: Service
  /** The API operation (e.g. 'ModifyListener'); every operation of the service when absent. */
  operation?: string
  kind: FaultKind
  /** How many requests the rule hits before it expires; forever when absent. */
  times?: number
  /** `latency`: the delay before the answer; `lost-response`: how long the answer is held. */
  latencyMs?: number
}

export interface CallRecord {
  service: Service
  operation: string
  at: number
  /** The fault injected into this call, if any. */
  fault?: FaultKind
}

/** A token bucket like AWS's per-account limits: `burst` tokens, refilled at `perSecond`. */
export interface RateLimit {
  service: Service
  /** Operations the bucket applies to (e.g. the Describe* family); all when absent. */
  operations?: (operation: string) => boolean
  burst: number
  perSecond: number
}

interface Bucket {
  limit: RateLimit
  tokens: number
  refilledAt: number
}

export class Faults {
  private rules: FaultRule[] = []
  private buckets: Bucket[] = []
  private readonly lags = new Map<LaggingService, number>()
  readonly calls: CallRecord[] = []

  /** @param now the clock read lags are measured by (a test may pin it) */
  constructor(readonly now: () => number = Date.now) {}

  add(rule: FaultRule): void {
    this.rules.push({ ...rule })
  }

  /** Throttles requests beyond a token bucket, the way AWS enforces its API rate limits. */
  limitRate(limit: RateLimit): void {
    this.buckets.push({ limit, tokens: limit.burst, refilledAt: Date.now() })
  }

  /** Eventual consistency: the service's reads see its state as it was `ms` ago. Off by default. */
  lagReads(rule: ReadLagRule): void {
    if (!(rule.ms >= 0) || !Number.isFinite(rule.ms)) {
      throw new RangeError(`A read lag must be a number of ms >= 0, got ${rule.ms}`)
    }
    this.lags.set(rule.service, rule.ms)
  }

  readLagMs(service: LaggingService): number {
    return this.lags.get(service) ?? 0
  }

  clear(): void {
    this.rules = []
    this.buckets = []
    this.lags.clear()
  }

  /** Records the call and returns the fault to inject, if any. */
  take(service: Service, operation: string): FaultRule | undefined {
    const fault = this.matchRule(service, operation) ?? this.matchBucket(service, operation)
    this.calls.push({ service, operation, at: Date.now(), fault: fault?.kind })
    return fault
  }

  /** Calls of one service (and operation), for assertions and the API-economy benchmark. */
  count(service: Service, operation?: string): number {
    return this.calls.filter(
      (call) =>
        call.service === service && (operation === undefined || call.operation === operation)
    ).length
  }

  private matchRule(service: Service, operation: string): FaultRule | undefined {
    const index = this.rules.findIndex(
      (rule) =>
        rule.service === service && (rule.operation === undefined || rule.operation === operation)
    )
    if (index < 0) return undefined
    const rule = this.rules[index]
    if (rule.times !== undefined) {
      rule.times -= 1
      if (rule.times <= 0) this.rules.splice(index, 1)
    }
    return rule
  }

  private matchBucket(service: Service, operation: string): FaultRule | undefined {
    const now = Date.now()
    for (const bucket of this.buckets) {
      const { limit } = bucket
      if (limit.service !== service || (limit.operations && !limit.operations(operation))) continue
      bucket.tokens = Math.min(
        limit.burst,
        bucket.tokens + ((now - bucket.refilledAt) / 1000) * limit.perSecond
      )
      bucket.refilledAt = now
      if (bucket.tokens < 1) return { service, operation, kind: 'throttle' }
      bucket.tokens -= 1
    }
    return undefined
  }
}
