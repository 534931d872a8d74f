import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useLayoutStore } from '../stores/layout'
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
function dbTier(hardware = hardwareFor(topology, { unplugged: ['db2/int'] })): ReturnType<typeof labClient> {
  const status = labStatus([server('db1', { role: 'db' }), server('db2', { role: 'db', rack: 'nyi-2' }), server('db3', { role: 'db', site: 'offsite', rack: 'offsite-1' })], { topology: 'nyi-2007', hardware })
  const c = labClient(status, topology)
  c.answer('alerts.list', () => ({ running: true, alerts: [] }))
  c.answer('lab.check', () => [
    { id: 'db.replication', target: 'db2', ok: false, message: 'db2 cannot reach its primary', at: '2026-11-30T10:00:00Z' },
    { id: 'db.replication', target: 'db3', ok: true, message: 'db3 replicates', at: '2026-11-30T10:00:00Z' },
  ])
  return c
}

describe('centre views: 3D, 2D front/back, service map', () => {
  it('selecting in the service map or the elevation selects everywhere, and each view keeps the selection', { timeout: 30_000 }, async () => {
    mounted = mountWith(App, dbTier())
    await settle()
    const m = mounted
    const layout = useLayoutStore()
    const selection = useSelectionStore()
    expect(m.$('[data-testid=scene]')).not.toBeNull()

    m.$('[data-view="map"]')!.click()
    await settle()
    expect(layout.view).toBe('map')
    expect(m.$('[data-edge="db1>db2"]')!.dataset.tone).toBe('bad')
    expect(m.$('[data-edge="db1>db3"]')!.dataset.tone).toBe('good')
    m.$('[data-node="db2"]')!.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await settle()
    expect(selection.selected).toEqual({ kind: 'unit', id: 'db2' })
    expect(m.$('[data-node="db2"]')!.classList.contains('selected')).toBe(true)
    // the tree and the inspector follow
    expect(m.$('[data-server="db2"]')?.getAttribute('aria-current')).toBe('true')
    expect(m.$('[data-panel-server="db2"]')).not.toBeNull()

    m.$('[data-view="back"]')!.click()
    await settle()
    expect(m.$('svg[data-rack="nyi-2"] [data-unit="db2"]')!.classList.contains('selected')).toBe(true)
    // the pulled cable hangs loose; the WAN link is up
    expect(m.$('[data-cable="cable:db2/int"]')!.dataset.state).toBe('pulled')
    expect(m.$('[data-cable="cable:db2/wan"]')!.dataset.state).toBe('up')
    m.$('svg[data-rack="nyi-1"] [data-unit="db1"]')!.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await settle()
    expect(selection.selected).toEqual({ kind: 'unit', id: 'db1' })
    // a PDU on the back rail selects its circuit
    m.$('[data-pdu="nyi-2-pdu-a"]')!.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await settle()
    expect(selection.selected).toEqual({ kind: 'circuit', id: 'nyi-2-a', pdu: 'nyi-2-pdu-a' })

    m.$('[data-view="front"]')!.click()
    await settle()
    expect(m.$('svg[data-rack="nyi-2"] [data-pdu]')).toBeNull()
    expect(m.$('[data-led="power:db2"]')).not.toBeNull()
    // remembered with the layout
    expect(JSON.parse(localStorage.getItem('racklab.layout.v1')!).view).toBe('front')
  })

  it('shows a failed switch on the back: shaded with its state, its cables without link', async () => {
    const hw = hardwareFor(topology)
    hw.switches = hw.switches.map((sw) => (sw.id === 'sw-int2' ? { ...sw, state: 'failed' as const } : sw))
    hw.cables = hw.cables.map((c) => (c.switch === 'sw-int2' ? { ...c, up: false } : c))
    localStorage.setItem('racklab.layout.v1', JSON.stringify({ view: 'back' }))
    mounted = mountWith(App, dbTier(hw))
    await settle()
    const sw = mounted.$('svg[data-rack="nyi-2"] [data-unit="sw-int2"]')!
    expect(sw.getAttribute('aria-label')).toMatch(/FAILED$/)
    expect(sw.querySelector('.el-fault')?.textContent).toBe('FAILED')
    expect(mounted.$('[data-cable="cable:db2/int"]')!.dataset.state).toBe('down')
    expect(mounted.$('[data-cable="cable:db1/int"]')!.dataset.state).toBe('up')
  })
})
