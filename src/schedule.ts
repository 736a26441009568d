import { InputError } from './errors.js'
import { parsePercent, Split } from './split.js'

/** The waypoints a shift passes through, ascending toward 100 % green. */
export interface Schedule {
  /** The text the user gave, for the report. */
  source: string
  points: Split[]
  /** The wait a CodeDeploy-style preset carries (e.g. Canary10Percent5Minutes), if any. */
  bakeMs?: number
}

const ACCEPTED =
  'an ascending list of percents (10,25,50,100), "every N" (a linear step of N %), ' +
  '"all-at-once", or a CodeDeploy preset such as Canary10Percent5Minutes, ' +
  'Linear10PercentEvery1Minute or AllAtOnce'

// The numbers are matched loosely so that one out of range gets a message naming its range.
const CANARY = /^(?:CodeDeployDefault\.)?(?:ECS|Lambda)?Canary(\d+)Percent(\d+)Minutes?$/
const LINEAR = /^(?:CodeDeployDefault\.)?(?:ECS|Lambda)?Linear(\d+)PercentEvery(\d+)Minutes?$/
const ALL_AT_ONCE = /^(?:CodeDeployDefault\.)?(?:ECS|Lambda)?AllAtOnce$|^all-at-once$/i
const EVERY = /^every\s+(\d+(?:\.\d+)?)%?$/i

/** A preset's minutes: the wait at each step, within bake-time's own 6h maximum. */
const MAX_PRESET_MINUTES = 360

export function parseSchedule(input: string, raw: string): Schedule {
  const text = raw.trim()
  let match: RegExpExecArray | null
  if (ALL_AT_ONCE.test(text)) return { source: text, points: [Split.GREEN] }
  if ((match = CANARY.exec(text))) {
    const percent = presetPercent(
      input,
      raw,
      match[1],
      'the canary percent N in CanaryNPercentMMinutes'
    )
    return { source: text, points: [percent, Split.GREEN], bakeMs: minutes(input, raw, match[2]) }
  }
  if ((match = LINEAR.exec(text))) {
    const every = presetPercent(input, raw, match[1], 'the step N in LinearNPercentEveryMMinutes')
    return { source: text, points: linear(every), bakeMs: minutes(input, raw, match[2]) }
  }
  if ((match = EVERY.exec(text))) {
    const every = stepPercent(input, raw, match[1])
    return { source: text, points: linear(every) }
  }
  return { source: text, points: explicitList(input, raw) }
}

/** What went wrong first, then every form the schedule takes. */
function refuse(input: string, raw: string, problem: string): InputError {
  return new InputError(input, raw, `${problem}; the schedule is ${ACCEPTED}`)
}

function explicitList(input: string, raw: string): Split[] {
  const each = 'each percent from 0.1 to 100 with at most one decimal, above the one before'
  const items = raw.split(/[,\s]+/).filter((item) => item !== '')
  if (items.length === 0) throw refuse(input, raw, `at least one percent (${each})`)
  const points = items.map((item) => {
    try {
      return parsePercent(input, item)
    } catch {
      throw refuse(input, raw, `${JSON.stringify(item)} is not a percent (${each})`)
    }
  })
  points.forEach((point, i) => {
    const previous = i === 0 ? Split.BLUE : points[i - 1]
    if (point.permille <= previous.permille) {
      throw refuse(input, raw, `${point.percent} is not above ${previous.percent} (${each})`)
    }
  })
  return points
}

/** A preset's percent: a whole number from 1 to 99. */
function presetPercent(input: string, raw: string, text: string, what: string): Split {
  const value = Number(text)
  if (!(value >= 1 && value <= 99)) {
    throw refuse(input, raw, `${what} must be a whole number from 1 to 99, not ${text}`)
  }
  return Split.ofPercent(value)
}

/** "every N": N above 0 and below 100, on ALB's 0.1 % grid. */
function stepPercent(input: string, raw: string, text: string): Split {
  const problem = `"every N" takes N from 0.1 to 99.9 with at most one decimal, not ${text}`
  let split: Split
  try {
    split = parsePercent(input, text)
  } catch {
    throw refuse(input, raw, problem)
  }
  if (split.permille === 0 || split.permille === 1000) throw refuse(input, raw, problem)
  return split
}

function minutes(input: string, raw: string, text: string): number {
  const value = Number(text)
  if (!(value >= 1 && value <= MAX_PRESET_MINUTES)) {
    throw refuse(
      input,
      raw,
      `a preset's minutes M must be from 1 to ${MAX_PRESET_MINUTES} (6h, as bake-time), not ${text}`
    )
  }
  return value * 60_000
}
function linear(every: Split): Split[] {
  const points: Split[] = []
  for (let permille = every.permille; permille < 1000; permille += every.permille) {
    points.push(Split.ofPercent(permille / 10))
  }
  points.push(Split.GREEN)
  return points
}
