import * as core from './toolkit.js'
import { postRun } from './post-run.js'

// The post step has no grace to honour: the runner started it to finish, so a signal is only
// logged, and the rollback carries on until rollback-timeout.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => core.warning(`Post step received ${signal}; finishing the rollback`))
}

postRun().catch((error: unknown) => {
  core.setFailed(error instanceof Error ? error.message : String(error))
})
