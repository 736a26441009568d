/**
 * The action runs on Node 24 (action.yml: node24). When `npm run bench` starts on another Node,
 * it runs itself again on a Node 24 that `.ci/node24` finds or installs from the npm registry
 * (kept in node_modules/.cache), so start-up, memory and the `node -e 0` baseline are measured on
 * the action's own runtime.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ACTION_NODE_MAJOR = 24

/** Undefined when this process is on the action's Node; otherwise the exit code of the re-run. */
export function rerunOnActionNode(entry: string): number | undefined {
  const major = Number(process.versions.node.split('.')[0])
  if (major === ACTION_NODE_MAJOR) return undefined
  const found = spawnSync(
    'bash',
    [join(ROOT, '.ci/node24'), join(ROOT, 'node_modules/.cache/node24')],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
  )
  if (found.status !== 0) {
    console.warn(
      `No Node ${ACTION_NODE_MAJOR} (.ci/node24 failed): measuring on ${process.version}`
    )
    return undefined
  }
  const node = join(found.stdout.trim(), process.platform === 'win32' ? 'node.exe' : 'node')
  const child = spawnSync(node, ['--import', 'tsx', entry, ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit'
  })
  return child.status ?? 1
}
