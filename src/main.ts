import * as core from './toolkit.js'
import { run } from './run.js'

// The runner sends SIGINT on cancel, SIGTERM 7.5 s later: abort waits so the run rolls back.
const controller = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    core.warning(`Received ${signal}: cancelling and rolling back`)
    controller.abort()
  })
}

run(controller.signal).catch((error: unknown) => {
  core.setFailed(error instanceof Error ? error.message : String(error))
})
