// What the GitHub Marketplace asks of an action's metadata before it lists a release: checked
// here because the Marketplace validates action.yml only at the release tag, when it is too late
// to fix the release without a new one.
import type { Yaml } from './files.js'

/** The Marketplace refuses a description of this many characters or more. */
export const MAX_DESCRIPTION = 125

export function marketplaceProblems(doc: Yaml): string[] {
  const problems: string[] = []
  const name = typeof doc.name === 'string' ? doc.name.trim() : ''
  if (!name) problems.push('name: the Marketplace lists the action under its name')
  const description = typeof doc.description === 'string' ? doc.description.trim() : ''
  if (!description) problems.push('description: the Marketplace needs one')
  else if (description.length >= MAX_DESCRIPTION) {
    problems.push(
      `description: ${description.length} characters; the Marketplace takes fewer than ${MAX_DESCRIPTION}`
    )
  }
  const branding = (doc.branding ?? {}) as Record<string, unknown>
  for (const key of ['icon', 'color']) {
    if (typeof branding[key] !== 'string' || !branding[key]) {
      problems.push(`branding.${key}: the Marketplace needs one`)
    }
  }
  // Feather icon names are lower-case words joined by hyphens (arrow-up-right, bar-chart-2).
  if (typeof branding.icon === 'string' && !/^[a-z]+(?:-[a-z0-9]+)*$/.test(branding.icon)) {
    problems.push(`branding.icon: ${branding.icon} is not a Feather icon name`)
  }
  return problems
}
