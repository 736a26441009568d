/** What every ELBv2 operation works with, and the operation signature itself. */
import type { DataPlane } from './data-plane.js'
import type { HealthChecker, TargetAddress } from './health.js'
import type { ElbModel } from './model.js'
import type { Input } from './query.js'
import type { XmlValue } from './xml.js'

export interface ElbContext {
  model: ElbModel
  health: HealthChecker
  dataPlane: DataPlane
  /** Instance id → where that "instance" really listens (the admin defineInstance mapping). */
  instances: Map<string, TargetAddress>
}

/** Reads the request's members, changes or reads the model, returns the `<XResult>` content. */
export type Operation = (input: Input, context: ElbContext) => XmlValue | Promise<XmlValue>
