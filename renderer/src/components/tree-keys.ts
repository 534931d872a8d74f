// Arrow keys in the rack tree (WAI-ARIA tree pattern): ↑/↓ to the previous/next visible row, Home/End to the
// first/last, ← to the row's parent (unit → rack → site). Rows inside a closed site are not visible. Keys typed
// in a row's own buttons are theirs, not the tree's.

const visible = (el: HTMLElement): boolean => !el.parentElement?.closest('details:not([open]) > [role="group"]')

/** the row a row hangs under: the treeitem its group is in (a rack), or the one beside its group (a site's summary) */
function parentRow(row: HTMLElement): HTMLElement | null {
  const owner = row.parentElement?.closest<HTMLElement>('[role="group"]')?.parentElement
  if (!owner) return null
  return owner.getAttribute('role') === 'treeitem' ? owner : owner.querySelector<HTMLElement>(':scope > [role="treeitem"]')
}

export function treeKeys(e: KeyboardEvent): void {
  const tree = e.currentTarget as HTMLElement
  const here = e.target as HTMLElement
  if (here.getAttribute('role') !== 'treeitem') return
  const rows = [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')].filter(visible)
  const i = rows.indexOf(here)
  let to: HTMLElement | null | undefined
  if (e.key === 'ArrowDown') to = rows[i + 1]
  else if (e.key === 'ArrowUp') to = rows[i - 1]
  else if (e.key === 'Home') to = rows[0]
  else if (e.key === 'End') to = rows[rows.length - 1]
  else if (e.key === 'ArrowLeft') to = parentRow(here)
  else return
  e.preventDefault()
  to?.focus()
}
