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

const CANARY = /^(?:CodeDeployDefault\.)?(?:ECS|Lambda)?Canary(\d{1,2})Percent(\d{1,3})Minutes?$/
const LINEAR =
  /^(?:CodeDeployDefault\.)?(?:ECS|Lambda)?Linear(\d{1,2})PercentEvery(\d{1,3})Minutes?$/
const ALL_AT_ONCE = /^(?:CodeDeployDefault\.)?(?:ECS|Lambda)?AllAtOnce$|^all-at-once$/i
const EVERY = /^every\s+(\d{1,2}(?:\.\d)?)%?$/i

export function parseSchedule(input: string, raw: string): Schedule {
  const text = raw.trim()
  let match: RegExpExecArray | null
  if (ALL_AT_ONCE.test(text)) return { source: text, points: [Split.GREEN] }
  if ((match = CANARY.exec(text))) {
    const percent = percentOf(input, raw, match[1])
    return { source: text, points: [percent, Split.GREEN], bakeMs: minutes(input, raw, match[2]) }
  }
  if ((match = LINEAR.exec(text))) {
    const every = percentOf(input, raw, match[1])
    return { source: text, points: linear(every), bakeMs: minutes(input, raw, match[2]) }
  }
  if ((match = EVERY.exec(text))) {
    return { source: text, points: linear(percentOf(input, raw, match[1])) }
  }
  return { source: text, points: explicitList(input, raw) }
}

function explicitList(input: string, raw: string): Split[] {
  const items = raw.split(/[,\s]+/).filter((item) => item !== '')
  if (items.length === 0) throw new InputError(input, raw, ACCEPTED)
  const points = items.map((item) => {
    try {
      return parsePercent(input, item)
    } catch {
      throw new InputError(input, raw, ACCEPTED)
    }
  })
  points.forEach((point, i) => {
    if (point.permille === 0 || (i > 0 && point.permille <= points[i - 1].permille)) {
      throw new InputError(input, raw, `${ACCEPTED}; each percent above 0 and above the one before`)
    }
  })
  return points
}

function percentOf(input: string, raw: string, text: string): Split {
  const value = Number(text)
  if (!(value > 0 && value < 100)) throw new InputError(input, raw, ACCEPTED)
  return Split.ofPercent(value)
}

function minutes(input: string, raw: string, text: string): number {
  const value = Number(text)
  if (!(value >= 1 && value <= 360)) throw new InputError(input, raw, ACCEPTED)
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
