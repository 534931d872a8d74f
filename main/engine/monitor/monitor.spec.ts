import { describe, expect, it } from 'vitest'
import type { CircuitStatus, HardwareStatus } from '@contract/hardware'
import type { AlertsChanged } from '@contract/monitor'
import type { ProbeResult } from '@contract/status'
import { Journal } from '../journal/journal'
import { unit, type ProbeUnit } from '../probes/probe-unit'
import { Monitor, SETTLE_MS } from './monitor'
import { ManualTimers } from './test-timers'

function lab() {
  const timers = new ManualTimers()
  const journal = new Journal(undefined)
  const state = { db2Ok: true, labMs: 0, hardware: undefined as HardwareStatus | undefined, mx1Hangs: false }
  const starts: Record<string, number> = {}
  let release: () => void = () => undefined
  const result = (id: string, target: string, ok: boolean, message: string, values: ProbeResult['values'] = {}): ProbeResult => ({ id, target, ok, message, values, at: new Date(timers.now()).toISOString() })
  const counted = (id: string, target: string, timeoutMs: number, run: () => Promise<ProbeResult>): ProbeUnit =>
    unit(id, target, timeoutMs, () => {
      starts[`${id}@${target}`] = (starts[`${id}@${target}`] ?? 0) + 1
      return run()
    })
  let units: ProbeUnit[] = [
    counted('db.ping', 'db1', 10_000, async () => result('db.ping', 'db1', true, 'db1: MariaDB answers')),
    counted('db.replication', 'db2', 10_000, async () => (state.db2Ok ? result('db.replication', 'db2', true, 'db2 replicates from db1, 0 s behind', { lagSeconds: 0 }) : result('db.replication', 'db2', false, 'db2 is not receiving from db1 (IO thread Connecting)'))),
    counted('smtp.accept', 'mx1', 20_000, () => (state.mx1Hangs ? new Promise<ProbeResult>((res) => (release = () => res(result('smtp.accept', 'mx1', true, 'late'))) ) : Promise.resolve(result('smtp.accept', 'mx1', true, 'mx1 accepts')))),
    counted('mail.e2e', 'mx1', 60_000, async () => result('mail.e2e', 'mx1', true, 'delivered')),
  ]
  const alerts: AlertsChanged[] = []
  const batches: ProbeResult[][] = []
  const monitor = new Monitor({
    plan: () => units,
    canProbe: () => true,
    hardware: () => state.hardware,
    labMs: () => state.labMs,
    journal,
    onResults: (r) => batches.push(r),
    onAlerts: (c) => alerts.push(c),
    timers,
    config: { historyPoints: 4 },
  })
  return { timers, journal, state, starts, monitor, alerts, batches, release: () => release(), setUnits: (f: (u: ProbeUnit[]) => ProbeUnit[]) => (units = f(units)) }
}

/** a monitor with only a plan and a settle: no hardware, nobody listening */
const planOnly = (timers: ManualTimers, journal: Journal, plan: () => ProbeUnit[], settle: () => Promise<void>): Monitor =>
  new Monitor({ plan, settle, canProbe: () => true, hardware: () => undefined, labMs: () => 0, journal, onResults: () => undefined, onAlerts: () => undefined, timers })

const texts = (j: Journal, kind: string): string[] => j.list().filter((e) => e.kind === kind).map((e) => e.text)

describe('Monitor', () => {
  it('with nobody asking: broken replication is an alert within one 5 s period, journaled once, cleared when it is back', async () => {
    const l = lab()
    l.monitor.start()
    await l.timers.advance(0)
    expect(l.monitor.activeAlerts()).toEqual([])
    l.state.db2Ok = false
    await l.timers.advance(5_000)
    expect(l.monitor.activeAlerts()).toMatchObject([{ id: 'replication.stopped@server:db2', severity: 'critical', target: 'server:db2' }])
    expect(l.alerts.at(-1)?.raised.map((a) => a.id)).toEqual(['replication.stopped@server:db2'])
    await l.timers.advance(20_000)
    expect(texts(l.journal, 'probe').filter((t) => t.startsWith('db.replication'))).toEqual(['db.replication ok: db2 replicates from db1, 0 s behind', 'db.replication FAILED: db2 is not receiving from db1 (IO thread Connecting)'])
    expect(texts(l.journal, 'alert')).toEqual(['ALERT critical replication.stopped: replication to db2 is broken: db2 is not receiving from db1 (IO thread Connecting)'])
    l.state.db2Ok = true
    await l.timers.advance(5_000)
    expect(l.monitor.activeAlerts()).toEqual([])
    expect(l.alerts.at(-1)?.cleared.map((a) => a.id)).toEqual(['replication.stopped@server:db2'])
    l.monitor.stop()
  })

  it('a probe that hangs fails by its timeout, never overlaps itself, and the cheap probes keep their cadence', async () => {
    const l = lab()
    l.state.mx1Hangs = true
    l.monitor.start()
    await l.timers.advance(20_000)
    expect(l.monitor.latestResults().find((r) => r.id === 'smtp.accept')).toMatchObject({ ok: false, message: 'smtp.accept on mx1 did not answer within 20 s' })
    expect(l.monitor.activeAlerts().map((a) => a.id)).toEqual(['probe.failed:smtp.accept@server:mx1'])
    await l.timers.advance(40_000)
    expect(l.starts['smtp.accept@mx1']).toBe(1)
    expect(l.starts['db.replication@db2']).toBe(13)
    l.state.mx1Hangs = false
    l.release()
    await l.timers.advance(1_000)
    expect(l.starts['smtp.accept@mx1']).toBe(2)
    expect(l.monitor.latestResults().find((r) => r.id === 'smtp.accept')).toMatchObject({ ok: true })
    l.monitor.stop()
  })

  it('check: the latest results at once with their age; fresh answers from runs begun after it, never overlapping one in flight', async () => {
    const l = lab()
    l.monitor.start()
    await l.timers.advance(3_000)
    expect(l.monitor.latestResults().map((r) => [r.id, r.ageMs])).toEqual([['db.ping', 3000], ['db.replication', 3000], ['smtp.accept', 3000], ['mail.e2e', 3000]])
    l.state.mx1Hangs = true
    await l.timers.advance(27_000) // smtp.accept due again at 30 s: in flight now, begun before the checks below
    expect(l.starts['smtp.accept@mx1']).toBe(2)
    await l.timers.advance(1)
    const fresh = l.monitor.check({ fresh: true })
    const second = l.monitor.check({ fresh: true }) // asked meanwhile: shares the new run
    expect(l.starts['smtp.accept@mx1']).toBe(2) // not doubled while the old one runs
    l.state.mx1Hangs = false
    l.release()
    await l.timers.advance(0)
    expect((await fresh).map((r) => r.id)).toEqual(['db.ping', 'db.replication', 'smtp.accept', 'mail.e2e'])
    expect((await second).find((r) => r.id === 'smtp.accept')?.message).toBe('mx1 accepts')
    expect(l.starts['smtp.accept@mx1']).toBe(3) // the one in flight, then one run for both checks
    await l.timers.advance(2_000)
    expect((await l.monitor.check()).map((r) => r.ageMs)).toEqual([2_000, 2_000, 2_000, 2_000])
    l.monitor.stop()
  })

  it('check never joins a run that began before the last action: it lets it end, then runs the unit again', async () => {
    for (const fresh of [true, false]) {
      const l = lab()
      l.monitor.start()
      await l.timers.advance(3_000)
      l.state.mx1Hangs = true
      await l.timers.advance(27_000) // smtp.accept due again at 30 s: in flight, begun before the action below
      await l.timers.advance(1)
      l.journal.append({ kind: 'action', target: 'server:mx1', text: 'firewall-unblock server:mx1 port=25', data: { action: 'firewall-unblock' } })
      const asked = l.monitor.check({ fresh })
      l.state.mx1Hangs = false
      l.release() // the old run ends ('late'); the one after the action answers as the lab is now
      await l.timers.advance(0)
      expect((await asked).find((r) => r.id === 'smtp.accept')?.message, `fresh ${fresh}`).toBe('mx1 accepts')
      expect(l.starts['smtp.accept@mx1'], `fresh ${fresh}`).toBe(3)
      l.monitor.stop()
    }
  })

  it('a run that an action came during is no news: not journaled, no alert, and the unit runs again at once', async () => {
    const l = lab()
    l.monitor.start()
    await l.timers.advance(3_000)
    l.state.db2Ok = false
    l.state.mx1Hangs = true
    await l.timers.advance(27_000) // smtp.accept in flight; db2's replication fails and alerts meanwhile
    expect(l.starts['smtp.accept@mx1']).toBe(2)
    const alertsBefore = l.monitor.activeAlerts().map((a) => a.id)
    l.journal.append({ kind: 'action', target: 'server:mx1', text: 'firewall-block server:mx1 port=25', data: { action: 'firewall-block' } })
    l.release() // it answers 'late': half before the block, half after
    await l.timers.advance(0)
    expect(texts(l.journal, 'probe').filter((t) => t.includes('late'))).toEqual([])
    expect(l.monitor.latestResults().find((r) => r.id === 'smtp.accept')?.message).toBe('mx1 accepts')
    expect(l.monitor.activeAlerts().map((a) => a.id)).toEqual(alertsBefore)
    l.state.mx1Hangs = false
    await l.timers.advance(1_000)
    expect(l.starts['smtp.accept@mx1']).toBe(3) // at the next tick, not at its 30 s cadence
    l.monitor.stop()
  })

  it('check after an action: results taken before it are taken again (they say nothing of now); then the latest at once', async () => {
    const l = lab()
    l.monitor.start()
    await l.timers.advance(3_000)
    const before = { ...l.starts }
    // db2's replication breaks, and the action that did it is journaled (as LabEngine.act does, once it is done)
    l.state.db2Ok = false
    l.journal.append({ kind: 'action', target: 'server:db2', text: 'stop-replication server:db2: stopped', data: { action: 'stop-replication' } })
    const after = await l.monitor.check()
    expect(after.find((r) => r.id === 'db.replication')).toMatchObject({ ok: false, ageMs: 0 })
    expect(after.map((r) => r.ageMs)).toEqual([0, 0, 0, 0])
    expect(Object.entries(l.starts).map(([k, n]) => [k, n - (before[k] ?? 0)])).toEqual([['db.ping@db1', 1], ['db.replication@db2', 1], ['smtp.accept@mx1', 1], ['mail.e2e@mx1', 1]])
    // nothing happened since: the same results, without running anything
    const runs = { ...l.starts }
    expect((await l.monitor.check()).find((r) => r.id === 'db.replication')).toMatchObject({ ok: false })
    expect(l.starts).toEqual(runs)
    l.monitor.stop()
  })

  it('check before the first results: waits for the units that never reported, and only for those', async () => {
    const l = lab()
    const first = await l.monitor.check()
    expect(first.map((r) => [r.id, r.ok])).toEqual([['db.ping', true], ['db.replication', true], ['smtp.accept', true], ['mail.e2e', true]])
    expect(Object.values(l.starts)).toEqual([1, 1, 1, 1])
    await l.monitor.check()
    expect(Object.values(l.starts)).toEqual([1, 1, 1, 1])
  })

  it('keeps bounded history per unit and forgets units that no longer apply', async () => {
    const l = lab()
    l.monitor.start()
    await l.timers.advance(60_000)
    const [lag] = l.monitor.historySeries(['db.replication@db2'])
    expect(lag?.points).toHaveLength(4)
    expect(lag?.points.at(-1)).toMatchObject({ at: 60_000, ok: true, values: { lagSeconds: 0 } })
    l.setUnits((u) => u.filter((x) => x.target !== 'db2'))
    await l.timers.advance(1_000)
    expect(l.monitor.latestResults().map((r) => r.target)).not.toContain('db2')
    l.monitor.stop()
  })

  it('a down forgets every result at once, so the next lab journals its own first results', async () => {
    const l = lab()
    l.monitor.start()
    await l.timers.advance(10_000)
    expect(texts(l.journal, 'probe')).toContain('db.ping ok: db1: MariaDB answers')
    l.journal.append({ kind: 'op', text: 'down: removed 4 containers and 3 networks (data volumes kept)' })
    expect(l.monitor.latestResults()).toEqual([])
    await l.timers.advance(10_000)
    expect(texts(l.journal, 'probe').filter((t) => t === 'db.ping ok: db1: MariaDB answers')).toHaveLength(2)
    l.monitor.stop()
  })

  it('runs the expensive probes again soon after an action', async () => {
    const l = lab()
    l.monitor.start()
    await l.timers.advance(10_000)
    expect(l.starts['mail.e2e@mx1']).toBe(1)
    l.journal.append({ kind: 'action', target: 'server:db2', text: 'console opened on db2' })
    await l.timers.advance(l.monitor.cfg.afterActionMs)
    expect(l.starts['mail.e2e@mx1']).toBe(1)
    l.journal.append({ kind: 'action', target: 'cable:db2/int', text: 'unplug cable:db2/int: …', data: { action: 'unplug' } })
    await l.timers.advance(l.monitor.cfg.afterActionMs)
    expect(l.starts['mail.e2e@mx1']).toBe(2)
    await l.timers.advance(60_000)
    expect(l.starts['mail.e2e@mx1']).toBe(2)
    l.monitor.stop()
  })

  it('reads circuits every tick: over 80 % for the hold time in lab seconds is an alert, with amps in the history', async () => {
    const l = lab()
    const circuit = (loadPct: number): CircuitStatus => ({ id: 'nyi-1-b', site: 'nyi', rack: 'nyi-1', side: 'B', volts: 120, ratedAmps: 20, amps: loadPct / 5, watts: 0, loadPct, state: 'ok', energized: true, timeToTripMs: null, tripCause: null })
    const hw = (loadPct: number): HardwareStatus => ({ labMs: 0, sites: [], circuits: [circuit(loadPct)], pdus: [], units: [], enclosures: [], pools: [], switches: [], cables: [], shelves: [] })
    l.state.hardware = hw(90)
    l.monitor.start()
    for (let s = 1; s <= 5; s++) {
      l.state.labMs = s * 60_000 // 60× lab clock
      await l.timers.advance(1_000)
    }
    expect(l.monitor.activeAlerts().map((a) => a.id)).toEqual(['circuit.overload@circuit:nyi-1-b'])
    expect(l.monitor.historySeries(['circuit:nyi-1-b'])[0]?.points.at(-1)?.values).toMatchObject({ amps: 18, ratedAmps: 20, loadPct: 90 })
    l.state.hardware = hw(50)
    await l.timers.advance(1_000)
    expect(l.monitor.activeAlerts()).toEqual([])
    l.monitor.stop()
  })

  it('after an action, reads the roles again before it plans: a promote is not reported as a broken replica', async () => {
    const timers = new ManualTimers()
    const journal = new Journal(undefined)
    const marker = { primary: 'db1' }
    let primary = 'db1'
    let settles = 0
    const runs: string[] = []
    const ok = (id: string, target: string): ProbeResult => ({ id, target, ok: true, message: `${id} ${target}`, values: {}, at: new Date(timers.now()).toISOString() })
    const monitor = planOnly(
      timers,
      journal,
      // db.replication is planned on every db server but the primary as planning last read it
      () => ['db1', 'db2'].filter((d) => d !== primary).map((d) => unit('db.replication', d, 10_000, async () => (runs.push(d), ok('db.replication', d)))),
      async () => {
        settles++
        primary = marker.primary
      },
    )
    // the first plan waits for a reading too: the engine may start on a lab promoted long ago
    expect((await monitor.check({ fresh: true })).map((r) => r.target)).toEqual(['db2'])
    expect(settles).toBe(1)
    await monitor.check({ fresh: true })
    expect(settles).toBe(1) // no action since: nothing to read again
    marker.primary = 'db2'
    journal.append({ kind: 'action', target: 'server:db2', text: 'promote server:db2: db2 is the database primary', data: { action: 'promote' } })
    expect((await monitor.check({ fresh: true })).map((r) => r.target)).toEqual(['db1'])
    expect(settles).toBe(2)
    await monitor.check({ fresh: true })
    expect(settles).toBe(2) // read once per action
    // the monitor's own rounds too: the first one after an action plans from a fresh reading
    marker.primary = 'db1'
    journal.append({ kind: 'action', target: 'server:db1', text: 'fail-back server:db1', data: { action: 'fail-back' } })
    runs.length = 0
    monitor.start()
    await timers.advance(monitor.cfg.afterActionMs)
    expect(settles).toBe(3)
    expect(runs).toEqual(['db2'])
    monitor.stop()
  })

  it('a reading that hangs holds planning up for SETTLE_MS at most, and the monitor plans once after it', async () => {
    const timers = new ManualTimers()
    const journal = new Journal(undefined)
    let plans = 0
    const monitor = planOnly(
      timers,
      journal,
      () => (plans++, [unit('db.ping', 'db1', 10_000, async () => ({ id: 'db.ping', target: 'db1', ok: true, message: 'up', values: {}, at: '' }))]),
      () => new Promise<void>(() => undefined), // a db server that never answers its `cat`
    )
    monitor.start()
    await timers.advance(SETTLE_MS - 1_000) // four more ticks came meanwhile: none planned, none queued a plan
    expect(plans).toBe(0)
    await timers.advance(1_000)
    expect(plans).toBe(1)
    monitor.stop()
  })
})
