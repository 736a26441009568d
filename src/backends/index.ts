import type { BackendDefinition } from './backend.js'
import { dns } from './dns.js'
import { targets } from './targets.js'
import { weightedTargetGroups } from './weighted-target-groups.js'

/** Every way of moving traffic: adding a mode is one file and one line here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own settings type
export const BACKENDS: readonly BackendDefinition<any>[] = [weightedTargetGroups, dns, targets]

export const MODE_NAMES = BACKENDS.map((backend) => backend.mode)

export function backendFor(mode: string): BackendDefinition<unknown> {
  const found = BACKENDS.find((backend) => backend.mode === mode)
  if (!found) throw new Error(`No backend is registered for mode ${mode}`)
  return found
}
