import { code, escapeAttribute, escapeCell, escapeText } from './escape.js'
import { formatDuration, formatPct, formatTimestamp } from './format.js'
import type { ShortNames } from './names.js'
import type { RunRecord } from '../record.js'

const SHORT = 200
const TARGET = 500
const RESOURCES = 50

/** Who ran what where: repository, commit, actor, run, target, what was asked, times. */
export function contextSection(record: RunRecord, names: ShortNames): string {
  const { context } = record
  const origin = webOrigin(context.runUrl)
  const items: string[] = []
  if (context.repository !== undefined) {
    const repoUrl =
      origin && /^[\w.-]+\/[\w.-]+$/.test(context.repository)
        ? `${origin}/${context.repository}`
        : undefined
    items.push(`**Repository:** ${link(repoUrl, escapeText(context.repository, SHORT))}`)
    if (context.sha !== undefined) {
      const commitUrl =
        repoUrl && /^[0-9a-f]{7,64}$/i.test(context.sha)
          ? `${repoUrl}/commit/${context.sha}`
          : undefined
      items.push(`**Commit:** ${link(commitUrl, code(context.sha.slice(0, 12), SHORT))}`)
    }
  } else if (context.sha !== undefined) {
    items.push(`**Commit:** ${code(context.sha.slice(0, 12), SHORT)}`)
  }
  if (context.actor !== undefined) items.push(`**Actor:** ${escapeText(context.actor, SHORT)}`)
  const workflow = [context.workflow, context.job]
    .filter((part): part is string => part !== undefined)
    .map((part) => escapeText(part, SHORT))
    .join(' › ')
  if (context.runUrl !== undefined) {
    const runUrl = origin ? context.runUrl : undefined
    const text = workflow || escapeText(context.runUrl, SHORT)
    items.push(`**Run:** ${link(runUrl, text)}`)
  } else if (workflow) {
    items.push(`**Workflow:** ${workflow}`)
  }
  const short = names.of(record.target)
  const full = short === record.target ? '' : ` ${code(record.target, TARGET)}`
  items.push(
    `**Target:** <b>${escapeText(short, SHORT)}</b>${full} (mode ${code(record.mode, SHORT)})`
  )
  items.push(`**Requested:** ${escapeText(requested(record), TARGET)}`)
  const times = [`**Started:** ${formatTimestamp(record.startedAt)}`]
  if (record.finishedAt !== undefined) {
    times.push(`**Finished:** ${formatTimestamp(record.finishedAt)}`)
    times.push(`**Duration:** ${formatDuration(record.finishedAt - record.startedAt)}`)
  }
  items.push(times.join(' · '))
  return items.map((item) => `- ${item}`).join('\n')
}

/**
 * What the run was asked, in words: the direction, the path from the live split through the
 * waypoints it passes, and what a failure does. A manual rollback reads "Rollback to blue:
 * green 100% → 0%".
 */
export function requested(record: RunRecord): string {
  const to = record.requestedPercent
  const from = record.startPercent
  const dry = record.dryRun ? ' (dry run)' : ''
  if (from === undefined) return `Green to ${formatPct(to)} (the live split was never read)${dry}`
  if (to === from) return `Green at ${formatPct(to)}, where it already was${dry}`
  const up = to > from
  const lead = up
    ? to === 100
      ? 'Shift to green'
      : 'Toward green'
    : to === 0
      ? 'Rollback to blue'
      : 'Toward blue'
  const path = [from, ...waypointsBetween(record.schedule, from, to), to].map(formatPct)
  return `${lead}: green ${path.join(' → ')}${onFailure(record, up, from)}${dry}`
}

/** The schedule's waypoints strictly between the two splits, in the order the run passes them. */
function waypointsBetween(schedule: number[], from: number, to: number): number[] {
  const low = Math.min(from, to)
  const high = Math.max(from, to)
  const between = schedule.filter((percent) => percent > low && percent < high)
  return to > from ? between : between.reverse()
}

/** Where a failure takes traffic. A rollback never moves traffic toward green (rollback.ts). */
function onFailure(record: RunRecord, up: boolean, from: number): string {
  const back = record.rollbackPercent
  if (up) return back === undefined ? '' : `; on failure, back to ${formatPct(back)}`
  if (back === undefined || back >= from) {
    return '; a failure leaves traffic where it stopped'
  }
  return `; on failure, down to ${formatPct(back)} if still above it`
}

/** The full ARN behind each short name the summary uses (the target's is on its own line). */
export function resourcesSection(names: ShortNames, target: string): string {
  const entries = names.entries().filter(([resource]) => resource !== target)
  if (entries.length === 0) return ''
  const rows = entries
    .slice(0, RESOURCES)
    .map(([resource, name]) => `| ${escapeCell(name, SHORT)} | ${code(resource, TARGET)} |`)
  if (entries.length > RESOURCES) rows.push(`| … | ${entries.length - RESOURCES} more |`)
  return [
    '<details>',
    `<summary>Resources (${entries.length})</summary>`,
    '',
    '| Name | ARN |',
    '|---|---|',
    ...rows,
    '',
    '</details>'
  ].join('\n')
}

/** The scheme and host of the run's own URL, so links to the repository work on GHES too. */
function webOrigin(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined
  } catch {
    return undefined
  }
}

function link(href: string | undefined, html: string): string {
  return href === undefined ? html : `<a href="${escapeAttribute(href)}">${html}</a>`
}
