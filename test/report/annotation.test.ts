import { describe, expect, it } from '@jest/globals'
import { renderFailureAnnotation, TITLE_MAX } from '../../src/report/annotation.js'
import { event, gate, rolledBackRun, succeededRun } from './builder.js'

describe('renderFailureAnnotation', () => {
  it.each(['succeeded', 'no-op', 'planned', undefined] as const)(
    'is undefined for %s',
    (status) => {
      expect(renderFailureAnnotation(succeededRun({ status }))).toBeUndefined()
    }
  )

  it('names the failed gate, what it saw and where traffic was rolled back to', () => {
    expect(renderFailureAnnotation(rolledBackRun())).toEqual({
      title: 'Traffic shift rolled back: gate alarms failed at 100% green',
      message:
        'Gate alarms reported: shop-5xx is ALARM\n' +
        'Rolled back to green 0% / blue 100% (blue 999 / green 0).'
    })
  })

  it('says the rollback failed and what AWS looks like now, with the rollback’s error', () => {
    const failure =
      'Gate alarms failed: shop-5xx is ALARM. Rollback to 0% green failed: Throttling: Rate ' +
      'exceeded; AWS now shows blue 0 / green 999'
    const record = rolledBackRun({
      status: 'failed',
      failure,
      finalPercent: 100,
      finalNative: 'blue 0 / green 999',
      events: [
        ...rolledBackRun().events.slice(0, 8),
        event('rollback-failed', 170, 100, failure),
        event('done', 171, 100)
      ]
    })
    expect(renderFailureAnnotation(record)).toEqual({
      title: 'Traffic shift failed: gate alarms failed at 100% green',
      message:
        'Gate alarms reported: shop-5xx is ALARM\n' +
        'Tried to roll back to green 0% / blue 100%, but the rollback failed. ' +
        'AWS now shows green 100% / blue 0% (blue 0 / green 999).\n' +
        `Details: ${failure}`
    })
  })

  it('says when the live state could not be read after a failed rollback', () => {
    const record = rolledBackRun({
      status: 'failed',
      finalPercent: undefined,
      finalNative: undefined,
      events: [...rolledBackRun().events.slice(0, 8), event('rollback-failed', 170, undefined, 'x')]
    })
    expect(renderFailureAnnotation(record)?.message.split('\n')[1]).toBe(
      'Tried to roll back to green 0% / blue 100%, but the rollback failed. ' +
        'AWS now shows a state that could not be read.'
    )
  })

  it('stops on an out-of-band change without overwriting it', () => {
    const message =
      'The traffic split was changed outside this run: expected blue 900 / green 100, found ' +
      'blue 500 / green 500. Stopping without overwriting it.'
    const record = succeededRun({
      status: 'failed',
      failure: message,
      finalPercent: 50,
      finalNative: 'blue 500 / green 500',
      events: [
        event('planned', 1, 0),
        event('shift', 5, 10),
        event('converged', 8, 10),
        event('out-of-band', 130, undefined, message),
        event('done', 131, 50)
      ]
    })
    expect(renderFailureAnnotation(record)).toEqual({
      title: 'Traffic shift failed: traffic was changed outside this run at 10% green',
      message: `${message}\nStopped without overwriting the outside change. AWS now shows green 50% / blue 50% (blue 500 / green 500).`
    })
  })

  it('names the gate that failed before any step through failedGate, with nothing moved', () => {
    const record = succeededRun({
      status: 'failed',
      steps: [],
      failure: 'Gate target-health failed: before the first shift: 0/4 healthy',
      failedGate: gate('target-health', 'fail', 'before the first shift: 0/4 healthy'),
      finalPercent: 0,
      finalNative: 'blue 999 / green 0',
      events: [
        event('planned', 1, 0),
        event('gate-failed', 30, undefined, 'Gate target-health failed: before the first shift'),
        event('done', 31, 0)
      ]
    })
    expect(renderFailureAnnotation(record)).toEqual({
      title: 'Traffic shift failed: gate target-health failed at 0% green',
      message:
        'Gate target-health reported: before the first shift: 0/4 healthy\n' +
        'No traffic had moved, so there was nothing to roll back. ' +
        'AWS shows green 0% / blue 100% (blue 999 / green 0).'
    })
  })

  it('names an error by its message, clipped to one short line', () => {
    const error = `AccessDenied: not authorized to perform elasticloadbalancing:ModifyListener\non ${'x'.repeat(200)}`
    const record = succeededRun({
      status: 'failed',
      steps: [],
      failure: error,
      finalPercent: undefined,
      finalNative: undefined,
      events: [event('error', 1, undefined, error)]
    })
    const annotation = renderFailureAnnotation(record)!
    expect(annotation.title).toBe(
      'Traffic shift failed: error: AccessDenied: not authorized to perform ' +
        'elasticloadbalancing:ModifyListener on…'
    )
    expect(annotation.title).not.toContain('\n')
    expect(annotation.message).toBe(
      `${error.replace('\n', ' ')}\nNo traffic had moved, so there was nothing to roll back. ` +
        'AWS shows a state that could not be read.'
    )
  })

  it('names resources in the title by their short names and cuts it between words', () => {
    const tg =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-green/73e2d6bc24d8a067'
    const error = `DescribeTargetHealth on ${tg} failed: Throttling: Rate exceeded while the run waited for ${'many '.repeat(30)}things`
    const record = succeededRun({
      status: 'failed',
      steps: [],
      failure: error,
      events: [event('error', 1, undefined, error)]
    })
    const { title, message } = renderFailureAnnotation(record)!
    expect(title).toBe(
      'Traffic shift failed: error: DescribeTargetHealth on shop-green failed: Throttling: ' +
        'Rate exceeded while the run waited for many…'
    )
    expect(title.length).toBeLessThanOrEqual(TITLE_MAX)
    // The message keeps the ARN whole.
    expect(message).toContain(tg)
  })

  it('keeps the whole title within GitHub’s limit however long the parts', () => {
    const record = succeededRun({
      status: 'failed',
      steps: [],
      failure: undefined,
      events: [event('error', 1, undefined, 'word '.repeat(500))]
    })
    const title = renderFailureAnnotation(record)!.title
    expect(title.length).toBeLessThanOrEqual(TITLE_MAX)
    expect(title.endsWith('word…')).toBe(true)
  })

  it('says a cancelled run was rolled back', () => {
    const record = rolledBackRun({
      failure: 'the run was cancelled',
      events: [
        ...rolledBackRun().events.slice(0, 5),
        event('cancelled', 60, undefined, 'the run was cancelled'),
        event('rollback', 61, 0),
        event('done', 62, 0)
      ],
      steps: [rolledBackRun().steps[0]]
    })
    // The first step's gates all passed: no gate is blamed.
    expect(renderFailureAnnotation(record)).toEqual({
      title: 'Traffic shift rolled back: the run was cancelled at 10% green',
      message: 'the run was cancelled\nRolled back to green 0% / blue 100% (blue 999 / green 0).'
    })
  })
})
