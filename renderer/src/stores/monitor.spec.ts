import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Alert, HistorySeries } from '@contract/monitor'
import type { ProbeResult } from '@contract/status'
import { ClientError } from '../client/client-error'
import { createFakeClient } from '../testing/fake-client'
import { flush } from '../testing/flush'
import { labStatus } from '../testing/fixtures'
import { useAlertsStore } from './alerts'
import { HISTORY_POLL_MS, useMonitorHistoryStore } from './monitor-history'
import { useProbesStore } from './probes'
import { useLabStore } from './lab'
import { useSelectionStore } from './selection'
import { nyiTopology } from '../testing/nyi-topology'

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.useRealTimers())

const alert = (id: string, target: string, sinceLabMs: number, severity: Alert['severity'] = 'warning'): Alert => ({ id, rule: id.split('@')[0]!, severity, target, text: `${id} text`, since: '2026-11-30T10:00:00Z', sinceLabMs })
const probe = (id: string, target: string, ok: boolean, ageMs?: number): ProbeResult => ({ id, target, ok, message: ok ? 'fine' : 'broken', at: '2026-11-30T10:00:00Z', ...(ageMs === undefined ? {} : { ageMs }) })

describe('alerts store', () => {
  it('loads the active alerts on open, replaces them on alerts.changed and names the newest and the critical ones', async () => {
    const c = createFakeClient()
    c.answer('alerts.list', () => ({ running: true, alerts: [alert('replication.stopped@server:db2', 'server:db2', 100, 'critical')] }))
    const alerts = useAlertsStore()
    alerts.bind(c)
    await flush()
    expect(alerts.monitorRunning).toBe(true)
    expect(alerts.newest?.target).toBe('server:db2')
    expect(alerts.critical).toBe(1)
    const both = [alert('replication.stopped@server:db2', 'server:db2', 100, 'critical'), alert('circuit.overload@circuit:nyi-1-a', 'circuit:nyi-1-a', 500)]
    c.emit('alerts.changed', { alerts: both, raised: [both[1]!], cleared: [] })
    expect(alerts.alerts).toHaveLength(2)
    expect(alerts.newest?.target).toBe('circuit:nyi-1-a')
    c.emit('alerts.changed', { alerts: [], raised: [], cleared: both })
    expect(alerts.newest).toBeNull()
    expect(alerts.changes).toBe(2)
  })

  it('says why alerts could not be loaded', async () => {
    const c = createFakeClient()
    c.answer('alerts.list', () => Promise.reject(new ClientError('INTERNAL', 'no socket')))
    const alerts = useAlertsStore()
    alerts.bind(c)
    await flush()
    expect(alerts.loadError).toBe('INTERNAL: no socket')
  })
})

describe('monitor history store', () => {
  const series = (n: number): HistorySeries[] => [{ key: 'db.replication@db2', source: 'db.replication', target: 'db2', points: Array.from({ length: n }, (_, i) => ({ at: 1000 * i, labMs: 60_000 * i, ok: true, values: { lagSeconds: i } })) }]

  it('polls monitor.history every few seconds while open, and at once when alerts change', async () => {
    vi.useFakeTimers()
    const c = createFakeClient()
    let n = 1
    c.answer('alerts.list', () => ({ running: true, alerts: [] }))
    c.answer('monitor.history', () => series(n++))
    useAlertsStore().bind(c)
    const history = useMonitorHistoryStore()
    const off = history.bind(c)
    await vi.advanceTimersByTimeAsync(0)
    expect(c.callsOf('monitor.history')).toHaveLength(1)
    expect(history.series[0]?.points).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(HISTORY_POLL_MS)
    expect(c.callsOf('monitor.history')).toHaveLength(2)
    expect(history.series[0]?.points).toHaveLength(2)
    c.emit('alerts.changed', { alerts: [], raised: [], cleared: [] })
    await vi.advanceTimersByTimeAsync(0)
    expect(c.callsOf('monitor.history')).toHaveLength(3)
    c.setConnection({ state: 'closed', reason: 'gone' })
    await vi.advanceTimersByTimeAsync(HISTORY_POLL_MS * 2)
    expect(c.callsOf('monitor.history')).toHaveLength(3) // no polling into a closed connection
    off()
    c.setConnection({ state: 'open' })
    await vi.advanceTimersByTimeAsync(HISTORY_POLL_MS * 2)
    expect(c.callsOf('monitor.history')).toHaveLength(3) // unbound: the timer is gone
  })
})

describe('probes store with the monitor', () => {
  it('shows the latest results on connect with their age, without running probes, and upserts live ones', async () => {
    const c = createFakeClient()
    c.answer('alerts.list', () => ({ running: true, alerts: [] }))
    c.answer('lab.check', () => [probe('db.replication', 'db2', true, 8000), probe('db.ping', 'db1', true, 0)])
    const probes = useProbesStore()
    probes.bind(c)
    useAlertsStore().bind(c)
    const before = Date.now()
    await flush()
    expect(c.callsOf('lab.check')).toEqual([{ fresh: false }])
    const lag = probes.results.find((r) => r.id === 'db.replication')!
    expect(before - lag.measuredAt).toBeGreaterThanOrEqual(7900)
    expect(before - lag.measuredAt).toBeLessThan(9000)
    c.emit('probe.results', [probe('db.replication', 'db2', false)])
    const live = probes.results.find((r) => r.id === 'db.replication')!
    expect(live.ok).toBe(false)
    expect(Date.now() - live.measuredAt).toBeLessThan(1000)
    await probes.run()
    expect(c.callsOf('lab.check')).toEqual([{ fresh: false }, { fresh: true }])
  })

  it('leaves the board alone without a monitor (lab.check would run every probe)', async () => {
    const c = createFakeClient()
    c.answer('alerts.list', () => ({ running: false, alerts: [] }))
    useProbesStore().bind(c)
    useAlertsStore().bind(c)
    await flush()
    expect(c.callsOf('lab.check')).toHaveLength(0)
  })

  it('keeps a failed background load out of the toasts', async () => {
    const c = createFakeClient()
    c.answer('alerts.list', () => ({ running: true, alerts: [] }))
    c.answer('lab.check', () => Promise.reject(new ClientError('REFUSED', 'the lab is not up')))
    const probes = useProbesStore()
    probes.bind(c)
    useAlertsStore().bind(c)
    await flush()
    expect(probes.loadError).toBe('REFUSED: the lab is not up')
  })
})

describe('selection by action target', () => {
  it('selects the unit a target lives on, a circuit, or nothing for what is not on screen', () => {
    const lab = useLabStore()
    lab.topology = nyiTopology()
    lab.status = labStatus([])
    const sel = useSelectionStore()
    expect(sel.selectTarget('server:db2')).toBe(true)
    expect(sel.selected).toEqual({ kind: 'unit', id: 'db2' })
    expect(sel.selectTarget('disk:raid1/3')).toBe(true)
    expect(sel.selected).toEqual({ kind: 'unit', id: 'raid1' })
    expect(sel.selectTarget('array:raid1/raid1-spool')).toBe(true)
    expect(sel.selected).toEqual({ kind: 'unit', id: 'raid1' })
    expect(sel.selectTarget('circuit:nyi-1-a')).toBe(true)
    expect(sel.selected).toEqual({ kind: 'circuit', id: 'nyi-1-a' })
    expect(sel.selectTarget('rack:nowhere')).toBe(false)
    expect(sel.selected).toEqual({ kind: 'circuit', id: 'nyi-1-a' })
  })
})
