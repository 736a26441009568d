import { describe, expect, it } from '@jest/globals'
import type { RunRecord } from '../../src/record.js'
import { chartSeries, MAX_INTERVALS, OBSERVED_LEGEND, renderChart } from '../../src/report/chart.js'
import { at, event, gate, rolledBackRun, succeededRun } from './builder.js'

/** The x axis's unit and range and the line's values of a rendered chart. */
function parse(chart: string): { unit: string; min: number; max: number; values: number[] } {
  const axis = /x-axis "(\w+) since start" (\S+) --> (\S+)\n/.exec(chart)!
  const values = /line \[(.*)\]/.exec(chart)![1]
  return {
    unit: axis[1],
    min: Number(axis[2]),
    max: Number(axis[3]),
    values: values.split(', ').map(Number)
  }
}

/**
 * Where mermaid puts each value on a numeric x axis, as xychartDb's transformDataWithoutCategory
 * does: from min, adding (max - min) / (count - 1) while <= max. A value with no position is
 * not drawn, so every value must get one.
 */
function mermaidPositions(min: number, max: number, count: number): number[] {
  const step = (max - min) / (count - 1)
  const positions: number[] = []
  for (let x = min; x <= max; x += step) positions.push(x)
  return positions
}

/** Seconds each value holds on the chart: the runs of equal values, in order. */
function runs(values: number[], interval: number): [value: number, width: number][] {
  const out: [number, number][] = []
  for (const value of values) {
    const last = out[out.length - 1]
    if (last && last[0] === value) last[1] += interval
    else out.push([value, interval])
  }
  return out
}

describe('renderChart', () => {
  it('draws green’s share on a numeric time axis, titled with the target’s short name', () => {
    const chart = renderChart(rolledBackRun(), 'shop listener')
    const lines = chart.split('\n')
    expect(lines.slice(0, 4)).toEqual([
      '```mermaid',
      '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#2da44e"}}}}%%',
      'xychart-beta',
      '  title "Traffic to green: shop listener"'
    ])
    // 200 s at 1 s intervals: 0 → 200 with 201 values.
    expect(lines[4]).toBe('  x-axis "Seconds since start" 0 --> 200')
    expect(lines[5]).toBe('  y-axis "Green (%)" 0 --> 100')
    expect(lines[7]).toBe('```')
    const { values } = parse(chart)
    expect(values).toHaveLength(201)
    // 0 % until the shift at 5 s, 10 % until 130 s, 100 % until the rollback at 164 s, then 0.
    expect(runs(values, 1)).toEqual([
      [0, 5],
      [10, 125],
      [100, 34],
      [0, 37]
    ])
  })

  it('is time-true: a 3 s bake is ten times as wide as a 0.3 s rollback', () => {
    const record = succeededRun({
      finishedAt: undefined,
      events: [
        event('planned', 0, 0),
        event('shift', 1, 50),
        event('shift', 4, 100),
        event('rollback', 4.3, 0),
        event('done', 5, 0)
      ]
    })
    const series = chartSeries(record)!
    // 5 s in at most 200 intervals: 1/32 s each (the finest that fits).
    expect(series).toMatchObject({ unit: 'seconds', interval: 1 / 32 })
    const widths = new Map(runs(series.values, series.interval).map(([v, s]) => [v, s]))
    expect(widths.get(50)).toBeCloseTo(3, 1)
    expect(widths.get(100)).toBeCloseTo(0.3, 1)
    expect(widths.get(50)! / widths.get(100)!).toBeGreaterThan(8)
  })

  it('keeps a peak shorter than one interval one interval wide instead of losing it', () => {
    // An hour at 10 %, then 100 % for 0.3 s before a rollback to 0: half-minute intervals.
    const record = succeededRun({
      finishedAt: undefined,
      events: [
        event('planned', 0, 10),
        event('shift', 1800.1, 100),
        event('rollback', 1800.4, 0),
        event('done', 3600, 0)
      ]
    })
    const series = chartSeries(record)!
    expect(series).toMatchObject({ unit: 'minutes', interval: 1 / 2 })
    // 61 values at 10 % (0 to 30 minutes), the peak one value wide, then 0 % to the end.
    expect(runs(series.values, 1 / 2)).toEqual([
      [10, 30.5],
      [100, 0.5],
      [0, 29.5]
    ])
    // A dip (a rollback and a re-shift within one interval) shows too.
    const dip = succeededRun({
      finishedAt: undefined,
      events: [
        event('planned', 0, 50),
        event('rollback', 1800.1, 0),
        event('shift', 1800.4, 50),
        event('done', 3600, 50)
      ]
    })
    expect(runs(chartSeries(dip)!.values, 1 / 2).map(([value]) => value)).toEqual([50, 0, 50])
  })

  it('charts a run of more than 10 minutes in minutes', () => {
    const run = (seconds: number) =>
      parse(
        renderChart(
          succeededRun({
            finishedAt: undefined,
            events: [event('planned', 0, 0), event('shift', 60, 100), event('done', seconds, 100)]
          }),
          't'
        )
      )
    expect(run(600)).toMatchObject({ unit: 'Seconds', max: 600 })
    // 30 minutes at a quarter of a minute: the shift at one minute is the fifth value.
    const long = run(1800)
    expect(long).toMatchObject({ unit: 'Minutes', max: 30 })
    expect(long.values).toHaveLength(121)
    expect(long.values.indexOf(100)).toBe(4)
  })

  it('gives mermaid an axis on which every value has a position, whatever the duration', () => {
    for (const seconds of [0.2, 0.3, 1, 2.7, 3.1, 59, 61, 299, 1234.5, 3 * 3600, 6 * 3600 + 7]) {
      const record = succeededRun({
        finishedAt: undefined,
        events: [
          event('planned', 0, 0),
          event('shift', seconds / 2, 100),
          event('done', seconds, 100)
        ]
      })
      const { unit, min, max, values } = parse(renderChart(record, 't'))
      expect(min).toBe(0)
      expect(max * (unit === 'Minutes' ? 60 : 1)).toBeGreaterThanOrEqual(seconds)
      expect(values.length).toBeLessThanOrEqual(MAX_INTERVALS + 1)
      expect(mermaidPositions(min, max, values.length)).toHaveLength(values.length)
    }
  })

  it('ends at the later of the last event and the finish, and needs at least one share', () => {
    const record = succeededRun({ finishedAt: undefined, events: [event('planned', 2, 12.5)] })
    // 2 s at 1/64 s: 129 values, all the one share known (it held from the start).
    const { max, values } = parse(renderChart(record, 't'))
    expect(max).toBe(2)
    expect(values).toEqual(Array(129).fill(12.5))
    const finished = succeededRun({ events: [event('planned', 2, 25)], finishedAt: undefined })
    finished.finishedAt = finished.startedAt + 10_000
    expect(parse(renderChart(finished, 't')).max).toBe(10)
    expect(renderChart(succeededRun({ events: [event('start', 0), event('error', 1)] }), 't')).toBe(
      ''
    )
    expect(renderChart(succeededRun({ events: [] }), 't')).toBe('')
  })

  it('escapes the title for mermaid: quotes, #, ;, angle brackets, backticks and newlines', () => {
    const chart = renderChart(succeededRun(), 'tg "blue";#1 <b>`x`\nnext')
    expect(chart).toContain(
      '  title "Traffic to green: tg #34;blue#34;#59;#35;1 #60;b#62;#96;x#96; next"\n'
    )
  })
})

describe('renderChart: the observed share', () => {
  /** 10 % from 5 s, 100 % from 130 s; traffic-split saw 15 % over 60-120 s and 90 % over 180-240 s. */
  function observedRun(): RunRecord {
    const base = succeededRun()
    const share = (seconds: number, greenShare: number) => ({
      ...gate('traffic-split', 'pass', 'split as applied', seconds + 60),
      observation: { window: { start: at(seconds), end: at(seconds + 60) }, greenShare }
    })
    return {
      ...base,
      steps: [
        { ...base.steps[0], gates: [share(60, 0.15)] },
        { ...base.steps[1], gates: [share(180, 0.9)] }
      ]
    }
  }

  it('draws it as a second line over the minutes observed, the applied share elsewhere', () => {
    const series = chartSeries(observedRun())!
    // 300 s at 2 s intervals: 151 values on both lines.
    expect(series).toMatchObject({ unit: 'seconds', interval: 2 })
    expect(runs(series.values, 2)).toEqual([
      [0, 6],
      [10, 124],
      [100, 172]
    ])
    expect(runs(series.observed!, 2)).toEqual([
      [0, 6],
      [10, 54],
      [15, 60],
      [10, 10],
      [100, 50],
      [90, 60],
      [100, 62]
    ])
  })

  it('renders both lines, each in its colour, and says which is which', () => {
    const chart = renderChart(observedRun(), 'shop listener')
    expect(chart).toContain('"plotColorPalette": "#2da44e, #bf8700"')
    const lines = [...chart.matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => m[1].split(', '))
    expect(lines).toHaveLength(2)
    expect(lines[1]).toHaveLength(lines[0].length)
    expect(lines[1][45]).toBe('15')
    expect(chart.endsWith(`\`\`\`\n\n${OBSERVED_LEGEND}`)).toBe(true)
    // Without an observation: one line and no legend.
    expect(renderChart(succeededRun(), 'shop listener')).not.toContain('Amber')
  })

  it('keeps a window shorter than one interval one interval wide', () => {
    const record = observedRun()
    record.steps[0].gates[0].observation!.window = { start: at(61), end: at(61.5) }
    const observed = chartSeries(record)!.observed!
    // Only the sample at 62 s, whose interval (60, 62] holds the whole window.
    expect(observed.flatMap((value, k) => (value === 15 ? [k * 2] : []))).toEqual([62])
  })
})
