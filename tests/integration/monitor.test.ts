// The monitor on the real DB tier: nobody calls check, yet a tripped circuit that takes db2's switch down is
// an alert naming db2's broken replication within 15 s; check answers at once from the monitor's results,
// lists every probe with reasons, and the alert clears when the power is back.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertsChanged } from '@contract/monitor'
import type { ProbeResult } from '@contract/status'
import { createRuntime, type Runtime } from '../../main/api/runtime'
import { racklab, ROOT, TEST_HOME, TEST_LAB, until } from './helpers'

let rt: Runtime
const changes: { at: number; c: AlertsChanged }[] = []
const call = async <T>(cmd: Parameters<Runtime['dispatch']>[0], arg?: unknown): Promise<T> => {
  const r = await rt.dispatch(cmd, arg as never)
  if (!r.ok) throw new Error(`${cmd}: ${r.error.code} ${r.error.message}`)
  return r.value as T
}
const act = (target: string, action: string): Promise<{ text: string }> => call('actions.run', { target, action })
const alertIds = (): string[] => rt.monitor!.activeAlerts().map((a) => a.id)

describe('the monitor on the DB tier', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    const up = await racklab(['up', '--only', 'db1,db2,db3'])
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`)
    process.env.RACKLAB_HOME = TEST_HOME
    rt = await createRuntime({ labId: TEST_LAB, watch: true })
    rt.bus.on('alerts.changed', (c) => changes.push({ at: Date.now(), c }))
  })
  afterAll(async () => {
    rt?.close()
    await racklab(['down', '--volumes'])
  })

  it('watches replication by itself: every DB probe reports, lag is in the history', async () => {
    expect(rt.monitor).toBeDefined()
    await until('db2 and db3 replication results', async () => rt.monitor!.latestResults().filter((r) => r.id === 'db.replication' && r.ok).length === 2 || undefined, 60_000, 500)
    await until('two lag samples of db2', async () => (rt.monitor!.historySeries(['db.replication@db2'])[0]?.points.length ?? 0) >= 2 || undefined, 30_000, 500)
    const [lag] = await call<{ points: { values: Record<string, number> }[] }[]>('monitor.history', { keys: ['db.replication@db2'] })
    expect(lag?.points.at(-1)?.values.lagSeconds).toBeGreaterThanOrEqual(0)
    const circuits = await call<{ key: string }[]>('monitor.history', {})
    expect(circuits.map((s) => s.key)).toContain('circuit:nyi-2-a')
    expect(alertIds().filter((id) => id.startsWith('replication'))).toEqual([])
  })

  it('trip nyi-2-a (sw-int2 has one PSU): within 15 s an alert names db2’s broken replication; check lists every probe at once', async () => {
    // racklab watch --json in another process, as QA would run it: NDJSON lines until Ctrl-C
    const watcher = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), 'watch', '--json'], { cwd: ROOT, env: { ...process.env, RACKLAB_LAB: TEST_LAB, RACKLAB_HOME: TEST_HOME } })
    let watched = ''
    watcher.stdout.on('data', (d: Buffer) => (watched += d.toString()))
    const watcherExit = new Promise<number | null>((r) => watcher.on('close', r))
    const t0 = Date.now()
    await act('circuit:nyi-2-a', 'trip')
    await until('the replication alert for db2', async () => alertIds().includes('replication.stopped@server:db2') || undefined, 15_000, 200)
    const raised = changes.find((x) => x.c.raised.some((a) => a.id === 'replication.stopped@server:db2'))
    console.log(`alert for db2 raised ${raised!.at - t0} ms after the trip: ${raised!.c.raised.map((a) => a.text).join('; ')}`)
    expect(raised!.at - t0).toBeLessThan(15_000)
    const alerts = await call<{ running: boolean; alerts: { id: string; text: string }[] }>('alerts.list')
    expect(alerts.running).toBe(true)
    expect(alerts.alerts.map((a) => a.id)).toEqual(expect.arrayContaining(['replication.stopped@server:db2', 'circuit.tripped@circuit:nyi-2-a']))
    expect(alerts.alerts.find((a) => a.id === 'replication.stopped@server:db2')?.text).toMatch(/db2/)

    const t1 = Date.now()
    const results = await call<ProbeResult[]>('lab.check')
    console.log(`check from the monitor answered in ${Date.now() - t1} ms`)
    expect(Date.now() - t1).toBeLessThan(1000)
    const listed = results.map((r) => `${r.id}@${r.target}`).sort()
    expect(listed).toEqual(expect.arrayContaining(['db.checksum@db1,db2,db3', 'db.ping@db1', 'db.ping@db2', 'db.ping@db3', 'db.replication@db2', 'db.replication@db3']))
    // the rest: servers the dead circuit left without power (ns2 has one PSU) are failed server.running results
    expect(listed.filter((k) => !k.startsWith('db.')).every((k) => k.startsWith('server.running@'))).toBe(true)
    for (const r of results) expect(r.ageMs).toBeGreaterThanOrEqual(0)
    expect(results.find((r) => r.id === 'db.replication' && r.target === 'db2')).toMatchObject({ ok: false, message: expect.stringMatching(/db2/) })

    // the one-shot CLI (no monitor) runs every probe itself and still lists them all, failed ones with reasons
    const cli = await racklab(['check', '--json'])
    const doc = JSON.parse(cli.stdout) as { ok: boolean; monitor: boolean; results: ProbeResult[] }
    expect(cli.code).toBe(1)
    expect(doc.monitor).toBe(false)
    expect(doc.results.map((r) => `${r.id}@${r.target}`).sort()).toEqual(listed)
    expect(doc.results.filter((r) => !r.ok).map((r) => `${r.id}@${r.target}`)).toEqual(expect.arrayContaining(['db.replication@db2']))
    expect(doc.results.filter((r) => !r.ok).every((r) => r.message.length > 0)).toBe(true)

    const fresh = await call<ProbeResult[]>('lab.check', { fresh: true })
    expect(fresh.map((r) => `${r.id}@${r.target}`).sort()).toEqual(listed)

    const lines = (): { type: string; change?: string; alert?: { id: string } }[] => watched.split('\n').filter(Boolean).map((l) => JSON.parse(l) as never)
    await until('racklab watch to show the db2 alert', async () => lines().some((l) => l.type === 'alert' && l.alert?.id === 'replication.stopped@server:db2') || undefined, 60_000, 500)
    watcher.kill('SIGINT')
    expect(await watcherExit).toBe(0)
    expect(lines().every((l) => l.type === 'alert' || l.type === 'journal')).toBe(true)
  })

  it('power back: reset, power the rack on → the replication alert clears by itself', async () => {
    await act('circuit:nyi-2-a', 'reset')
    await act('rack:nyi-2', 'power-on')
    await until('the replication alert for db2 to clear', async () => !alertIds().includes('replication.stopped@server:db2') || undefined, 90_000, 500)
    expect(changes.some((x) => x.c.cleared.some((a) => a.id === 'replication.stopped@server:db2'))).toBe(true)
    const probes = rt.lab.journal.list(0, 5000).filter((e) => e.kind === 'probe' && e.target === 'db2' && e.text.startsWith('db.replication'))
    // journaled on change only: ok, FAILED (maybe a second kind of failure while the switch comes back), ok
    expect(probes.length).toBeLessThanOrEqual(5)
    expect(probes.at(-1)?.text).toMatch(/^db.replication ok/)
  })
})
