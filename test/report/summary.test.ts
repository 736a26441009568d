import { describe, expect, it } from '@jest/globals'
import type { RunRecord } from '../../src/record.js'
import { renderSummary, SUMMARY_BUDGET_BYTES } from '../../src/report/summary.js'
import { at, event, gate, rolledBackRun, step, succeededRun, T0 } from './builder.js'

const MIB = 1024 * 1024

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function firstLine(text: string): string {
  return text.split('\n')[0]
}

/** The step table's rows (not its header), in order. */
function stepRows(summary: string): string[] {
  const table = summary.slice(summary.indexOf('### Steps'), summary.indexOf('```mermaid'))
  return table.split('\n').filter((line) => /^\| (\d+|…) \|/.test(line))
}

describe('renderSummary: headline', () => {
  it.each<[RunRecord, string]>([
    [succeededRun(), '## ✅ Traffic shift succeeded: green 100% / blue 0%'],
    [rolledBackRun(), '## ↩️ Traffic shift rolled back: green 0% / blue 100%'],
    [
      succeededRun({ status: 'failed', finalPercent: 12.5 }),
      '## ❌ Traffic shift failed: green 12.5% / blue 87.5%'
    ],
    [
      succeededRun({ status: 'failed', finalPercent: undefined, finalNative: undefined }),
      '## ❌ Traffic shift failed: final split unknown'
    ],
    [
      succeededRun({ status: 'no-op', steps: [] }),
      '## ⏺️ No-op: traffic was already where requested: green 100% / blue 0%'
    ],
    [
      succeededRun({ status: 'planned', dryRun: true, finalPercent: 0 }),
      '## 📝 Planned (dry run): nothing was changed: green 0% / blue 100% (the run would take green to 100%)'
    ],
    [
      succeededRun({ status: undefined, finalPercent: 10 }),
      '## ⚠️ Traffic shift did not finish: green 10% / blue 90%'
    ]
  ])('names the outcome and the final split (%#)', (record, expected) => {
    expect(firstLine(renderSummary(record))).toBe(expected)
  })
})

describe('renderSummary: context', () => {
  it('links the repository, commit and run on the run URL’s host, and names actor and target', () => {
    const summary = renderSummary(succeededRun())
    expect(summary).toContain(
      '- **Repository:** <a href="https://github.com/octo/shop">octo/shop</a>\n' +
        '- **Commit:** <a href="https://github.com/octo/shop/commit/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"><code>a1b2c3d4e5f6</code></a>\n' +
        '- **Actor:** mona\n' +
        '- **Run:** <a href="https://github.com/octo/shop/actions/runs/42">Deploy › shift</a>\n' +
        '- **Target:** <b>shop listener</b> <code>arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/abc/def</code> (mode <code>weighted-target-groups</code>)\n' +
        '- **Requested:** Shift to green: green 0% → 10% → 100%; on failure, back to 0%\n' +
        '- **Started:** 2026-11-03 14:00:00Z · **Finished:** 2026-11-03 14:05:00Z · **Duration:** 5m'
    )
  })

  it('follows a GHES host', () => {
    const summary = renderSummary(
      succeededRun({
        context: {
          repository: 'octo/shop',
          runUrl: 'https://ghe.example.com/octo/shop/actions/runs/7',
          sha: 'abcdef1'
        }
      })
    )
    expect(summary).toContain('<a href="https://ghe.example.com/octo/shop">octo/shop</a>')
    expect(summary).toContain('<a href="https://ghe.example.com/octo/shop/commit/abcdef1">')
  })

  it('never links a run URL that is not http(s), and shows what is known without links', () => {
    const summary = renderSummary(
      succeededRun({
        context: { repository: 'octo/shop', runUrl: 'javascript:alert(1)', workflow: 'Deploy' }
      })
    )
    expect(summary).not.toContain('<a ')
    expect(summary).toContain('- **Repository:** octo/shop\n')
    expect(summary).toContain('- **Run:** Deploy\n')
  })

  it('leaves out what the context does not have', () => {
    const summary = renderSummary(succeededRun({ context: {} }))
    expect(summary).not.toMatch(/\*\*(Repository|Commit|Actor|Run|Workflow):/)
    expect(summary).toContain('- **Target:** ')
  })
})

describe('renderSummary: what was requested', () => {
  /** The Requested line's text. */
  function requestedLine(record: RunRecord): string {
    return /- \*\*Requested:\*\* (.*)\n/.exec(renderSummary(record))![1]
  }

  it.each<[string, Partial<RunRecord>, string]>([
    [
      'a manual rollback',
      { startPercent: 100, requestedPercent: 0, schedule: [100], rollbackPercent: 100 },
      'Rollback to blue: green 100% → 0%; a failure leaves traffic where it stopped'
    ],
    [
      'a ramp down through the waypoints it passes, in the order it passes them',
      { startPercent: 100, requestedPercent: 0, schedule: [10, 50, 100], rollbackPercent: 100 },
      'Rollback to blue: green 100% → 50% → 10% → 0%; a failure leaves traffic where it stopped'
    ],
    [
      'a partial move toward blue with a rollback-to below it',
      { startPercent: 100, requestedPercent: 50, schedule: [100], rollbackPercent: 0 },
      'Toward blue: green 100% → 50%; on failure, down to 0% if still above it'
    ],
    [
      'a canary',
      { startPercent: 0, requestedPercent: 10, schedule: [10, 100], rollbackPercent: 0 },
      'Toward green: green 0% → 10%; on failure, back to 0%'
    ],
    [
      'a resumed shift, skipping the waypoints already passed',
      { startPercent: 25, requestedPercent: 100, schedule: [10, 25, 50, 100], rollbackPercent: 25 },
      'Shift to green: green 25% → 50% → 100%; on failure, back to 25%'
    ],
    [
      'a dry run',
      { dryRun: true, status: 'planned' },
      'Shift to green: green 0% → 10% → 100%; on failure, back to 0% (dry run)'
    ],
    [
      'a run that never read the live split',
      { startPercent: undefined, rollbackPercent: undefined, status: 'failed' },
      'Green to 100% (the live split was never read)'
    ],
    [
      'a run already where it was asked',
      { startPercent: 100, status: 'no-op', steps: [] },
      'Green at 100%, where it already was'
    ]
  ])('reads plainly for %s', (_, overrides, expected) => {
    expect(requestedLine(succeededRun(overrides))).toBe(expected)
  })
})

describe('renderSummary: short names', () => {
  const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
  const GREEN = `${ELB}:targetgroup/shop-green/73e2d6bc24d8a067`

  it('names resources by their short names in the tables and lists the full ARNs once', () => {
    const record = succeededRun({
      steps: [
        step({
          native: `blue 900 / green 100 (${GREEN})`,
          gates: [gate('alarms', 'fail', `5XX on ${GREEN} is ALARM`)]
        })
      ],
      events: [event('shift', 5, 10, `Weighted ${GREEN} to 100`)]
    })
    const summary = renderSummary(record)
    const row = stepRows(summary)[0]
    expect(row).toContain('| blue 900 / green 100 (shop-green) |')
    expect(row).toContain('(fail): 5XX on shop-green is ALARM |')
    expect(summary).toContain('| Weighted shop-green to 100 |')
    expect(summary).toContain('title "Traffic to green: shop listener"')
    expect(summary).toContain(
      '<summary>Resources (1)</summary>\n\n| Name | ARN |\n|---|---|\n' +
        `| shop-green | <code>${GREEN}</code> |\n\n</details>`
    )
    expect(renderSummary(succeededRun())).not.toContain('<summary>Resources')
    // Outside the chart, the Target line and the resource list, no ARN is shown whole.
    const rest = summary
      .replace(/- \*\*Target:\*\*.*\n/, '')
      .replace(/<summary>Resources[\s\S]*$/, '')
    expect(rest).not.toContain('arn:aws:')
  })

  it('lists at most 50 resources and says how many more there are', () => {
    const events = Array.from({ length: 60 }, (_, i) =>
      event(
        'shift',
        i,
        10,
        `registered in ${ELB}:targetgroup/tg-${i}/${String(i).padStart(16, '0')}`
      )
    )
    const summary = renderSummary(succeededRun({ events }))
    expect(summary).toContain('<summary>Resources (60)</summary>')
    const section = summary.slice(summary.indexOf('<summary>Resources'))
    expect(section.split('\n').filter((line) => line.startsWith('| tg-'))).toHaveLength(50)
    expect(section).toContain('| … | 10 more |')
  })
})

describe('renderSummary: steps', () => {
  it('has one row per step with splits, native form, timings, outcome and every gate', () => {
    expect(stepRows(renderSummary(rolledBackRun()))).toEqual([
      '| 1 | 0% → 10% | blue 900 / green 100 | 14:00:05Z | 3s | 2m of 2m | ✅ passed | ✅ <b>target-health</b> (pass): 4/4 targets healthy |',
      '| 2 | 10% → 100% | blue 0 / green 999 | 14:02:10Z | 3s | 30s of 2m | ❌ failed | ✅ <b>target-health</b> (pass): 4/4 targets healthy<br>❌ <b>alarms</b> (fail): shop-5xx is ALARM |'
    ])
  })

  it('says when AWS never converged, and shows planned steps of a dry run as planned', () => {
    const stuck = succeededRun({
      status: 'rolled-back',
      steps: [step({ convergedAt: undefined, finishedAt: at(300), outcome: 'error', gates: [] })]
    })
    expect(stepRows(renderSummary(stuck))).toEqual([
      '| 1 | 0% → 10% | blue 900 / green 100 | 14:00:05Z | did not converge | — | ⚠️ error | — |'
    ])
    const planned = succeededRun({
      status: 'planned',
      dryRun: true,
      steps: [
        step({ convergedAt: undefined, finishedAt: undefined, outcome: 'running', gates: [] })
      ]
    })
    expect(stepRows(renderSummary(planned))).toEqual([
      '| 1 | 0% → 10% | blue 900 / green 100 | — | — | 2m (planned) | 📝 planned | — |'
    ])
  })

  it('shows the date of a step that started on another day than the run', () => {
    const late = succeededRun({
      steps: [step({ startedAt: T0 + 11 * 3600_000, convergedAt: undefined })]
    })
    expect(stepRows(renderSummary(late))[0]).toContain('| 2026-11-04 01:00:00Z |')
  })

  it('has no step table when there are no steps', () => {
    expect(renderSummary(succeededRun({ status: 'no-op', steps: [] }))).not.toContain('### Steps')
  })
})

describe('renderSummary: failure, final state, planned calls, events', () => {
  it('says which gate failed, why, and where traffic went back to', () => {
    expect(renderSummary(rolledBackRun())).toContain(
      '> **Failed gate:** <b>alarms</b>: shop-5xx is ALARM\n' +
        '>\n' +
        '> **Reason:** Gate alarms failed: shop-5xx is ALARM\n' +
        '>\n' +
        '> **Rolled back to:** green 0% / blue 100%\n'
    )
  })

  it('has no failure block on success', () => {
    expect(renderSummary(succeededRun())).not.toContain('**Reason:**')
  })

  it('shows the final split with its native form, or says it is unknown', () => {
    expect(renderSummary(succeededRun())).toContain(
      '### Final state\n\n**green 100% / blue 0%** (blue 0 / green 999)\n'
    )
    const unknown = succeededRun({
      status: 'failed',
      finalPercent: undefined,
      finalNative: undefined
    })
    expect(renderSummary(unknown)).toContain(
      '### Final state\n\nUnknown: the live state could not be read.\n'
    )
  })

  it('lists the planned calls of a dry run as JSON code blocks', () => {
    const summary = renderSummary(
      succeededRun({
        status: 'planned',
        dryRun: true,
        plannedCalls: [
          {
            service: 'ELBv2',
            operation: 'ModifyListener',
            parameters: { ListenerArn: 'arn:l', Weight: 100 }
          }
        ]
      })
    )
    expect(summary).toContain(
      '### Planned calls (1)\n\n' +
        '**1.** <code>ELBv2</code> <code>ModifyListener</code>\n\n' +
        '```json\n{\n  "ListenerArn": "arn:l",\n  "Weight": 100\n}\n```'
    )
  })

  it('puts the events in a collapsed timeline', () => {
    const summary = renderSummary(succeededRun())
    expect(summary).toContain(
      '<details>\n<summary>Events (8)</summary>\n\n' +
        '| Time (UTC) | +s | Event | Green | Message |\n' +
        '|---|--:|---|--:|---|\n' +
        '| 14:00:00Z | 0 | <code>start</code> |  | Moving the listener toward 100% green |\n' +
        '| 14:00:01Z | 1 | <code>planned</code> | 0% | Live: blue 999 / green 0 |\n'
    )
    expect(summary.trimEnd().endsWith('</details>')).toBe(true)
  })

  it('includes the chart', () => {
    expect(renderSummary(succeededRun())).toMatch(/```mermaid\n%%\{init: .*\}%%\nxychart-beta\n/)
  })
})

describe('renderSummary: escaping', () => {
  const hostile = 'x <script>alert(1)</script> | a\nb `code` *em* [l](javascript:x) & $m$'

  it('escapes a gate detail: HTML, table pipes, newlines, backticks and Markdown', () => {
    const record = succeededRun({
      steps: [step({ gates: [gate('alarms', 'fail', hostile)] })]
    })
    const row = stepRows(renderSummary(record))[0]
    expect(row).toContain(
      '(fail): x &#60;script&#62;alert(1)&#60;/script&#62; &#124; a<br>b &#96;code&#96; ' +
        '&#42;em&#42; &#91;l&#93;(javascript:x) &#38; &#36;m&#36; |'
    )
    expect(row.split('|')).toHaveLength(10) // 8 cells: no pipe from the value splits a cell
    expect(row).not.toContain('<script>')
  })

  it('escapes an actor name with HTML, and a sha that is not a sha is not linked', () => {
    const summary = renderSummary(
      succeededRun({
        context: {
          repository: 'octo/shop',
          runUrl: 'https://github.com/octo/shop/actions/runs/42',
          actor: '<img src=x onerror=alert(1)>',
          sha: '"><script>'
        }
      })
    )
    expect(summary).toContain('- **Actor:** &#60;img src=x onerror=alert(1)&#62;\n')
    expect(summary).toContain('- **Commit:** <code>&#34;&#62;&#60;script&#62;</code>\n')
    expect(summary).not.toMatch(/<img|<script/)
  })

  it('escapes the failure, target, native forms and event messages', () => {
    const record = rolledBackRun({
      target: 'arn:`x`<b>',
      failure: '<b>bold</b>\n# heading',
      finalNative: 'blue | green',
      events: [event('error', 1, undefined, 'line1\n<i>line2</i>')]
    })
    const summary = renderSummary(record)
    expect(summary).toContain('- **Target:** <b>arn:&#96;x&#96;&#60;b&#62;</b> (mode ')
    expect(summary).toContain('> **Reason:** &#60;b&#62;bold&#60;/b&#62; &#35; heading\n')
    expect(summary).toContain('(blue &#124; green)')
    expect(summary).toContain('| line1<br>&#60;i&#62;line2&#60;/i&#62; |')
  })

  it('fences planned parameters with more backticks than they contain', () => {
    const summary = renderSummary(
      succeededRun({
        status: 'planned',
        plannedCalls: [{ service: 'Route53', operation: 'Change', parameters: { c: '````' } }]
      })
    )
    expect(summary).toContain('`````json\n{\n  "c": "````"\n}\n`````')
  })

  it('clips a long gate detail', () => {
    const record = succeededRun({ steps: [step({ gates: [gate('g', 'fail', 'y'.repeat(5000))] })] })
    const row = stepRows(renderSummary(record))[0]
    expect(row).toContain(`(fail): ${'y'.repeat(300)}… (4700 more characters) |`)
  })
})

describe('renderSummary: size bound', () => {
  /** A run as long as a run can get: 10,000 steps, 100,000 events, long messages. */
  function hugeRun(): RunRecord {
    const steps = Array.from({ length: 10_000 }, (_, i) =>
      step({
        index: i,
        fromPercent: (i % 1000) / 10,
        toPercent: ((i + 1) % 1000) / 10,
        startedAt: at(i * 10),
        convergedAt: at(i * 10 + 1),
        finishedAt: at(i * 10 + 9),
        gates: [
          gate('target-health', 'pass', `step ${i}: ${'healthy '.repeat(40)}`),
          gate('alarms', 'pass', 'OK')
        ]
      })
    )
    const events = Array.from({ length: 100_000 }, (_, i) =>
      event('converged', i, (i % 1000) / 10, `event ${i}: ${'é'.repeat(100)}`)
    )
    return succeededRun({ steps, events, finishedAt: at(100_000) })
  }

  it('stays under 1 MiB, cutting the events first and then the steps, keeping both ends', () => {
    const summary = renderSummary(hugeRun())
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES)
    expect(bytes(summary)).toBeLessThan(MIB)

    const eventsOmitted = Number(/\*\*(\d+) events left out\*\*/.exec(summary)![1])
    expect(summary).toContain(
      `| … |  |  |  | **${eventsOmitted} events left out** to keep this summary under GitHub's 1 MiB limit |`
    )
    const stepsOmitted = Number(/\*\*(\d+) steps left out\*\*/.exec(summary)![1])
    expect(summary).toContain(
      `| … | **${stepsOmitted} steps left out** to keep this summary under GitHub's 1 MiB limit |`
    )
    expect(summary).toContain('event 0: ')
    expect(summary).toContain('event 99999: ')

    const rows = stepRows(summary)
    expect(rows[0]).toMatch(/^\| 1 \| /)
    expect(rows[rows.length - 1]).toMatch(/^\| 10000 \| /)
    const shown = rows.filter((row) => !row.startsWith('| … |')).length
    expect(shown + stepsOmitted).toBe(10_000)
    const eventsShown = summary.split('\n').filter((line) => / <code>converged<\/code> /.test(line))
    expect(eventsShown.length + eventsOmitted).toBe(100_000)

    // The sections after the cut lists are still there.
    expect(summary).toContain('### Final state')
    expect(summary).toContain('```mermaid')
    expect(summary.trimEnd().endsWith('</details>')).toBe(true)
  })

  it('cuts only the events when that is enough', () => {
    const record = succeededRun({
      events: Array.from({ length: 20_000 }, (_, i) => event('converged', i, 10, 'x'.repeat(80)))
    })
    const summary = renderSummary(record)
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES)
    expect(summary).toMatch(/\*\*\d+ events left out\*\*/)
    expect(summary).not.toContain('steps left out')
    expect(stepRows(summary)).toHaveLength(2)
  })

  it('bounds many large planned calls', () => {
    const plannedCalls = Array.from({ length: 2000 }, (_, i) => ({
      service: 'ELBv2',
      operation: 'ModifyRule',
      parameters: { n: i, blob: 'z'.repeat(10_000) }
    }))
    const summary = renderSummary(succeededRun({ status: 'planned', plannedCalls }))
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES)
    expect(summary).toMatch(/\*\*… \d+ planned calls left out\*\*/)
    expect(summary).toContain('**1.** ')
    expect(summary).toContain('**2000.** ')
  })
})

describe('renderSummary: warnings', () => {
  it("lists the run's warnings under the headline, escaped", () => {
    const summary = renderSummary(
      succeededRun({
        warnings: [
          'Took over the expired lease of https://github.com/o/r/actions/runs/1/attempts/1',
          'a <b>bold</b> claim'
        ]
      })
    )
    const lines = summary.split('\n')
    const at = lines.indexOf('> **Warnings:**')
    expect(at).toBeGreaterThan(0)
    expect(lines[at + 1]).toBe(
      '> - Took over the expired lease of https://github.com/o/r/actions/runs/1/attempts/1'
    )
    expect(lines[at + 2]).toBe('> - a &#60;b&#62;bold&#60;/b&#62; claim')
    expect(summary.indexOf('**Warnings:**')).toBeLessThan(summary.indexOf('**Run:**'))
  })

  it('shows at most 20 and says how many more the log has', () => {
    const warnings = Array.from({ length: 25 }, (_, i) => `warning ${i + 1}`)
    const summary = renderSummary(succeededRun({ warnings }))
    expect(summary).toContain('> - warning 20\n> - … and 5 more in the log')
    expect(summary).not.toContain('warning 21')
  })

  it('has no warnings section without warnings', () => {
    expect(renderSummary(succeededRun())).not.toContain('Warnings')
  })
})
