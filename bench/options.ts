/**
 * `npm run bench`'s command line. Measuring prints the table; only `--record` writes
 * bench/results.json, which is tracked, so that running the bench does not dirty every clone.
 */

/** Runs per figure: enough for a median, few enough for about three minutes on 2 cores. */
export const RUNS = { coldStart: 15, overhead: 3, detection: 3, scale: 2 }

export type Runs = typeof RUNS

export interface BenchOptions {
  /** Print the recorded table as Markdown (for the README) and measure nothing. */
  markdown: boolean
  /** Write the results to bench/results.json. */
  record: boolean
  runs: Runs
}

export const BENCH_USAGE =
  'Usage: npm run bench -- [--runs N] [--record] | --markdown\n' +
  '  --runs N    runs per figure (default: cold start 15, overhead 3, detection 3, scale 2)\n' +
  '  --record    write the results to bench/results.json (otherwise they are only printed)\n' +
  '  --markdown  print the recorded bench/results.json as a Markdown table, measuring nothing'

export function parseBenchArgs(args: readonly string[]): BenchOptions {
  const options: BenchOptions = { markdown: false, record: false, runs: RUNS }
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]
    if (arg === '--markdown') options.markdown = true
    else if (arg === '--record') options.record = true
    else if (arg === '--runs') {
      const text = args[(i += 1)]
      const count = Number(text)
      if (text === undefined || !/^\d+$/.test(text) || count < 1) {
        throw new Error(`--runs takes a whole number of runs from 1, not ${text ?? 'nothing'}`)
      }
      options.runs = { coldStart: count, overhead: count, detection: count, scale: count }
    } else {
      // A mistyped --record would otherwise measure for minutes and then keep nothing.
      throw new Error(`Unknown argument '${arg}'\n${BENCH_USAGE}`)
    }
  }
  if (options.markdown && (options.record || options.runs !== RUNS)) {
    throw new Error(`--markdown measures nothing: it takes no --record or --runs\n${BENCH_USAGE}`)
  }
  return options
}
