import { describe, expect, it } from '@jest/globals'
import { parse, read } from './files.js'
import { marketplaceProblems } from './marketplace.js'

describe('action.yml is ready for the Marketplace', () => {
  it('has a name, a short enough description and branding', () => {
    expect(marketplaceProblems(read('action.yml').doc)).toEqual([])
    expect(read('action.yml').doc.branding).toEqual({ icon: 'shuffle', color: 'blue' })
  })

  it('catches a long description, missing branding and a malformed icon', () => {
    const long = `description: ${'x'.repeat(125)}\nname: n\nbranding:\n  icon: Shuffle Icon\n`
    expect(marketplaceProblems(parse(long))).toEqual([
      'description: 125 characters; the Marketplace takes fewer than 125',
      'branding.color: the Marketplace needs one',
      'branding.icon: Shuffle Icon is not a Feather icon name'
    ])
    expect(marketplaceProblems(parse('runs: {}\n'))).toEqual([
      'name: the Marketplace lists the action under its name',
      'description: the Marketplace needs one',
      'branding.icon: the Marketplace needs one',
      'branding.color: the Marketplace needs one'
    ])
  })
})
