// The command palette's list: every action on every target (actions.targets, the one action model), matched
// by words in any order ("trip nyi-1-a", "promote imap2"), the runnable ones first.
import type { ActionInfo } from '@contract/status'

export interface PaletteEntry {
  target: string
  action: ActionInfo
  /** what the person reads and types against */
  text: string
}

export function paletteEntries(targets: ReadonlyArray<{ target: string; actions: ActionInfo[] }>): PaletteEntry[] {
  return targets.flatMap((t) => t.actions.map((a) => ({ target: t.target, action: a, text: `${a.label} ${a.id} ${t.target}`.toLowerCase() })))
}

/** every word of the query appears somewhere (plain substrings: no pattern syntax); at most `limit` entries */
export function matchEntries(entries: readonly PaletteEntry[], query: string, limit = 50): PaletteEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  const hits = entries.filter((e) => words.every((w) => e.text.includes(w)))
  return hits.sort((a, b) => Number(b.action.enabled) - Number(a.action.enabled)).slice(0, limit)
}

/** the args an action runs with from the palette: each required param's first choice, as the panels default */
export function defaultArgs(a: ActionInfo): Record<string, string> | undefined {
  const args = Object.fromEntries((a.params ?? []).filter((p) => !p.optional && p.choices[0] !== undefined).map((p) => [p.id, p.choices[0]!]))
  return Object.keys(args).length ? args : undefined
}
