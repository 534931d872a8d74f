import { describe, expect, it } from 'vitest'
import type { CircuitStatus, HardwareStatus } from '@contract/hardware'
import type { HistoryPoint } from '@contract/monitor'
import type { ProbeResult } from '@contract/status'
import { AlertBook } from './alert-book'
import { ALERT_RULES, evaluateRules, probeRule, type RuleContext } from './alert-rules'
import { DEFAULT_MONITOR_CONFIG } from './config'

const res = (id: string, target: string, ok: boolean, message: string, values: ProbeResult['values'] = {}): ProbeResult => ({ id, target, ok, message, values, at: '2026-11-30T00:00:00Z' })
const circuit = (id: string, loadPct: number, state: CircuitStatus['state'] = 'ok'): CircuitStatus => ({ id, site: 'nyi', rack: 'nyi-1', side: 'A', volts: 120, ratedAmps: 20, amps: (20 * loadPct) / 100, watts: 0, loadPct, state, energized: true, timeToTripMs: null, tripCause: state === 'tripped' ? 'reset by hand' : null })
const hardware = (circuits: CircuitStatus[], arrays: HardwareStatus['enclosures'][number]['arrays'] = []): HardwareStatus =>
  ({ labMs: 0, sites: [], circuits, pdus: [], units: [], enclosures: [{ id: 'raid1', arrays } as unknown as HardwareStatus['enclosures'][number]], pools: [], switches: [], cables: [], shelves: [] }) as HardwareStatus
const ctx = (results: ProbeResult[], hw?: HardwareStatus, history: Record<string, HistoryPoint[]> = {}): RuleContext => ({ results, hardware: hw, history: (k) => history[k] ?? [], cfg: DEFAULT_MONITOR_CONFIG })
const fired = (c: RuleContext): string[] => evaluateRules(c).flatMap((e) => e.firings.map((f) => `${e.rule.id} ${f.target}`))

describe('alert rules', () => {
  it('broken replication names the replica; a lagging one is a warning above the limit', () => {
    const broken = res('db.replication', 'db2', false, 'db2 is not receiving from db1 (IO thread Connecting)')
    const lagging = res('db.replication', 'db3', true, 'db3 replicates from db1, 45 s behind', { lagSeconds: 45 })
    expect(fired(ctx([broken, lagging, res('db.replication', 'db3', true, 'x', { lagSeconds: 3 })]))).toEqual(['replication.stopped server:db2', 'replication.lagging server:db3'])
  })

  it('copies that differ are inconsistent only when every server answered', () => {
    const differ = res('db.checksum', 'db1,db2,db3', false, 'racklab.users differs', { answered: 3, servers: 3 })
    const unreachable = res('db.checksum', 'db1,db2,db3', false, 'could not query db2', { answered: 2, servers: 3 })
    expect(fired(ctx([differ]))).toEqual(['replica.inconsistent db1,db2,db3'])
    expect(fired(ctx([unreachable]))).toEqual(['probe.failed db1,db2,db3'])
  })

  it('mail replication: sync_client stopped vs GUID differences', () => {
    expect(fired(ctx([res('imap.replication', 'imap1', false, 'sync_client is not running', { syncClientRunning: false })]))).toEqual(['replication.stopped server:imap1'])
    expect(fired(ctx([res('imap.replication', 'imap1', false, '2 differences', { syncClientRunning: true, differences: 2 })]))).toEqual(['replica.inconsistent server:imap1'])
  })

  it('a failed probe no rule explains is still an alert, with its own reason', () => {
    const c = evaluateRules(ctx([res('web.login', 'edge', false, 'webmail login as alice failed: 503'), res('web.https', 'edge', true, 'fine')]))
    expect(c.flatMap((e) => e.firings.map((f) => [e.rule.id, f.target, f.text, f.key]))).toEqual([['probe.failed', 'server:edge', 'web.login: webmail login as alice failed: 503', 'web.login']])
  })

  it('a backend on a read-only database (db.clients, when that probe runs) has its one-line rule', () => {
    expect(fired(ctx([res('db.clients', 'web2', false, 'web2 is on db2 (read-only)')]))).toEqual(['backend.readonly server:web2'])
  })

  it('a new probe gets its rule in one line', () => {
    const rules = [...ALERT_RULES, probeRule('dns.answers', 'critical', 'dns.resolve', (r) => !r.ok, (r) => r.message)]
    const c = evaluateRules(ctx([res('dns.resolve', 'ns1', false, 'ns1 does not answer')]), rules)
    expect(c.flatMap((e) => e.firings.map((f) => `${e.rule.id} ${f.target}`))).toEqual(['dns.answers server:ns1'])
  })

  it('circuits tripped or loaded, arrays degraded or rebuilding', () => {
    const hw = hardware([circuit('nyi-1-a', 0, 'tripped'), circuit('nyi-1-b', 85), circuit('nyi-2-a', 40)], [
      { id: 'raid1-spool', level: 'raid6', state: 'rebuilding', rebuildPct: 42, etaMs: 120_000, members: [], epoch: 0 },
      { id: 'meta', level: 'raid1', state: 'degraded', rebuildPct: null, etaMs: null, members: [], epoch: 0 },
    ])
    expect(fired(ctx([], hw))).toEqual(['circuit.tripped circuit:nyi-1-a', 'circuit.overload circuit:nyi-1-b', 'array.degraded array:raid1/meta', 'array.rebuilding array:raid1/raid1-spool'])
  })

  it('backup1\'s pool: DEGRADED is a warning (backups go on), FAULTED is critical', () => {
    const vdev = (id: string, state: 'optimal' | 'rebuilding' | 'failed', rebuildPct: number | null = null) => ({ id, level: 'raidz2', state, rebuildPct, etaMs: null, members: [], epoch: 1 })
    const pool = (state: 'ONLINE' | 'DEGRADED' | 'FAULTED', vdevs: ReturnType<typeof vdev>[]) => ({ server: 'backup1', state, diskModel: 'sata-500gb', online: true, resilverMBps: 50, boot: [1, 2], spares: [], bays: [], vdevs, epoch: 6 })
    const hw = (p: ReturnType<typeof pool>): HardwareStatus => ({ ...hardware([]), pools: [p] })
    expect(fired(ctx([], hw(pool('ONLINE', [vdev('raidz2-0', 'optimal')]))))).toEqual([])
    const degraded = evaluateRules(ctx([], hw(pool('DEGRADED', [vdev('raidz2-0', 'optimal'), vdev('raidz2-2', 'rebuilding', 40)])))).filter((e) => e.firings.length > 0)
    expect(degraded.map((e) => [e.rule.id, e.rule.severity])).toEqual([['pool.degraded', 'warning']])
    expect(degraded[0]?.firings[0]?.text).toBe("backup1's ZFS pool is DEGRADED (raidz2-2 resilvering 40 %): backups go on with less redundancy")
    expect(fired(ctx([], hw(pool('FAULTED', [vdev('raidz2-0', 'failed')]))))).toEqual(['pool.faulted pool:backup1'])
  })

  it('a queue that grows on three samples in a row', () => {
    const p = (total: number): HistoryPoint => ({ at: 0, labMs: 0, ok: true, values: { total } })
    const q = res('mx.queue', 'mx1', true, 'mx1: 5 queued', { total: 5 })
    expect(fired(ctx([q], undefined, { 'mx.queue@mx1': [p(1), p(3), p(5)] }))).toEqual(['queue.growing server:mx1'])
    expect(fired(ctx([q], undefined, { 'mx.queue@mx1': [p(3), p(3), p(5)] }))).toEqual([])
  })
})

describe('AlertBook', () => {
  const rule = { id: 'circuit.overload', severity: 'warning' as const, fire: () => [] }
  const firing = { target: 'circuit:nyi-1-b', text: 'at 85 %' }

  it('raises once, follows the text, clears when the rule stops firing', () => {
    const b = new AlertBook()
    const r1 = b.update([{ rule: { ...rule, id: 'replication.stopped', severity: 'critical' }, firings: [{ target: 'server:db2', text: 'broken' }], forLabMs: 0 }], 1000, 60_000)
    expect(r1.raised).toEqual([{ id: 'replication.stopped@server:db2', rule: 'replication.stopped', severity: 'critical', target: 'server:db2', text: 'broken', since: new Date(1000).toISOString(), sinceLabMs: 60_000 }])
    const r2 = b.update([{ rule: { ...rule, id: 'replication.stopped', severity: 'critical' }, firings: [{ target: 'server:db2', text: 'still broken' }], forLabMs: 0 }], 2000, 120_000)
    expect(r2).toMatchObject({ raised: [], cleared: [], alerts: [{ text: 'still broken', sinceLabMs: 60_000 }] })
    const r3 = b.update([], 3000, 180_000)
    expect(r3).toMatchObject({ raised: [], alerts: [], cleared: [{ id: 'replication.stopped@server:db2' }] })
  })

  it('holds a condition for its lab time before raising; a break in it starts over', () => {
    const b = new AlertBook()
    const hold = 300_000
    expect(b.update([{ rule, firings: [firing], forLabMs: hold }], 0, 0).raised).toEqual([])
    expect(b.update([{ rule, firings: [], forLabMs: hold }], 1, 100_000).raised).toEqual([])
    expect(b.update([{ rule, firings: [firing], forLabMs: hold }], 2, 200_000).raised).toEqual([])
    expect(b.update([{ rule, firings: [firing], forLabMs: hold }], 3, 499_999).raised).toEqual([])
    expect(b.update([{ rule, firings: [firing], forLabMs: hold }], 4, 500_000).raised).toMatchObject([{ id: 'circuit.overload@circuit:nyi-1-b', sinceLabMs: 200_000 }])
  })
})
