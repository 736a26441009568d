/**
 * `npx tsx bench/canary/main.ts`: figure group 8 alone (simulated, seconds), printed as the
 * bench's table without touching bench/results.json. `npm run bench` runs it with the others.
 */
import { evaluate } from '../figure.js'
import { renderText } from '../table.js'
import { runCanaryExperiment } from './experiment.js'
import { canaryFigures } from './figures.js'

const started = Date.now()
const results = canaryFigures(runCanaryExperiment()).map(evaluate)
console.log(renderText(results))
console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s`)
