import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import type { ActionInfo } from '@contract/status'
import { useSelectionStore } from '../stores/selection'
import { labStatus, server } from '../testing/fixtures'
import { settle } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import App from './App.vue'
import { defaultArgs, matchEntries, paletteEntries } from './palette-entries'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

const act = (id: string, label: string, kind: ActionInfo['kind'], enabled = true, reason?: string): ActionInfo => ({ id, label, kind, enabled, ...(reason ? { reason } : {}) })
const targets = [
  { target: 'circuit:nyi-1-a', actions: [act('trip', 'Trip breaker', 'break'), act('reset', 'Reset breaker', 'restore', false, 'the breaker is closed')] },
  { target: 'server:imap2', actions: [act('promote', 'Promote to master', 'operate')] },
  { target: 'cable:db2/int', actions: [act('plug', 'Plug in', 'restore', false, 'it is plugged in'), act('unplug', 'Unplug', 'break')] },
]

describe('palette entries', () => {
  it('matches every word in any order, runnable first, plain text only', () => {
    const all = paletteEntries(targets)
    expect(matchEntries(all, 'trip nyi-1-a').map((e) => `${e.target} ${e.action.id}`)).toEqual(['circuit:nyi-1-a trip'])
    expect(matchEntries(all, 'imap2 PROMOTE').map((e) => e.action.id)).toEqual(['promote'])
    expect(matchEntries(all, 'db2').map((e) => e.action.id)).toEqual(['unplug', 'plug'])
    expect(matchEntries(all, '(.*')).toEqual([])
    expect(defaultArgs({ ...act('resync', 'Resync', 'restore'), params: [{ id: 'user', label: 'user', choices: ['bob', 'alice'], optional: true }] })).toBeUndefined()
    expect(defaultArgs({ ...act('swap', 'Swap', 'operate'), params: [{ id: 'psu', label: 'psu', choices: ['2', '1'], optional: false }] })).toEqual({ psu: '2' })
  })
})

describe('command palette', () => {
  it('opens on Ctrl+K, runs the typed action on its target and selects it; a disabled one says why', async () => {
    const c = labClient(labStatus([server('db2', { role: 'db', rack: 'nyi-2' })]))
    c.answer('actions.targets', () => targets)
    c.answer('actions.run', (a) => ({ target: a!.target, action: a!.action, text: `${a!.action} done` }))
    mounted = mountWith(App, c)
    await settle()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true }))
    await settle()
    const input = mounted.$('.palette-input') as HTMLInputElement
    expect(input).not.toBeNull()
    input.value = 'unplug db2'
    input.dispatchEvent(new Event('input'))
    await nextTick()
    expect(mounted.$$('[data-palette]').map((e) => e.dataset.palette)).toEqual(['cable:db2/int unplug'])
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }))
    await settle()
    expect(c.callsOf('actions.run')).toEqual([{ target: 'cable:db2/int', action: 'unplug' }])
    expect(mounted.$('[data-testid=palette-status]')?.textContent).toBe('unplug done')
    expect(useSelectionStore().selected).toEqual({ kind: 'unit', id: 'db2' })

    input.value = 'plug db2'
    input.dispatchEvent(new Event('input'))
    await nextTick()
    // "plug" also matches "unplug"; the runnable one first, ↓ moves to the disabled plug
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown' }))
    await nextTick()
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }))
    await settle()
    expect(c.callsOf('actions.run')).toHaveLength(1)
    expect(mounted.$('[data-testid=palette-status]')?.textContent).toBe('Plug in cable:db2/int: it is plugged in')
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await nextTick()
    expect(mounted.$('[data-testid=palette]')).toBeNull()
  })
})
