import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import type { Alert, HistorySeries } from '@contract/monitor'
import { useSelectionStore } from '../stores/selection'
import { labStatus, server } from '../testing/fixtures'
import { settle } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import { stubCharts } from '../testing/stub-chart'
import App from './App.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

const db2Stopped: Alert = { id: 'replication.stopped@server:db2', rule: 'replication.stopped', severity: 'critical', target: 'server:db2', text: 'db2 replication is stopped', since: '2026-11-30T10:00:00Z', sinceLabMs: 900 }
const overload: Alert = { id: 'circuit.overload@circuit:nyi-1-a', rule: 'circuit.overload', severity: 'warning', target: 'circuit:nyi-1-a', text: 'circuit nyi-1-a at 85 %', since: '2026-11-30T10:00:00Z', sinceLabMs: 100 }
const history: HistorySeries[] = [
  { key: 'db.replication@db2', source: 'db.replication', target: 'db2', points: [{ at: 1_000, labMs: 0, ok: true, values: { lagSeconds: 2 } }] },
  { key: 'circuit:nyi-1-a', source: 'circuit', target: 'circuit:nyi-1-a', points: [{ at: 1_000, labMs: 0, ok: true, values: { amps: 12, ratedAmps: 20 } }] },
]

describe('alert strip and live health board', () => {
  it('counts the alerts, shows the newest, and a click selects its target everywhere', async () => {
    const c = labClient(labStatus([server('db1', { role: 'db' }), server('db2', { role: 'db', rack: 'nyi-2' })]))
    c.answer('alerts.list', () => ({ running: true, alerts: [overload, db2Stopped] }))
    c.answer('lab.check', () => [{ id: 'db.replication', target: 'db2', ok: false, message: 'IO thread stopped', at: '2026-11-30T10:00:00Z', ageMs: 65_000 }])
    c.answer('monitor.history', () => history)
    mounted = mountWith(App, c)
    await settle()
    const strip = mounted.$('[data-testid=alert-strip]')!
    expect(strip.dataset.count).toBe('2')
    expect(strip.textContent).toContain('2 alerts')
    const newest = mounted.$('.alert-newest')!
    expect(newest.dataset.alert).toBe(db2Stopped.id)
    newest.click()
    expect(useSelectionStore().selected).toEqual({ kind: 'unit', id: 'db2' })
    // the list opens and its other alert selects the circuit
    mounted.$('.alert-count')!.click()
    await nextTick()
    mounted.$(`#alert-list [data-alert="${overload.id}"]`)!.click()
    expect(useSelectionStore().selected).toEqual({ kind: 'circuit', id: 'nyi-1-a' })
    // alerts.changed clears them
    c.emit('alerts.changed', { alerts: [], raised: [], cleared: [overload, db2Stopped] })
    await nextTick()
    expect(strip.textContent).toContain('no alerts')

    // the board shows the monitor's result with its age, and no "No checks have run yet"
    const row = mounted.$('[data-probe="db.replication"]')!
    expect(row.dataset.ok).toBe('false')
    expect(row.querySelector('.probe-age')!.textContent).toMatch(/^(65|66) s ago$/)
    expect(mounted.el.textContent).not.toContain('No checks have run yet')
    // and the charts got the history: lag, then the circuit with its reference lines
    const charts = mounted.$$('[data-chart]').map((f) => f.dataset.chart)
    expect(charts).toEqual(['replication-lag', 'circuit-nyi-1-a'])
    const circuit = stubCharts.filter((s) => s.spec.id === 'circuit-nyi-1-a').at(-1)!
    expect(circuit.spec.lines.map((l) => l.label)).toEqual(['amps', '80 %', 'breaker'])
  })

  it('says the monitor is off when the engine runs none', async () => {
    const c = labClient(labStatus([]))
    mounted = mountWith(App, c)
    await settle()
    expect(mounted.$('[data-testid=alert-strip]')!.textContent).toContain('monitor off')
    expect(mounted.el.textContent).toContain('No checks have run yet')
    expect(c.callsOf('lab.check')).toHaveLength(0)
  })
})
