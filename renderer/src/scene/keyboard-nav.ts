// Moving a keyboard cursor over the units: up/down within a rack (top to bottom as it is read), left/right to the
// unit at about the same height in the neighbouring rack. Pure, over the layout's numbers.
import type { SiteLayout } from './layout'

export type NavKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End'
export const NAV_KEYS: readonly string[] = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End']

interface Column {
  rackId: string
  /** unit ids, top first, with their centre heights */
  units: Array<{ id: string; y: number }>
}

function columns(layout: SiteLayout): Column[] {
  return layout.racks
    .map((r) => ({
      rackId: r.id,
      units: layout.units
        .filter((u) => u.rackId === r.id)
        .map((u) => ({ id: u.id, y: u.y + u.height / 2 }))
        .sort((a, b) => b.y - a.y),
    }))
    .filter((c) => c.units.length > 0)
}

/** The unit the cursor moves to; from nowhere, the top unit of the first rack. */
export function navigate(layout: SiteLayout, from: string | null, key: NavKey): string | null {
  const cols = columns(layout)
  if (!cols.length) return null
  const ci = from === null ? -1 : cols.findIndex((c) => c.units.some((u) => u.id === from))
  if (ci < 0) return cols[0]!.units[0]!.id
  const col = cols[ci]!
  const ui = col.units.findIndex((u) => u.id === from)
  const here = col.units[ui]!
  switch (key) {
    case 'ArrowUp':
      return col.units[Math.max(0, ui - 1)]!.id
    case 'ArrowDown':
      return col.units[Math.min(col.units.length - 1, ui + 1)]!.id
    case 'Home':
      return col.units[0]!.id
    case 'End':
      return col.units.at(-1)!.id
    case 'ArrowLeft':
    case 'ArrowRight': {
      const next = cols[ci + (key === 'ArrowLeft' ? -1 : 1)]
      if (!next) return here.id
      return next.units.reduce((best, u) => (Math.abs(u.y - here.y) < Math.abs(best.y - here.y) ? u : best)).id
    }
  }
}
