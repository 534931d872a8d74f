// Issue 14 item 1: selecting a journal line's target selects it everywhere, as the tree, the views and alerts do.
import { afterEach, describe, expect, it } from 'vitest'
import type { JournalEntry } from '@contract/status'
import { nextTick } from 'vue'
import { useSelectionStore } from '../stores/selection'
import { labStatus, server } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import { nyiTopology } from '../testing/nyi-topology'
import JournalTimeline from './JournalTimeline.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

const entry = (seq: number, target: string, text: string): JournalEntry => ({ seq, at: '2026-11-30T23:00:00Z', labMs: seq * 1000, kind: 'action', target, text })

describe('journal line → selection', () => {
  it("a line's target selects its unit or circuit", async () => {
    const topology = nyiTopology()
    const c = labClient(labStatus([server('db1', { role: 'db' }), server('db2', { role: 'db', rack: 'nyi-2' })], { topology: 'nyi-2007' }), topology)
    c.answer('journal.list', () => [entry(1, 'cable:db2/int', 'unplugged'), entry(2, 'circuit:nyi-1-a', 'tripped')])
    mounted = mountWith(JournalTimeline, c)
    for (let i = 0; i < 3; i++) {
      await flush()
      await nextTick()
    }
    const selection = useSelectionStore()
    const target = (seq: number): HTMLButtonElement => mounted!.$(`[data-seq="${seq}"] .entry-target`) as HTMLButtonElement
    expect(target(1).tagName).toBe('BUTTON') // reachable by keyboard
    target(1).click()
    expect(selection.selected).toEqual({ kind: 'unit', id: 'db2' })
    target(2).click()
    expect(selection.selected).toMatchObject({ kind: 'circuit', id: 'nyi-1-a' })
  })
})
