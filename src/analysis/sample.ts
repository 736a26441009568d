/**
 * The minimum-sample rule: a test may fail on little data (its evidence is valid at any sample
 * size) but may pass only once each side has carried enough requests for a real difference to
 * have shown; before that it is pending. Threshold gates without this rule are what abort
 * falsely at low traffic.
 */

export interface SampleRule {
  /** Requests each side must have carried before a test may pass. */
  minRequests: number
}

export interface SampleCheck {
  met: boolean
  minRequests: number
  blueRequests: number
  greenRequests: number
  /** e.g. "green 120 of 1,000 requests needed", for the log. */
  detail: string
}

export function checkSampleRule(rule: SampleRule): void {
  if (!Number.isInteger(rule.minRequests) || rule.minRequests < 0) {
    throw new RangeError(`minRequests must be a whole number ≥ 0, got ${rule.minRequests}`)
  }
}

export function minimumSample(
  blueRequests: number,
  greenRequests: number,
  rule: SampleRule
): SampleCheck {
  checkSampleRule(rule)
  const short = [
    ['blue', blueRequests],
    ['green', greenRequests]
  ].filter(([, requests]) => (requests as number) < rule.minRequests)
  const needed = rule.minRequests.toLocaleString('en-US')
  const detail =
    short.length === 0
      ? `${needed} requests per side reached`
      : short
          .map(([side, requests]) => `${side} ${requests.toLocaleString('en-US')} of ${needed}`)
          .join(', ') + ' requests needed'
  return {
    met: short.length === 0,
    minRequests: rule.minRequests,
    blueRequests,
    greenRequests,
    detail
  }
}
