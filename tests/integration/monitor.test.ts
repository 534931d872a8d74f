// The monitor in the lab's engine service, driven as QA would: nobody calls check, yet a tripped circuit that
// takes db2's switch down is an alert naming db2's broken replication within 15 s (seen by `racklab watch
// --json`); `racklab check --json` answers at once from the monitor, lists every probe with the failed ones'
// reasons, and the alert clears when the power is back.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HistorySeries } from '@contract/monitor'
import type { ProbeResult } from '@contract/status'
import { dispatchOnce } from './dispatch-once'
import { racklab, ROOT, TEST_HOME, TEST_LAB, until, type CliResult } from './helpers'

interface CheckDoc {
  ok: boolean
  monitor: boolean
  results: ProbeResult[]
  alerts: { id: string; text: string }[]
}
interface WatchLine {
  type: string
  change?: string
  alert?: { id: string; text: string }
}
const ok = (r: CliResult, what: string): CliResult => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stdout}${r.stderr}`)
  return r
}
const check = async (...args: string[]): Promise<{ doc: CheckDoc; r: CliResult }> => {
  const r = await racklab(['check', '--json', ...args])
  return { doc: JSON.parse(r.stdout) as CheckDoc, r }
}
const DB_PROBES = ['db.checksum@db1,db2,db3', 'db.ping@db1', 'db.ping@db2', 'db.ping@db3', 'db.replication@db2', 'db.replication@db3']
const keys = (rs: ProbeResult[]): string[] => rs.map((r) => `${r.id}@${r.target}`).sort()

const journal = async (since = 0): Promise<{ seq: number; kind: string; target?: string; text: string }[]> => JSON.parse(ok(await racklab(['journal', '--json', '--since', String(since)]), 'journal').stdout) as never
/** the journal's last sequence number before this file's lab came up (the state dir outlives down) */
let startSeq = 0
let watcher: ChildProcess | undefined
let watched = ''
const lines = (): WatchLine[] => watched.split('\n').filter(Boolean).map((l) => JSON.parse(l) as WatchLine)
const sawAlert = (id: string, change: string): boolean => lines().some((l) => l.type === 'alert' && l.change === change && l.alert?.id === id)

describe('the monitor in the engine service', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    ok(await racklab(['up', '--only', 'db1,db2,db3']), 'up')
    startSeq = (await journal()).at(-1)?.seq ?? 0
  })
  afterAll(async () => {
    watcher?.kill('SIGINT')
    await racklab(['down', '--volumes'])
  })

  it('watches by itself: check answers at once from the monitor, with ages; replication lag is a series', async () => {
    const doc = await until('the monitor’s replication results', async () => {
      const { doc } = await check()
      return (doc.monitor && doc.results.filter((r) => r.id === 'db.replication' && r.ok).length === 2 && doc) || undefined
    }, 60_000, 1000)
    expect(keys(doc.results)).toEqual(DB_PROBES)
    for (const r of doc.results) expect(r.ageMs).toBeGreaterThanOrEqual(0)
    const h = await dispatchOnce('monitor.history', { keys: ['db.replication@db2', 'circuit:nyi-2-a'] })
    const series = (h.ok ? h.value : []) as HistorySeries[]
    expect(series.map((s) => s.key)).toEqual(['db.replication@db2', 'circuit:nyi-2-a'])
    expect(series[0]?.points.at(-1)?.values.lagSeconds).toBeGreaterThanOrEqual(0)
    expect(series[1]?.points.at(-1)?.values.ratedAmps).toBe(20)
  })

  it('trip nyi-2-a (sw-int2 has one PSU): within 15 s an alert names db2’s broken replication; check lists every probe', async () => {
    watcher = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), 'watch', '--json'], { cwd: ROOT, env: { ...process.env, RACKLAB_LAB: TEST_LAB, RACKLAB_HOME: TEST_HOME } })
    watcher.stdout!.on('data', (d: Buffer) => (watched += d.toString()))
    await until('racklab watch to be live', async () => lines().some((l) => l.type === 'watching') || undefined, 30_000, 200)

    const t0 = Date.now()
    ok(await racklab(['act', 'circuit:nyi-2-a', 'trip']), 'trip')
    await until('the db2 replication alert in racklab watch', async () => sawAlert('replication.stopped@server:db2', 'raised') || undefined, 15_000, 200)
    const alertMs = Date.now() - t0
    console.log(`racklab watch showed the db2 alert ${alertMs} ms after the trip was asked for`)
    expect(alertMs).toBeLessThan(15_000)
    expect(lines().find((l) => l.alert?.id === 'replication.stopped@server:db2')?.alert?.text).toMatch(/db2/)

    const { doc, r } = await check()
    console.log(`racklab check --json answered in ${Math.round(r.ms)} ms`)
    expect(r.code).toBe(1)
    expect(doc.monitor).toBe(true)
    // every DB probe, and the servers the dead circuit left without power (ns2 has one PSU) as server.running
    expect(keys(doc.results)).toEqual(expect.arrayContaining(DB_PROBES))
    expect(keys(doc.results).filter((k) => !k.startsWith('db.')).every((k) => k.startsWith('server.running@'))).toBe(true)
    expect(doc.results.find((x) => x.id === 'db.replication' && x.target === 'db2')).toMatchObject({ ok: false, message: expect.stringMatching(/db2/) })
    expect(doc.results.filter((x) => !x.ok).every((x) => x.message.length > 0)).toBe(true)
    expect(doc.alerts.map((a) => a.id)).toEqual(expect.arrayContaining(['replication.stopped@server:db2', 'circuit.tripped@circuit:nyi-2-a']))

    const fresh = await check('--fresh')
    expect(keys(fresh.doc.results)).toEqual(keys(doc.results))
  })

  it('power back: reset and power the rack on → the alert clears by itself; watch ends 0 on Ctrl-C', async () => {
    ok(await racklab(['act', 'circuit:nyi-2-a', 'reset']), 'reset')
    ok(await racklab(['act', 'rack:nyi-2', 'power-on']), 'power-on')
    await until('the db2 replication alert to clear', async () => sawAlert('replication.stopped@server:db2', 'cleared') || undefined, 90_000, 500)
    const exit = new Promise<number | null>((r) => watcher!.on('close', r))
    watcher!.kill('SIGINT')
    expect(await exit).toBe(0)
    watcher = undefined
    expect(lines().every((l) => ['watching', 'alert', 'journal'].includes(l.type))).toBe(true)
    // results reach the journal on change only: ok, FAILED (maybe a second kind while the switch comes back), ok
    const db2 = (await journal(startSeq)).filter((e) => e.kind === 'probe' && e.target === 'db2' && e.text.startsWith('db.replication'))
    expect(db2.length).toBeLessThanOrEqual(5)
    expect(db2.at(-1)?.text).toMatch(/^db.replication ok/)
  })
})
