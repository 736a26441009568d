import { invalidInput } from './errors.js'

export const HEALTH_CHECK_TYPES = [
  'HTTP',
  'HTTPS',
  'HTTP_STR_MATCH',
  'HTTPS_STR_MATCH',
  'TCP',
  'CALCULATED',
  'CLOUDWATCH_METRIC',
  'RECOVERY_CONTROL'
] as const
export type HealthCheckType = (typeof HEALTH_CHECK_TYPES)[number]

/** The HealthCheckConfig fields the sandbox keeps and echoes back. */
export interface HealthCheckConfig {
  type: HealthCheckType
  ipAddress?: string
  port?: number
  resourcePath?: string
  fullyQualifiedDomainName?: string
  searchString?: string
  requestInterval: number
  failureThreshold: number
  measureLatency: boolean
  inverted: boolean
  disabled: boolean
  enableSNI?: boolean
  healthThreshold?: number
  childHealthChecks?: string[]
  regions?: string[]
}

/** What a caller may give: any config field, the type as plain text (validated later). */
export type HealthCheckInput = Omit<Partial<HealthCheckConfig>, 'type'> & { type: string }

/**
 * A health check. Its status is set by the test or demo (setHealthCheckStatus): the sandbox does
 * not probe endpoints itself, so a test decides exactly when a check turns unhealthy.
 */
export interface HealthCheck {
  id: string
  callerReference: string
  config: HealthCheckConfig
  version: number
  healthy: boolean
  /** StatusReport.Status as GetHealthCheckStatus reports it. */
  statusReport: string
  checkedAt: Date
}

/** The regions Route 53's checkers observe from when the config names none. */
export const CHECKER_REGIONS = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1'
]

const ENDPOINT_TYPES: readonly HealthCheckType[] = [
  'HTTP',
  'HTTPS',
  'HTTP_STR_MATCH',
  'HTTPS_STR_MATCH',
  'TCP'
]

/** Validates a config the way CreateHealthCheck does and fills Route 53's defaults. */
export function completeConfig(input: HealthCheckInput): HealthCheckConfig {
  if (!(HEALTH_CHECK_TYPES as readonly string[]).includes(input.type)) {
    throw invalidInput(
      `Invalid health check type '${input.type}'; expected one of ${HEALTH_CHECK_TYPES.join(', ')}`
    )
  }
  const type = input.type as HealthCheckType
  if (ENDPOINT_TYPES.includes(type)) {
    if (!input.ipAddress && !input.fullyQualifiedDomainName) {
      throw invalidInput('Invalid request: IPAddress or FullyQualifiedDomainName must be specified')
    }
    if (type === 'TCP' && input.port === undefined) {
      throw invalidInput('Invalid request: Port must be specified for a TCP health check')
    }
    if (type.endsWith('STR_MATCH') && !input.searchString) {
      throw invalidInput(`Invalid request: SearchString must be specified for type ${type}`)
    }
  }
  const requestInterval = input.requestInterval ?? 30
  if (requestInterval !== 10 && requestInterval !== 30) {
    throw invalidInput(`RequestInterval must be 10 or 30, not ${requestInterval}`)
  }
  const failureThreshold = input.failureThreshold ?? 3
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > 10) {
    throw invalidInput(`FailureThreshold must be between 1 and 10, not ${failureThreshold}`)
  }
  if (input.port !== undefined && (input.port < 1 || input.port > 65535)) {
    throw invalidInput(`Port must be between 1 and 65535, not ${input.port}`)
  }
  const https = type.startsWith('HTTPS')
  return {
    ...input,
    type,
    ...(type.startsWith('HTTP') && { port: input.port ?? (https ? 443 : 80) }),
    requestInterval,
    failureThreshold,
    measureLatency: input.measureLatency ?? false,
    inverted: input.inverted ?? false,
    disabled: input.disabled ?? false,
    ...(https && { enableSNI: input.enableSNI ?? true })
  }
}

/** The StatusReport.Status text Route 53's checkers report for a status. */
export function defaultStatusReport(type: HealthCheckType, healthy: boolean): string {
  if (type === 'TCP') {
    return healthy
      ? 'Success: TCP connection established'
      : 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.'
  }
  if (type.startsWith('HTTP')) {
    return healthy
      ? 'Success: HTTP Status Code 200, OK'
      : 'Failure: HTTP Status Code 503, Service Unavailable'
  }
  return healthy ? 'Success' : 'Failure'
}

/** What DNS answers act on: a disabled check always counts as healthy, as in Route 53. */
export function isHealthy(check: HealthCheck | undefined): boolean {
  return check === undefined || check.config.disabled || check.healthy
}
