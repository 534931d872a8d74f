// Listing a target's actions while the lab keeps publishing changes: one list in flight at a time, each answer
// shown, one more asked for after it — never every answer dropped for a newer request that is itself dropped.
import { afterEach, describe, expect, it } from 'vitest'
import type { ActionInfo } from '@contract/status'
import { labStatus, server } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import ActionList from './ActionList.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

const act = (id: string): ActionInfo => ({ id, label: id, kind: 'operate', enabled: true, family: 'role' })
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('useActions (through ActionList)', () => {
  it('shows a slow list even when the lab changes while it is being read, then reads once more', async () => {
    const c = labClient(labStatus([server('backup1', { role: 'backup' })]))
    const pending: Array<(list: ActionInfo[]) => void> = []
    c.answer('actions.list', () => new Promise<ActionInfo[]>((r) => pending.push(r)))
    mounted = mountWith(ActionList, c, { target: 'server:backup1' })
    await flush()
    await sleep(300) // the lab status arriving asks for a reload (250 ms later)
    const first = c.callsOf('actions.list').length
    // the lab publishes changes while the list is being read: no second list starts meanwhile
    c.emit('lab.changed', labStatus([server('backup1', { role: 'backup', health: 'starting' })]))
    await sleep(300)
    c.emit('lab.changed', labStatus([server('backup1', { role: 'backup', health: 'healthy' })]))
    await sleep(300)
    expect(c.callsOf('actions.list')).toHaveLength(first)
    pending.shift()!([act('backup-now')])
    await flush()
    await flush()
    expect(mounted.$$('[data-act]').map((b) => b.dataset.act)).toEqual(['backup-now'])
    // one more after it, for the changes it may have missed; its answer shows too
    expect(c.callsOf('actions.list')).toHaveLength(first + 1)
    pending.shift()!([act('backup-now'), act('restore-mail')])
    await flush()
    await flush()
    expect(mounted.$$('[data-act]').map((b) => b.dataset.act)).toEqual(['backup-now', 'restore-mail'])
  })

  it('says it is listing until the first answer, and only then that a target has no actions', async () => {
    const c = labClient(labStatus([server('db1', { role: 'db' })]))
    const pending: Array<(list: ActionInfo[]) => void> = []
    c.answer('actions.list', () => new Promise<ActionInfo[]>((r) => pending.push(r)))
    mounted = mountWith(ActionList, c, { target: 'server:db1' })
    await flush()
    expect(mounted.el.textContent).toContain('Listing the actions of server:db1…')
    expect(mounted.el.textContent).not.toContain('No actions')
    pending.shift()!([])
    await flush()
    await flush()
    expect(mounted.el.textContent).toContain('No actions for server:db1.')
  })
})
