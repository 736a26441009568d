import { describe, expect, it } from '@jest/globals'
import { neutraliseCommands } from '../src/log-safety.js'
import { workflowCommandsIn } from './helpers/workflow-commands.js'

describe('neutraliseCommands', () => {
  it('leaves the action’s own kind of text as it is', () => {
    const text = 'Step 2/4: green 10% (blue 90%) at 12:30:05; check: 3/3 healthy'
    expect(neutraliseCommands(text)).toBe(text)
    expect(neutraliseCommands('tab\tand ::colons:: mid-line')).toBe('tab\tand ::colons:: mid-line')
  })

  it.each([
    '::set-output name=status::succeeded',
    '   \t::error title=x::forged',
    '\u00A0\u3000::stop-commands::pwn',
    '\u0085::add-mask::x',
    '\u000B::add-mask::x',
    'x\r::add-mask::x',
    'x\r\n::add-mask::x',
    '\u2028::add-mask::x',
    'anywhere ##[add-mask]x',
    '###[set-output name=a]b',
    ':::set-output name=a::b',
    '##[group]forged'
  ])('%j issues no command once neutralised', (text) => {
    expect(workflowCommandsIn(text).length).toBeGreaterThan(0)
    expect(workflowCommandsIn(neutraliseCommands(text))).toEqual([])
  })

  it('shows control characters, so an ANSI escape cannot repaint or hide log text', () => {
    expect(neutraliseCommands('red \u001b[31mALARM\u001b[0m\u0000')).toBe(
      'red \\u001B[31mALARM\\u001B[0m\\u0000'
    )
  })

  it('reads the same once the zero-width spaces are taken out, every break as LF', () => {
    const text = ' ::a::b\r\n##[c]d\re'
    expect(neutraliseCommands(text).replace(/\u200B/g, '')).toBe(' ::a::b\n##[c]d\ne')
  })
})
