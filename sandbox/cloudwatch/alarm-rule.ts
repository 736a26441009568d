/**
 * Composite alarm rules: `ALARM("a") OR (OK(b) AND NOT INSUFFICIENT_DATA("c"))`, TRUE, FALSE,
 * parsed once on PutCompositeAlarm and evaluated whenever an alarm changes state.
 */
import { cloudWatchErrors } from './errors.js'

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

export type RuleExpr =
  | { kind: 'const'; value: boolean }
  | { kind: 'state'; state: AlarmStateValue; alarm: string }
  | { kind: 'not'; operand: RuleExpr }
  | { kind: 'and' | 'or'; left: RuleExpr; right: RuleExpr }

const STATE_FUNCTIONS = new Set(['ALARM', 'OK', 'INSUFFICIENT_DATA'])

function tokenize(text: string): string[] {
  const tokens: string[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (/\s/.test(c)) {
      i += 1
    } else if (c === '(' || c === ')') {
      tokens.push(c)
      i += 1
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1)
      if (end < 0)
        throw cloudWatchErrors.invalidParameterValue(
          'AlarmRule has an unterminated quoted alarm name'
        )
      tokens.push(`"${text.slice(i + 1, end)}`)
      i = end + 1
    } else {
      let j = i
      while (j < text.length && !/[\s()]/.test(text[j])) j += 1
      tokens.push(text.slice(i, j))
      i = j
    }
  }
  return tokens
}

/** An alarm reference may be a name or an ARN; rules are evaluated by name. */
function alarmName(reference: string): string {
  const at = reference.indexOf(':alarm:')
  return at >= 0 ? reference.slice(at + ':alarm:'.length) : reference
}

export function parseAlarmRule(text: string): RuleExpr {
  const tokens = tokenize(text)
  let at = 0
  const fail = (why: string): never => {
    throw cloudWatchErrors.invalidParameterValue(`AlarmRule is not valid: ${why}`)
  }
  const expect = (token: string): void => {
    if (tokens[at] !== token) fail(`expected '${token}' at token ${at + 1}`)
    at += 1
  }
  const primary = (): RuleExpr => {
    const token = tokens[at]
    if (token === undefined) return fail('unexpected end of rule')
    at += 1
    if (token === '(') {
      const inner = or()
      expect(')')
      return inner
    }
    if (token === 'TRUE' || token === 'FALSE') return { kind: 'const', value: token === 'TRUE' }
    if (token === 'NOT') return { kind: 'not', operand: primary() }
    if (STATE_FUNCTIONS.has(token)) {
      expect('(')
      const reference = tokens[at]
      if (reference === undefined || reference === ')')
        return fail(`${token}() needs an alarm name`)
      at += 1
      expect(')')
      const name = alarmName(reference.startsWith('"') ? reference.slice(1) : reference)
      return { kind: 'state', state: token as AlarmStateValue, alarm: name }
    }
    return fail(`unexpected '${token}'`)
  }
  const and = (): RuleExpr => {
    let left = primary()
    while (tokens[at] === 'AND') {
      at += 1
      left = { kind: 'and', left, right: primary() }
    }
    return left
  }
  const or = (): RuleExpr => {
    let left = and()
    while (tokens[at] === 'OR') {
      at += 1
      left = { kind: 'or', left, right: and() }
    }
    return left
  }
  const rule = or()
  if (at !== tokens.length) fail(`unexpected '${tokens[at]}'`)
  return rule
}

export function evaluateRule(rule: RuleExpr, stateOf: (alarm: string) => AlarmStateValue): boolean {
  switch (rule.kind) {
    case 'const':
      return rule.value
    case 'state':
      return stateOf(rule.alarm) === rule.state
    case 'not':
      return !evaluateRule(rule.operand, stateOf)
    case 'and':
      return evaluateRule(rule.left, stateOf) && evaluateRule(rule.right, stateOf)
    case 'or':
      return evaluateRule(rule.left, stateOf) || evaluateRule(rule.right, stateOf)
  }
}

/** The alarms a rule names (its children). */
export function referencedAlarms(rule: RuleExpr): string[] {
  switch (rule.kind) {
    case 'const':
      return []
    case 'state':
      return [rule.alarm]
    case 'not':
      return referencedAlarms(rule.operand)
    default:
      return [...referencedAlarms(rule.left), ...referencedAlarms(rule.right)]
  }
}
