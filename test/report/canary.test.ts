import { describe, expect, it } from '@jest/globals'
import type { GateCheck, GateObservation, RunRecord, StepRecord } from '../../src/record.js'
import { CANARY_ROWS, canarySection, formatEValue } from '../../src/report/canary.js'
import { renderReportJson } from '../../src/report/outputs.js'
import { renderSummary } from '../../src/report/summary.js'
import { at, gate, rolledBackRun, step, succeededRun } from './builder.js'

function observed(check: GateCheck, observation: GateObservation): GateCheck {
  return { ...check, observation }
}

/** Step 1 at 10 % passed both checks so far; step 2 at 100 % failed the error rate. */
function canaryRun(): RunRecord {
  const base = rolledBackRun()
  const first: StepRecord = {
    ...base.steps[0],
    gates: [
      gate('target-health', 'pass', '4/4 targets healthy', 127),
      observed(gate('traffic-split', 'pass', 'split as applied: …', 127), {
        window: { start: at(60), end: at(120) },
        greenShare: 0.0982
      }),
      observed(gate('canary-analysis', 'pass', "green's 5XX rate no worse than blue's: …", 127), {
        window: { start: at(0), end: at(120) },
        green: { requests: 1200, errors: 24, p99: 0.21 },
        blue: { requests: 10_800, errors: 108, p99: 0.2 },
        evidence: [
          { check: 'error-rate', status: 'pass', eValue: 0.512, threshold: 200 },
          { check: 'latency', status: 'pending', eValue: 1.5, threshold: 200 }
        ]
      })
    ]
  }
  const second: StepRecord = {
    ...base.steps[1],
    gates: [
      observed(gate('canary-analysis', 'fail', "green's 5XX rate is higher than blue's: …", 162), {
        window: { start: at(120), end: at(150) },
        green: { requests: 3000, errors: 90, p99: 0.0042 },
        blue: { requests: 0, errors: 0 },
        evidence: [{ check: 'error-rate', status: 'fail', eValue: 1234.5, threshold: 200 }]
      })
    ]
  }
  return { ...base, steps: [first, second] }
}

describe('canarySection', () => {
  it('tabulates each step: applied and observed share, both sides, the checks against 1/α', () => {
    expect(canarySection(canaryRun())).toBe(
      [
        '### Canary: green against blue',
        '',
        "Each step's own minutes as CloudWatch published them; the verdict weighs every minute " +
          'since green first took traffic, and a check fails once its e-value reaches 1/α.',
        '',
        '| # | Green: applied → observed | Minutes (UTC) | Requests green / blue | 5XX green / blue | p99 green / blue | Verdict |',
        '|--:|---|---|--:|--:|--:|---|',
        '| 1 | 10% → 9.8% | 14:00:00Z – 14:02:00Z | 1,200 / 10,800 | 2.00% / 1.00% | 210 ms / 200 ms | ' +
          '✅ error-rate: e-value 0.512 (fails at 200)<br>⏳ latency: e-value 1.50 (fails at 200) |',
        '| 2 | 100% → not judged | 14:02:00Z – 14:02:30Z | 3,000 / 0 | 3.00% / — | 4.20 ms / — | ' +
          '❌ error-rate: e-value 1,235 (fails at 200) |'
      ].join('\n')
    )
  })

  it('is empty when no gate observed anything', () => {
    expect(canarySection(succeededRun())).toBe('')
    expect(renderSummary(succeededRun())).not.toContain('### Canary')
  })

  it('shows the observed share alone where no gate gave both sides', () => {
    const record = succeededRun({
      steps: [
        step({
          gates: [
            observed(gate('traffic-split', 'pass', 'split as applied', 120), {
              window: { start: at(60), end: at(120) },
              greenShare: 0.1
            })
          ]
        })
      ]
    })
    expect(canarySection(record).split('\n').at(-1)).toBe(
      '| 1 | 10% → 10% | 14:01:00Z – 14:02:00Z | — | — | — | — |'
    )
  })

  it(`keeps the first and last ${CANARY_ROWS / 2} rows of a longer run`, () => {
    const check = observed(gate('canary-analysis', 'pass', '…'), {
      evidence: [{ check: 'error-rate', status: 'pass', eValue: 0.5, threshold: 100 }]
    })
    const steps = Array.from({ length: 150 }, (_, index) => step({ index, gates: [check] }))
    const rows = canarySection(succeededRun({ steps }))
      .split('\n')
      .filter((line) => /^\| (\d+|…) \|/.test(line))
    expect(rows).toHaveLength(CANARY_ROWS + 1)
    expect(rows[49]).toMatch(/^\| 50 \|/)
    expect(rows[50]).toBe('| … | **50 steps left out** |  |  |  |  |  |')
    expect(rows[51]).toMatch(/^\| 101 \|/)
    expect(rows.at(-1)).toMatch(/^\| 150 \|/)
  })

  it('writes e-values plainly up to a million, then as powers of ten', () => {
    expect([0.0123, 1.5, 99.94, 100, 123_456.7, 2.5e6, Number.MAX_VALUE].map(formatEValue)).toEqual(
      ['0.0123', '1.50', '99.9', '100', '123,457', '2.50e+6', '1.80e+308']
    )
  })

  it('escapes a check name that is not ours', () => {
    const record = succeededRun({
      steps: [
        step({
          gates: [
            observed(gate('x', 'pass', '…'), {
              evidence: [{ check: '<img src=x>|', status: 'pass', eValue: 1, threshold: 100 }]
            })
          ]
        })
      ]
    })
    expect(canarySection(record)).not.toContain('<img')
    expect(canarySection(record)).toContain('&#60;img src=x&#62;&#124;: e-value 1.00')
  })
})

describe('the canary figures in the summary and the report output', () => {
  it('comes after the chart, before the final state', () => {
    const summary = renderSummary(canaryRun())
    const chart = summary.indexOf('```mermaid')
    const canary = summary.indexOf('### Canary: green against blue')
    expect(chart).toBeGreaterThan(0)
    expect(canary).toBeGreaterThan(chart)
    expect(summary.indexOf('### Final state')).toBeGreaterThan(canary)
    expect(summary).toContain('| 1 | 10% → 9.8% |')
  })

  it('keeps every observation in the JSON report', () => {
    const record = canaryRun()
    const parsed = JSON.parse(renderReportJson(record)) as RunRecord
    expect(parsed.steps.map((s) => s.gates.map((check) => check.observation))).toEqual(
      record.steps.map((s) => s.gates.map((check) => check.observation))
    )
  })
})
