import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { ClientError } from '../client/client-error'
import { createFakeClient } from '../testing/fake-client'
import type { FakeClient } from '../testing/fake-client'
import { engineOk, labStatus, miniTopology, server } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { mountWith } from '../testing/mount'
import type { Mounted } from '../testing/mount'
import App from './App.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

function labClient(): FakeClient {
  const client = createFakeClient('browser')
  client.answer('engine.status', () => engineOk)
  client.answer('lab.status', () =>
    labStatus([server('web1'), server('db1', { role: 'db', state: 'stopped', health: 'unknown' }), server('mx2', { rack: 'nyi-2', role: 'mx', state: 'absent', imageState: 'no-image', health: 'unknown' })]),
  )
  client.answer('lab.topology', () => miniTopology)
  client.answer('journal.list', () => [{ seq: 1, at: '2026-11-02T10:00:00Z', labMs: 0, kind: 'op', text: 'lab up started' }])
  return client
}

async function mountApp(client: FakeClient): Promise<Mounted> {
  mounted = mountWith(App, client)
  await flush()
  await nextTick()
  return mounted
}

const button = (m: Mounted, sel: string): HTMLButtonElement => {
  const b = m.$(sel)
  if (!(b instanceof HTMLButtonElement)) throw new Error(`no button ${sel}`)
  return b
}

describe('App', () => {
  it('renders every server row with data-state and buttons enabled only where they make sense', async () => {
    const m = await mountApp(labClient())
    expect(m.$$('[data-server]').map((r) => `${r.dataset.server}:${r.dataset.state}`)).toEqual(['web1:running', 'db1:stopped', 'mx2:absent'])
    expect(button(m, '[data-server="web1"] [data-action="start"]').disabled).toBe(true)
    expect(button(m, '[data-server="web1"] [data-action="stop"]').disabled).toBe(false)
    expect(button(m, '[data-server="db1"] [data-action="start"]').disabled).toBe(false)
    expect(button(m, '[data-server="db1"] [data-action="kill"]').disabled).toBe(true)
    expect(m.$$('[data-server="mx2"] button').every((b) => (b as HTMLButtonElement).disabled)).toBe(true)
    expect(m.$('[data-server="mx2"]')?.textContent).toContain('not built yet')
    expect(button(m, '[data-server="web1"] [data-action="kill"]').getAttribute('aria-label')).toBe('Kill web1')
    expect(m.$('#rack-view [data-unit="sw-int1"]')?.textContent).toContain('network int · 24 ports')
    expect(m.$('[data-testid="engine"]')?.textContent).toContain('Docker 20.10.24 answers')
    expect(m.$('.journal')?.textContent).toContain('lab up started')
  })

  it('Stop calls server.control with {server, op: "stop"} and lab.changed updates the row', async () => {
    const client = labClient()
    client.answer('server.control', () => server('web1', { state: 'stopped', health: 'unknown' }))
    const m = await mountApp(client)
    button(m, '[data-server="web1"] [data-action="stop"]').click()
    await flush()
    await nextTick()
    expect(client.callsOf('server.control')).toEqual([{ server: 'web1', op: 'stop' }])
    expect(m.$('[data-server="web1"]')?.dataset.state).toBe('stopped')

    client.emit('lab.changed', labStatus([server('web1', { state: 'crashed', exitCode: 139, detail: 'imapd exited' }), server('db1')]))
    await nextTick()
    const row = m.$('[data-server="web1"]')
    expect(row?.dataset.state).toBe('crashed')
    expect(row?.textContent).toContain('imapd exited · exit code 139')
  })

  it('Up starts an op whose progress shows phase, text and current/max', async () => {
    const client = labClient()
    client.answer('lab.up', () => ({ opId: 'op-1' }))
    const m = await mountApp(client)
    button(m, '[data-action="up"]').click()
    await flush()
    client.emit('op.progress', { opId: 'op-1', kind: 'up', phase: 'build', current: 3, max: 9, text: 'building racklab/imap', server: 'imap1' })
    await nextTick()
    const op = m.$('[data-op="op-1"]')
    expect(op?.textContent).toContain('build')
    expect(op?.textContent).toContain('building racklab/imap')
    expect(op?.textContent).toContain('3 / 9')
    const bar = op?.querySelector('progress')
    expect([bar?.getAttribute('value'), bar?.getAttribute('max')]).toEqual(['3', '9'])
    expect(button(m, '[data-action="up"]').disabled).toBe(true)
  })

  it('a down that succeeded with a warning says so, not "failed"', async () => {
    const client = labClient()
    const m = await mountApp(client)
    client.emit('op.done', { opId: 'cli-3', kind: 'down', status: 'succeeded', warnings: ['network racklab-t-int left behind: Docker miscounted'] })
    await nextTick()
    const toast = m.$('.toast')
    expect(toast?.classList.contains('toast-warn')).toBe(true)
    expect(toast?.textContent).toContain('lab down done, with a warning')
    expect(toast?.textContent).toContain('network racklab-t-int left behind: Docker miscounted')
    expect(toast?.textContent).not.toContain('failed')
  })

  it('shows a refused call as its code and message in the error area, never [object Object]', async () => {
    const client = labClient()
    client.answer('lab.down', () => Promise.reject(new ClientError('BUSY', 'lab up op-1 holds the lab')))
    const m = await mountApp(client)
    expect(m.$('[data-testid="error"]')).toBeNull()
    button(m, '[data-action="down"]').click()
    await flush()
    await nextTick()
    const text = m.$('[data-testid="error"]')?.textContent ?? ''
    expect(text).toContain('lab down failed')
    expect(text).toContain('BUSY')
    expect(text).toContain('lab up op-1 holds the lab')
    expect(text).not.toContain('[object Object]')
  })

  it('in browser mode shows the disconnected banner and disables controls until the socket reopens', async () => {
    const client = labClient()
    const m = await mountApp(client)
    expect(m.$('[data-testid="connection"]')).toBeNull()
    client.setConnection({ state: 'closed', reason: 'connection lost' })
    await nextTick()
    expect(m.$('[data-testid="connection"]')?.textContent).toContain('disconnected — reconnecting')
    expect(button(m, '[data-server="web1"] [data-action="stop"]').disabled).toBe(true)
    expect(button(m, '[data-action="up"]').disabled).toBe(true)
    client.setConnection({ state: 'open' })
    await flush()
    await nextTick()
    expect(m.$('[data-testid="connection"]')).toBeNull()
    expect(button(m, '[data-server="web1"] [data-action="stop"]').disabled).toBe(false)
  })

  it('Run checks calls lab.check and lists the results', async () => {
    const client = labClient()
    client.answer('lab.check', () => [{ id: 'smtp', target: 'mx1', ok: false, message: 'connection refused on 10.231.0.31:25', at: '2026-11-02T10:00:00Z' }])
    const m = await mountApp(client)
    button(m, '[data-action="check"]').click()
    await flush()
    await nextTick()
    expect(m.$('[data-probe="smtp"]')?.textContent).toContain('connection refused on 10.231.0.31:25')
    expect(m.$('.probes')?.textContent).toContain('0 passing · 1 failing')
  })
})
