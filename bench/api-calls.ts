/** The sandbox's call log, cut to one run and counted the way AWS's limits count. */
import type { CallRecord, Service } from '../sandbox/faults.js'
import { peakRate } from './stats.js'

export interface CallCounts {
  total: number
  byService: Partial<Record<Service, number>>
  /** Peak requests in any 1 s window, per service, and for ELB's Describe* bucket. */
  peak: Partial<Record<Service | 'elbv2 Describe*' | 'GetHealthCheckStatus', number>>
  throttled: number
}

export function callsBetween(calls: readonly CallRecord[], from: number, to: number): CallRecord[] {
  return calls.filter((call) => call.at >= from && call.at <= to)
}

export function countCalls(calls: readonly CallRecord[]): CallCounts {
  const byService: CallCounts['byService'] = {}
  const times: Partial<Record<string, number[]>> = {}
  const add = (key: string, at: number) => (times[key] ??= []).push(at)
  for (const call of calls) {
    byService[call.service] = (byService[call.service] ?? 0) + 1
    add(call.service, call.at)
    if (call.service === 'elbv2' && call.operation.startsWith('Describe')) {
      add('elbv2 Describe*', call.at)
    }
    if (call.operation === 'GetHealthCheckStatus') add('GetHealthCheckStatus', call.at)
  }
  const peak: CallCounts['peak'] = {}
  for (const [key, list] of Object.entries(times)) {
    peak[key as keyof CallCounts['peak']] = peakRate(list ?? [])
  }
  return {
    total: calls.length,
    byService,
    peak,
    throttled: calls.filter((call) => call.fault === 'throttle').length
  }
}

/** Lines of the action's log that tell the user about throttling: there should be none. */
export function throttlingSurfaced(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /throttl|rate exceeded/i.test(line))
}
