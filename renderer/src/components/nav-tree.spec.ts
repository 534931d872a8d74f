// Issue 14 item 8: the rack tree is an ARIA tree (sites → racks → units, levels, expanded, selected) and walks
// by keyboard: ↑/↓, Home/End, ← to the parent row; a folded site hides its rows from the walk.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useSelectionStore } from '../stores/selection'
import { labStatus, server } from '../testing/fixtures'
import { settle } from '../testing/flush'
import { hardwareFor } from '../testing/hardware-fixture'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import { nyiTopology } from '../testing/nyi-topology'
import App from './App.vue'

let mounted: Mounted | null = null
beforeEach(() => localStorage.clear())
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

const topology = nyiTopology()
const key = (el: Element, k: string): void => void el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }))

describe('rack tree', () => {
  it('is an ARIA tree of sites, racks and units, walked by arrow keys, Home/End and ← to the parent', { timeout: 30_000 }, async () => {
    const status = labStatus([server('db1', { role: 'db' }), server('db2', { role: 'db', rack: 'nyi-2' })], { topology: 'nyi-2007', hardware: hardwareFor(topology) })
    const c = labClient(status, topology)
    c.answer('alerts.list', () => ({ running: true, alerts: [] }))
    mounted = mountWith(App, c)
    await settle()
    const m = mounted
    const tree = m.$('#rack-view')!
    expect(tree.getAttribute('role')).toBe('tree')
    const rows = (): HTMLElement[] => [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')]
    const levels = new Set(rows().map((r) => r.getAttribute('aria-level')))
    expect([...levels].sort()).toEqual(['1', '2', '3'])
    // every treeitem's rows hang in a group
    for (const r of rows().filter((x) => x.getAttribute('aria-level') !== '1')) expect(r.parentElement?.closest('[role="group"]'), r.outerHTML.slice(0, 80)).not.toBeNull()

    const db1 = m.$('[data-server="db1"]') as HTMLElement
    expect(db1.getAttribute('role')).toBe('treeitem')
    expect(db1.getAttribute('aria-selected')).toBe('false')
    db1.focus()
    key(db1, 'ArrowDown')
    const next = rows()[rows().indexOf(db1) + 1]!
    expect(document.activeElement).toBe(next)
    key(next, 'ArrowUp')
    expect(document.activeElement).toBe(db1)
    key(db1, 'ArrowLeft')
    expect(document.activeElement).toBe(db1.closest('[role="treeitem"][aria-level="2"]'))
    key(document.activeElement!, 'ArrowLeft')
    const site = document.activeElement as HTMLElement
    expect(site.getAttribute('aria-level')).toBe('1')
    expect(site.getAttribute('aria-expanded')).toBe('true')
    key(site, 'End')
    expect(document.activeElement).toBe(rows().at(-1))
    key(document.activeElement!, 'Home')
    expect(document.activeElement).toBe(rows()[0])

    // Enter on a row selects it everywhere; the row says so
    db1.focus()
    key(db1, 'Enter')
    await settle()
    expect(useSelectionStore().selected).toEqual({ kind: 'unit', id: 'db1' })
    expect(db1.getAttribute('aria-selected')).toBe('true')

    // folding a site takes its rows out of the walk and says so
    const details = site.parentElement as HTMLDetailsElement
    details.open = false
    details.dispatchEvent(new Event('toggle'))
    await settle()
    expect(site.getAttribute('aria-expanded')).toBe('false')
    site.focus()
    key(site, 'ArrowDown')
    const after = document.activeElement as HTMLElement
    expect(after.getAttribute('aria-level')).toBe('1') // the next site, not a row of the folded one
    expect(after).not.toBe(site)
  })
})
