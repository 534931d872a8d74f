import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JournalEntry } from '@contract/status'
import { ClientError } from '../client/client-error'
import { labStatus } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import JournalTimeline from './JournalTimeline.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.restoreAllMocks()
})

const entry = (seq: number, text: string): JournalEntry => ({ seq, at: '2026-11-30T23:00:00Z', labMs: seq * 1000, kind: 'action', target: 'cable:db2/int', text })
const YAML = '# racklab journal export --since 7 --until 9 --as scenario\nname: incident-7-9\nsteps:\n  - act: cable:db2/int unplug\n'

const readBlob = (b: Blob): Promise<string> =>
  new Promise((resolve) => {
    const r = new FileReader() // jsdom's Blob has no text()
    r.onload = () => resolve(String(r.result))
    r.readAsText(b)
  })

const click = (sel: string): void => (mounted!.$(sel) as HTMLButtonElement).click()

describe('Record / Stop recording in the journal dock', () => {
  it('records after the newest entry and offers the engine-made scenario to save', async () => {
    const blobs: Blob[] = []
    URL.createObjectURL = vi.fn((b: Blob) => (blobs.push(b), `blob:rec-${blobs.length}`))
    URL.revokeObjectURL = vi.fn()
    const c = labClient(labStatus([]))
    c.answer('journal.list', () => [entry(6, 'plugged'), entry(7, 'earlier')])
    c.answer('journal.export', () => ({ yaml: YAML, name: 'incident-7-9', actions: 2, until: 9 }))
    mounted = mountWith(JournalTimeline, c)
    await flush()
    expect(mounted.$('[data-testid="stop-recording"]')).toBeNull()

    click('[data-testid="record"]')
    await flush()
    expect(mounted.$('[data-testid="recording"]')?.textContent).toContain('after entry 7')
    // what happens meanwhile reaches the journal; the export itself is the engine's
    c.emit('journal.appended', entry(8, 'unplug'))
    c.emit('journal.appended', entry(9, 'run-hot'))
    click('[data-testid="stop-recording"]')
    await flush()
    await flush()
    expect(c.callsOf('journal.export')).toEqual([{ since: 7 }])
    expect(mounted.$('[data-testid="recording"]')).toBeNull()
    expect(mounted.$('[data-testid="recorded"]')?.textContent).toContain('2 actions recorded (entries 8–9)')
    const save = mounted.$('[data-testid="save-scenario"]') as HTMLAnchorElement
    expect(save.getAttribute('download')).toBe('incident-7-9.yaml')
    expect(save.getAttribute('href')).toBe('blob:rec-1')
    expect(await readBlob(blobs[0]!)).toBe(YAML)
    expect(mounted.$('[data-testid="recorded-yaml"]')?.textContent).toBe(YAML)

    // dismissing it lets go of the download
    click('[data-testid="discard-recording"]')
    await flush()
    expect(mounted.$('[data-testid="recorded"]')).toBeNull()
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:rec-1')
  })

  it('says why when nothing can be made of the stretch, and can record again', async () => {
    const c = labClient(labStatus([]))
    c.answer('journal.export', () => Promise.reject(new ClientError('BAD_INPUT', 'nothing to export: no action succeeded after journal entry 0')))
    mounted = mountWith(JournalTimeline, c)
    await flush()
    click('[data-testid="record"]')
    await flush()
    expect(mounted.$('[data-testid="recording"]')?.textContent).toContain('after entry 0')
    click('[data-testid="stop-recording"]')
    await flush()
    await flush()
    expect(mounted.$('[data-testid="record-error"]')?.textContent).toContain('BAD_INPUT: nothing to export: no action succeeded after journal entry 0')
    expect(mounted.$('[data-testid="recorded"]')).toBeNull()
    expect(mounted.$('[data-testid="record"]')).not.toBeNull()
  })
})
