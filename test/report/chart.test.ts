import { describe, expect, it } from '@jest/globals'
import { chartPoints, MAX_POINTS, renderChart } from '../../src/report/chart.js'
import { event, rolledBackRun, succeededRun } from './builder.js'

/** The x labels and y values of a rendered chart. */
function parse(chart: string): { labels: string[]; values: number[] } {
  const labels = /x-axis "Seconds since start" \[(.*)\]/.exec(chart)![1]
  const values = /line \[(.*)\]/.exec(chart)![1]
  return {
    labels: labels.split(', ').map((label) => JSON.parse(label) as string),
    values: values.split(', ').map(Number)
  }
}

describe('renderChart', () => {
  it('draws green’s share as a step function: old and new value at each jump', () => {
    expect(renderChart(rolledBackRun())).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "Traffic to green: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/abc/def"',
        '  x-axis "Seconds since start" ["1", "5", "5", "130", "130", "164", "164", "200"]',
        '  y-axis "Green (%)" 0 --> 100',
        '  line [0, 0, 10, 10, 100, 100, 0, 0]',
        '```'
      ].join('\n')
    )
  })

  it('ignores events without a percent and repeats of the same value', () => {
    const record = succeededRun({
      events: [
        event('start', 0),
        event('planned', 1, 25),
        event('ready', 2),
        event('converged', 3, 25),
        event('shift', 4.5, 50),
        event('converged', 6, 50),
        event('done', 9, 50)
      ]
    })
    expect(chartPoints(record)).toEqual([
      { at: 1000, percent: 25 },
      { at: 4500, percent: 25 },
      { at: 4500, percent: 50 },
      { at: 9000, percent: 50 }
    ])
    expect(parse(renderChart(record))).toEqual({
      labels: ['1', '4.5', '4.5', '9'],
      values: [25, 25, 50, 50]
    })
  })

  it('is empty without any point, and draws a single point', () => {
    expect(renderChart(succeededRun({ events: [event('start', 0), event('error', 1)] }))).toBe('')
    expect(renderChart(succeededRun({ events: [] }))).toBe('')
    const one = renderChart(succeededRun({ events: [event('planned', 2, 12.5)] }))
    expect(parse(one)).toEqual({ labels: ['2'], values: [12.5] })
  })

  it('keeps the y axis at 0 → 100', () => {
    expect(renderChart(succeededRun())).toContain('\n  y-axis "Green (%)" 0 --> 100\n')
  })

  it('escapes the title for mermaid: quotes, #, ;, angle brackets, backticks and newlines', () => {
    const chart = renderChart(succeededRun({ target: 'tg "blue";#1 <b>`x`\nnext' }))
    expect(chart).toContain(
      '  title "Traffic to green: tg #34;blue#34;#59;#35;1 #60;b#62;#96;x#96; next"\n'
    )
  })

  it('downsamples a long run to at most 100 points, keeping first, last and the rollback', () => {
    // 0.1 % steps up to 60 %, then a rollback to 0: 600 jumps, 1200 raw points.
    const events = [event('planned', 0, 0)]
    for (let i = 1; i <= 600; i++) events.push(event('shift', i * 10, i / 10))
    events.push(event('rollback', 6005, 0), event('done', 6100, 0))
    const record = succeededRun({ events })

    const points = chartPoints(record)
    expect(points.length).toBeLessThanOrEqual(MAX_POINTS)
    expect(points.length).toBeGreaterThan(90)
    expect(points[0]).toEqual({ at: 0, percent: 0 })
    expect(points[points.length - 1]).toEqual({ at: 6_100_000, percent: 0 })
    // The rollback jump is kept whole: 60 % then 0 % at the same moment.
    expect(points.slice(-3)).toEqual([
      { at: 6_005_000, percent: 60 },
      { at: 6_005_000, percent: 0 },
      { at: 6_100_000, percent: 0 }
    ])
    // The first jump is kept whole too.
    expect(points.slice(0, 3)).toEqual([
      { at: 0, percent: 0 },
      { at: 10_000, percent: 0 },
      { at: 10_000, percent: 0.1 }
    ])
    // Time never goes backwards, and the chart has as many labels as values.
    points.slice(1).forEach((point, i) => expect(point.at).toBeGreaterThanOrEqual(points[i].at))
    const { labels, values } = parse(renderChart(record))
    expect(labels).toHaveLength(points.length)
    expect(values).toHaveLength(points.length)
  })

  it('keeps a dip in the middle of a long ramp instead of smoothing it away', () => {
    // 1,000 jumps of 0.1 % up to 100 %, with a rollback to 0 % and a re-shift back at jump 503.
    const events = [event('planned', 0, 0)]
    for (let i = 1; i <= 1000; i++) {
      events.push(event('shift', i, i / 10))
      if (i === 503) events.push(event('rollback', i + 0.25, 0), event('shift', i + 0.5, 50.3))
    }
    const points = chartPoints(succeededRun({ events }))
    expect(points.length).toBeLessThanOrEqual(MAX_POINTS)
    const dip = points.filter((point) => point.at > 503_000 && point.at < 504_000)
    expect(dip).toEqual([
      { at: 503_250, percent: 50.3 },
      { at: 503_250, percent: 0 },
      { at: 503_500, percent: 0 },
      { at: 503_500, percent: 50.3 }
    ])
  })

  it('keeps every change of direction it can when a run goes up and down many times', () => {
    const events = [event('planned', 0, 0)]
    for (let i = 1; i <= 30; i++) events.push(event('shift', i, i % 2 === 1 ? 50 : 0))
    events.push(event('done', 40, 0))
    const points = chartPoints(succeededRun({ events }))
    // 30 reversals = 60 points + first + last: all fit, so all are kept.
    expect(points).toHaveLength(62)
    const many = [event('planned', 0, 0)]
    for (let i = 1; i <= 1000; i++) many.push(event('shift', i, i % 2 === 1 ? 50 : 0))
    expect(chartPoints(succeededRun({ events: many })).length).toBeLessThanOrEqual(MAX_POINTS)
  })
})
