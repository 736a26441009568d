// The runner's entry point; its parts (state machine, phases, rollback, gate scheduling) live in
// runner/.
export { runShift, type RunnerOptions, type RunnerSettings } from './runner/run.js'
