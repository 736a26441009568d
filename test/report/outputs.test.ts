import { describe, expect, it } from '@jest/globals'
import type { RunRecord } from '../../src/record.js'
import { renderOutputs, renderReportJson, REPORT_BUDGET_BYTES } from '../../src/report/outputs.js'
import { at, event, gate, rolledBackRun, step, succeededRun } from './builder.js'

describe('renderOutputs', () => {
  it('gives every output of a successful run', () => {
    const record = succeededRun()
    expect(renderOutputs(record)).toEqual({
      status: 'succeeded',
      traffic: '100',
      'steps-applied': '2',
      'duration-seconds': '300',
      report: JSON.stringify(record),
      'run-url': 'https://github.com/octo/shop/actions/runs/42'
    })
  })

  it('gives an empty run-url outside a workflow run', () => {
    expect(renderOutputs(succeededRun({ context: {} }))['run-url']).toBe('')
  })

  it('counts only the steps whose shift was applied', () => {
    const record = rolledBackRun({
      events: [event('shift', 5, 10), event('error', 6), event('rollback', 7, 0)]
    })
    expect(renderOutputs(record)['steps-applied']).toBe('1')
    expect(renderOutputs(succeededRun({ status: 'planned', events: [] }))['steps-applied']).toBe(
      '0'
    )
  })

  it.each<[Partial<RunRecord>, string, string]>([
    [{ finalPercent: 25, finishedAt: at(90) }, '25', '90'],
    [{ finalPercent: 12.5, finishedAt: at(90.25) }, '12.5', '90.3'],
    [{ finalPercent: 0.1, finishedAt: at(0.04) }, '0.1', '0'],
    [{ finalPercent: 33.30000000000001, finishedAt: at(1.05) }, '33.3', '1.1'],
    [{ finalPercent: undefined, finishedAt: undefined }, '', '']
  ])('formats traffic and duration (%#)', (overrides, traffic, duration) => {
    const outputs = renderOutputs(succeededRun(overrides))
    expect(outputs.traffic).toBe(traffic)
    expect(outputs['duration-seconds']).toBe(duration)
  })

  it.each(['succeeded', 'rolled-back', 'failed', 'no-op', 'planned'] as const)(
    'passes status %s through',
    (status) => {
      expect(renderOutputs(succeededRun({ status })).status).toBe(status)
    }
  )

  it('reports a run without a status as failed', () => {
    expect(renderOutputs(succeededRun({ status: undefined })).status).toBe('failed')
  })
})

describe('renderReportJson', () => {
  it('is the record itself when small, and survives a bigint in planned parameters', () => {
    const record = succeededRun({
      plannedCalls: [{ service: 'ELBv2', operation: 'ModifyRule', parameters: { big: 10n } }]
    })
    const parsed = JSON.parse(renderReportJson(record)) as RunRecord
    expect(parsed.plannedCalls[0].parameters).toEqual({ big: '10' })
    expect(parsed.steps).toEqual(record.steps)
    expect(parsed).not.toHaveProperty('truncated')
  })

  it('stays bounded and parseable for a huge run, keeping both ends and saying what it left out', () => {
    const events = Array.from({ length: 100_000 }, (_, i) =>
      event('converged', i, i % 100, `event ${i} ${'x'.repeat(100)}`)
    )
    const steps = Array.from({ length: 10_000 }, (_, i) =>
      step({ index: i, gates: [gate('alarms', 'pass', `${i} ${'y'.repeat(200)}`)] })
    )
    const record = succeededRun({ events, steps, failure: 'f'.repeat(50_000) })

    const json = renderReportJson(record)
    expect(Buffer.byteLength(json, 'utf8')).toBeLessThanOrEqual(REPORT_BUDGET_BYTES)
    const parsed = JSON.parse(json) as RunRecord & {
      truncated: boolean
      omitted: Record<string, { count: number; after: number }>
    }
    expect(parsed.truncated).toBe(true)
    expect(parsed.status).toBe('succeeded')
    expect(parsed.failure).toBe(`${'f'.repeat(1000)}… (49000 more characters)`)

    const { events: omittedEvents } = parsed.omitted
    expect(parsed.events.length + omittedEvents.count).toBe(100_000)
    expect(parsed.events[0].message).toMatch(/^event 0 /)
    expect(parsed.events[omittedEvents.after - 1].message).toMatch(
      new RegExp(`^event ${omittedEvents.after - 1} `)
    )
    expect(parsed.events[omittedEvents.after].message).toMatch(
      new RegExp(`^event ${omittedEvents.after + omittedEvents.count} `)
    )
    expect(parsed.events[parsed.events.length - 1].message).toMatch(/^event 99999 /)

    const omittedSteps = parsed.omitted.steps?.count ?? 0
    expect(parsed.steps.length + omittedSteps).toBe(10_000)
    expect(parsed.steps[0].index).toBe(0)
    expect(parsed.steps[parsed.steps.length - 1].index).toBe(9999)
  })

  it('cuts events before steps', () => {
    const events = Array.from({ length: 10_000 }, (_, i) =>
      event('converged', i, 10, 'z'.repeat(100))
    )
    const parsed = JSON.parse(renderReportJson(succeededRun({ events }))) as {
      steps: unknown[]
      omitted: Record<string, unknown>
    }
    expect(Object.keys(parsed.omitted)).toEqual(['events'])
    expect(parsed.steps).toHaveLength(2)
  })
})
