// Spares shelves: disks, PSUs and whole RAID units that remote hands can swap in without a vendor visit.
import type { HwState } from './state.ts'

/** The first shelf at the site holding the part, or undefined. */
export function shelfWith(s: HwState, site: string, part: string): string | undefined {
  for (const sh of s.shelves.values()) if (sh.site === site && (sh.stock[part] ?? 0) > 0) return sh.id
  return undefined
}

/** Takes one part off a shelf at the site; returns the shelf id, or undefined when none has it. */
export function takeSpare(s: HwState, site: string, part: string): string | undefined {
  const id = shelfWith(s, site, part)
  const sh = id === undefined ? undefined : s.shelves.get(id)
  if (sh === undefined) return undefined
  sh.stock[part] = (sh.stock[part] ?? 0) - 1
  return sh.id
}

export function noSpareReason(site: string, part: string): string {
  return `no spare ${part} on a shelf at site ${site}`
}
