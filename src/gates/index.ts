import { canaryAnalysis } from './canary-analysis.js'
import { cloudwatchAlarms } from './cloudwatch-alarms.js'
import { dnsAnswer } from './dns-answer.js'
import type { GateDefinition } from './gate.js'
import { httpProbe } from './http-probe.js'
import { route53HealthCheck } from './route53-health-check.js'
import { targetHealth } from './target-health.js'
import { trafficSplit } from './traffic-split.js'

/** Every health signal the action knows, one line each; run.ts reads and builds them in order. */
export const GATES: GateDefinition[] = [
  targetHealth as GateDefinition,
  cloudwatchAlarms as GateDefinition,
  httpProbe as GateDefinition,
  route53HealthCheck as GateDefinition,
  dnsAnswer as GateDefinition,
  trafficSplit as GateDefinition,
  canaryAnalysis as GateDefinition
]
