/**
 * What the gates measured in a step, gathered from its verdicts' observations (whichever gate
 * gave each figure), so the canary table and the chart read numbers, never the details' words.
 */
import type { Evidence, GateObservation, SideFigures, StepRecord } from '../record.js'

export interface StepFigures {
  /** Green's observed share of requests (0 to 1), and the minutes it was observed over. */
  share?: { value: number; window: { start: number; end: number } }
  /** Both sides' figures and the minutes they cover. */
  sides?: { green: SideFigures; blue: SideFigures; window?: { start: number; end: number } }
  evidence: Evidence[]
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)

function validWindow(window: GateObservation['window']): window is { start: number; end: number } {
  return window !== undefined && isNumber(window.start) && isNumber(window.end)
}

/** The step's figures; undefined when no gate observed anything in it. */
export function stepFigures(step: StepRecord): StepFigures | undefined {
  const observations = step.gates.flatMap((check) => (check.observation ? [check.observation] : []))
  if (observations.length === 0) return undefined
  const figures: StepFigures = { evidence: [] }
  for (const observation of observations) {
    const { greenShare, green, blue, window, evidence } = observation
    if (!figures.share && isNumber(greenShare) && validWindow(window)) {
      figures.share = { value: greenShare, window }
    }
    if (!figures.sides && green && blue) {
      figures.sides = { green, blue, ...(validWindow(window) ? { window } : {}) }
    }
    figures.evidence.push(...(evidence ?? []))
  }
  return figures
}
