// Record → scenario on made-up journals: actions with args and lab-time waits, the probes that held at the end,
// the inverses newest first; an empty range, a vanished action and another topology are refused by name.
import type { JournalEntry } from '@contract/status'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { parseScenario } from '../scenarios/load'
import { loadTopology } from '../topology/loader'
import { exportProblems, exportScenario, probesAtEnd, recordedActions, standingEntry, topologyDifferences } from './export-scenario'

let seq = 0
const e = (kind: JournalEntry['kind'], labMs: number, text: string, target?: string, data?: unknown): JournalEntry => ({ seq: ++seq, at: '', labMs, kind, text, ...(target ? { target } : {}), ...(data ? { data } : {}) })
const act = (labMs: number, target: string, action: string, inverse: object, extra: object = {}): JournalEntry => e('action', labMs, `${action} ${target}: done`, target, { action, args: {}, seq: seq + 1, family: 'hardware', inverse, ok: true, ...extra })

seq = 0
const journal: JournalEntry[] = [
  e('probe', 0, 'db.replication ok: in sync', 'db2', { probe: 'db.replication', key: 'db.replication@db2', ok: true }),
  act(1000, 'server:imap1', 'power-on', { action: 'power-off' }), // 2: before the stretch
  act(60_000, 'cable:db2/int', 'unplug', { action: 'plug' }), // 3
  e('action', 61_000, 'console opened on db1', 'server:db1'),
  e('probe', 70_000, 'db.replication FAILED: behind', 'db2', { probe: 'db.replication', key: 'db.replication@db2', ok: false }),
  act(180_000, 'server:imap2', 'resync', { none: 'a resync copies mail' }, { args: { user: 'bob' } }), // 6
  act(190_000, 'circuit:nyi-1-a', 'trip', { action: 'reset' }), // 7
  act(200_000, 'circuit:nyi-1-a', 'reset', { action: 'trip' }, { undoes: 7 }), // 8
  e('action', 210_000, 'fail disk:raid1/3 FAILED: no', 'disk:raid1/3', { action: 'fail', args: {}, inverse: { action: 'replace' }, ok: false }),
  e('probe', 220_000, 'mx.queue ok: empty', 'mx1', { probe: 'mx.queue', key: 'mx.queue@mx1', ok: true }),
  e('probe', 230_000, 'imap.replication ok', 'imap1', { probe: 'imap.replication', key: 'x', ok: true }),
  e('probe', 231_000, 'db.ping ok', 'db3', { probe: 'db.ping', key: 'db.ping@db3', ok: true }),
  e('probe', 232_000, 'server.running FAILED: db3 is powered-off', 'db3', { probe: 'server.running', key: 'server.running@db3', ok: false }),
]

describe('recordedActions', () => {
  it('takes the successful actions with data in (since, until]', () => {
    expect(recordedActions(journal, 2).map((a) => [a.step, a.journalSeq, a.action, a.target])).toEqual([[1, 3, 'unplug', 'cable:db2/int'], [2, 6, 'resync', 'server:imap2'], [3, 7, 'trip', 'circuit:nyi-1-a'], [4, 8, 'reset', 'circuit:nyi-1-a']])
    expect(recordedActions(journal, 2, 6).length).toBe(2)
  })

  it('an empty range is refused with what to look at', () => {
    expect(() => recordedActions(journal, 8)).toThrow(/nothing to export: no action succeeded after journal entry 8 \(racklab journal --since 8/)
    expect(() => recordedActions(journal, 3, 5)).toThrow(/after journal entry 3 up to 5/)
  })
})

describe('probesAtEnd', () => {
  it('forgets results from before the lab was taken down', () => {
    seq = 100
    const j = [
      e('probe', 0, 'db.replication FAILED: not a replica', 'db1', { probe: 'db.replication', key: 'k', ok: false }),
      e('op', 1, 'down: removed 3 containers'),
      e('op', 2, 'up: db1, db2'),
      e('probe', 3, 'db.ping ok', 'db1', { probe: 'db.ping', key: 'k2', ok: true }),
    ]
    expect(probesAtEnd(j)).toEqual([{ probe: 'db.ping', target: 'db1', ok: true }])
    expect(probesAtEnd(j, 101)).toEqual([{ probe: 'db.replication', target: 'db1', ok: false }])
  })

  it('a probe over a set of servers stands on its newest set, and not while one of them is down', () => {
    seq = 200
    const sum = (target: string, ok: boolean, text = 'identical'): JournalEntry => e('probe', 0, `db.checksum ${ok ? 'ok' : 'FAILED'}: ${text}`, target, { probe: 'db.checksum', key: `db.checksum@${target}`, ok })
    const running = (id: string, ok: boolean): JournalEntry => e('probe', 0, `server.running ${ok ? 'ok' : 'FAILED'}`, id, { probe: 'server.running', key: `server.running@${id}`, ok })
    // db1 goes and comes back: the checksum ran over db2,db3 meanwhile (ok, so its end was never journaled)
    const j = [sum('db1,db2,db3', true), running('db1', false), sum('db2,db3', true), running('db1', true), sum('db1,db2,db3', false, 'differs'), sum('db1,db2,db3', true)]
    expect(probesAtEnd(j)).toEqual([{ probe: 'db.checksum', target: 'db1,db2,db3', ok: true }, { probe: 'server.running', target: 'db1', ok: true }])
    // while db1 is down the set without it stands; a set naming a server that is down does not
    expect(probesAtEnd(j, 203)).toEqual([{ probe: 'db.checksum', target: 'db2,db3', ok: true }, { probe: 'server.running', target: 'db1', ok: false }])
    expect(probesAtEnd([sum('db1,db2,db3', false), running('db1', false)])).toEqual([{ probe: 'server.running', target: 'db1', ok: false }])
  })

  it('a set down to one server is still the set: once it is whole again, the one-server target is over', () => {
    seq = 250
    const vips = (target: string): JournalEntry => e('probe', 0, 'web.vips ok', target, { probe: 'web.vips', key: `web.vips@${target}`, ok: true })
    // fe1 was off for a while (web.vips ran on fe2 alone, passing: its end was never journaled), then came back
    expect(probesAtEnd([vips('fe1,fe2'), vips('fe2'), vips('fe1,fe2')])).toEqual([{ probe: 'web.vips', target: 'fe1,fe2', ok: true }])
    expect(probesAtEnd([vips('fe1,fe2'), vips('fe2')])).toEqual([{ probe: 'web.vips', target: 'fe2', ok: true }])
  })
})

describe('exportScenario', () => {
  const opts = { name: 'incident-2-end', since: 2, speed: 60, up: ['db1', 'db2', 'db3', 'mx1'], recordedOn: { topology: 'nyi-2007', servers: { db1: 'db' } } }

  it('writes acts with args, lab-time waits as wall sleeps, end probes of running servers, inverses newest first', () => {
    const doc = parse(exportScenario(journal, opts)) as { steps: Record<string, unknown>[]; cleanup: Record<string, unknown>[]; up: string[] }
    expect(doc.up).toEqual(opts.up)
    expect(doc.steps).toEqual([
      { name: 'recorded step 1 (journal 3): unplug cable:db2/int', act: 'cable:db2/int unplug' },
      { name: 'wait 2m 0s of lab time, as recorded', sleep: '2000ms' },
      { name: 'recorded step 2 (journal 6): resync server:imap2', act: 'server:imap2 resync user=bob' },
      // 10 s of lab time is 167 ms of wall time at 60×
      { name: 'wait 10s of lab time, as recorded', sleep: '167ms' },
      { name: 'recorded step 3 (journal 7): trip circuit:nyi-1-a', act: 'circuit:nyi-1-a trip' },
      { name: 'wait 10s of lab time, as recorded', sleep: '167ms' },
      { name: 'recorded step 4 (journal 8): reset circuit:nyi-1-a', act: 'circuit:nyi-1-a reset' },
      // imap1 was not in the lab: its probe is not expected; db3 was, powered off at the end (server.running
      // fails): its last db.ping is stale, and only server.running (which says it is down) is expected
      { expect: { probe: 'db.replication', target: 'db2', ok: false }, within: '120s' },
      { expect: { probe: 'mx.queue', target: 'mx1', ok: true }, within: '120s' },
      { expect: { probe: 'server.running', target: 'db3', ok: false }, within: '120s' },
    ])
    // a probe over servers that were all up is expected; one over a server the lab did not have is not
    seq = 300
    const sums = [...journal, e('probe', 240_000, 'db.checksum ok', 'db1,db2', { probe: 'db.checksum', key: 'c', ok: true }), e('probe', 241_000, 'storage.replicas ok', 'file1,file2', { probe: 'storage.replicas', key: 'f', ok: true })]
    const withSums = (parse(exportScenario(sums, opts)) as { steps: { expect?: { probe: string } }[] }).steps.filter((s) => s.expect).map((s) => s.expect)
    expect(withSums).toContainEqual({ probe: 'db.checksum', target: 'db1,db2', ok: true })
    expect(withSums.map((x) => x!.probe)).not.toContain('storage.replicas')
    // the trip was undone inside the stretch; the resync has no way back
    expect(doc.cleanup).toEqual([{ say: 'no way back from resync server:imap2: a resync copies mail' }, { act: 'cable:db2/int plug', optional: true }])
  })

  it('a stretch cut off right after its last action says so; a round of every probe after it says what stands', () => {
    const at = (s: number): string => new Date(Date.UTC(2026, 11, 5, 3, 0, 0) + s * 1000).toISOString()
    const timed = (x: JournalEntry, s: number): JournalEntry => ({ ...x, at: at(s) })
    seq = 500
    const j = [
      timed(e('probe', 0, 'db.replication ok: in sync', 'db2', { probe: 'db.replication', key: 'r', ok: true }), 0),
      timed(e('probe', 0, 'mx.queue ok: empty', 'mx1', { probe: 'mx.queue', key: 'q', ok: true }), 1),
      timed(act(60_000, 'cable:db2/int', 'unplug', { action: 'plug' }), 10), // 503
    ]
    const o = { ...opts, since: 502 }
    const doc = (entries: JournalEntry[]): { steps: { expect?: object }[]; description: string } => parse(exportScenario(entries, o)) as { steps: { expect?: object }[]; description: string }
    const expects = (entries: JournalEntry[]): object[] => doc(entries).steps.filter((x) => x.expect)
    // ended at once: what the journal holds is kept (the user chose that end), and the description says it may be
    // the lab as it was before the unplug
    expect(expects(j)).toEqual([{ expect: { probe: 'db.replication', target: 'db2', ok: true }, within: '120s' }, { expect: { probe: 'mx.queue', target: 'mx1', ok: true }, within: '120s' }])
    expect(doc(j).description).toMatch(/it ends 0 s after its last action, before every probe had run again: a result from before that action may be expected as it was; an export without --until waits for the probes/)
    // the export up to now waited for every probe and journaled what stands: that is what is expected, said plainly
    const round = timed({ seq: ++seq, labMs: 62_000, ...standingEntry(503, [{ id: 'mx.queue', target: 'mx1', ok: true }, { id: 'db.replication', target: 'db2', ok: false }]) } as JournalEntry, 16)
    expect(round.text).toBe('probes: every probe ran again after entry 503: 1 passing, 1 failing (db.replication on db2)')
    expect(expects([...j, round])).toEqual([{ expect: { probe: 'db.replication', target: 'db2', ok: false }, within: '120s' }, { expect: { probe: 'mx.queue', target: 'mx1', ok: true }, within: '120s' }])
    expect(doc([...j, round]).description).not.toMatch(/before every probe/)
    // a minute after the last action, the journal's changes are taken as they are, without a word
    expect(doc([...j, timed(e('engine', 70_000, 'something else'), 75)]).description).not.toMatch(/before every probe/)
  })

  it('the file loads as a scenario on the same topology and is refused on another, with the differences', async () => {
    const { topology } = await loadTopology(undefined)
    const { allServers } = await import('../topology/queries')
    const servers = Object.fromEntries(allServers(topology).map((p) => [p.server.id, p.server.role]))
    const text = exportScenario(journal, { ...opts, recordedOn: { topology: 'nyi-2007', servers } })
    expect(parseScenario(text, 'incident.yaml', topology).steps.length).toBe(10)
    const other = { ...servers, db9: 'db', web1: 'db' } as Record<string, string>
    delete other.db3
    const moved = exportScenario(journal, { ...opts, recordedOn: { topology: 'nyi-2009', servers: other } })
    expect(() => parseScenario(moved, 'incident.yaml', topology)).toThrow(/recorded on topology nyi-2009, which differs from this lab's \(nyi-2007\): web1 was db when recorded and is web here; db9 \(db\) was in the recorded lab and is not in this one; db3 \(db\) is in this lab and was not in the recorded one/)
  })

  it('a wait is the idle gap from the end of one action to the start of the next, not the time between their entries', () => {
    seq = 400
    // a backup that took 10 min of lab time (its entry is written when it ends), a minute of nothing, then a
    // pull that took 4 min: the user waited 1 min, so the replay waits 1 s of wall time at 60×, not 5 s
    const j = [
      act(600_000, 'server:backup1', 'backup-now', { none: 'a backup only adds a snapshot' }, { startLabMs: 0 }),
      act(900_000, 'disk:raid1/3', 'pull', { action: 'insert' }, { startLabMs: 660_000 }),
      // an entry from before actions carried their start counts from its end (as if it took no time)
      act(960_000, 'server:db1', 'run-hot', { action: 'run-idle' }),
    ]
    const steps = (parse(exportScenario(j, { ...opts, since: 400 })) as { steps: Record<string, unknown>[] }).steps.filter((s) => s.sleep)
    expect(steps).toEqual([
      { name: 'wait 1m 0s of lab time, as recorded', sleep: '1000ms' },
      { name: 'wait 1m 0s of lab time, as recorded', sleep: '1000ms' },
    ])
  })

  it('an inverse done by hand cancels the action it puts back: both stay steps, neither is cleaned up', () => {
    seq = 500
    const j = [
      act(1000, 'cable:db2/int', 'unplug', { action: 'plug' }),
      act(2000, 'server:db1', 'run-hot', { action: 'run-idle' }),
      act(3000, 'cable:db2/int', 'plug', { action: 'unplug' }), // by hand, not `racklab undo`
      act(4000, 'server:db1', 'firewall-block', { action: 'firewall-unblock', args: { port: '3306' } }, { args: { port: '3306' } }),
      act(5000, 'server:db1', 'firewall-unblock', { action: 'firewall-block', args: { port: '3306' } }, { args: { port: '3306' } }),
      // unblocking another port than the one blocked puts nothing back
      act(6000, 'server:db1', 'firewall-block', { action: 'firewall-unblock', args: { port: '25' } }, { args: { port: '25' } }),
      act(7000, 'server:db1', 'firewall-unblock', { action: 'firewall-block', args: { port: '110' } }, { args: { port: '110' } }),
      // pulled, put back, pulled again: one pull is in effect
      act(8000, 'cable:db3/wan', 'unplug', { action: 'plug' }),
      act(9000, 'cable:db3/wan', 'plug', { action: 'unplug' }),
      act(10_000, 'cable:db3/wan', 'unplug', { action: 'plug' }),
    ]
    const doc = parse(exportScenario(j, { ...opts, since: 500 })) as { steps: { act?: string }[]; cleanup: Record<string, unknown>[] }
    expect(doc.steps.map((s) => s.act).filter(Boolean)).toEqual([
      'cable:db2/int unplug',
      'server:db1 run-hot',
      'cable:db2/int plug',
      'server:db1 firewall-block port=3306',
      'server:db1 firewall-unblock port=3306',
      'server:db1 firewall-block port=25',
      'server:db1 firewall-unblock port=110',
      'cable:db3/wan unplug',
      'cable:db3/wan plug',
      'cable:db3/wan unplug',
    ])
    expect(doc.cleanup).toEqual([
      { act: 'cable:db3/wan plug', optional: true },
      { act: 'server:db1 firewall-block port=110', optional: true },
      { act: 'server:db1 firewall-unblock port=25', optional: true },
      { act: 'server:db1 run-idle', optional: true },
    ])
  })

  it('an undo of an action from before the stretch is in effect: its own inverse is the way back', () => {
    seq = 600
    const j = [act(1000, 'cable:db2/int', 'unplug', { action: 'plug' }), act(2000, 'cable:db2/int', 'plug', { action: 'unplug' }, { undoes: 601 })]
    const doc = parse(exportScenario(j, { ...opts, since: 601 })) as { cleanup: Record<string, unknown>[] }
    expect(doc.cleanup).toEqual([{ act: 'cable:db2/int unplug', optional: true }])
  })

  it('an arg with a space cannot be a step, and says which', () => {
    const j = [act(0, 'server:imap2', 'resync', { none: 'x' }, { args: { user: 'bob smith' } })]
    expect(() => exportScenario(j, { ...opts, since: 0 })).toThrow(/step 1 \(journal \d+, resync server:imap2\): user="bob smith" cannot be written/)
  })
})

describe('checks against the lab', () => {
  it('names each step whose action no longer exists', async () => {
    const problems = await exportProblems(journal, 2, undefined, async (target, action) => (target === 'cable:db2/int' ? 'no target cable:db2/int in this lab' : action === 'resync' ? 'server:imap2 has no action "resync"' : undefined))
    expect(problems).toEqual(['step 1 (journal 3, unplug cable:db2/int): no target cable:db2/int in this lab', 'step 2 (journal 6, resync server:imap2): server:imap2 has no action "resync"'])
  })

  it('probesAtEnd: the newest result of each probe on each target, up to until', () => {
    expect(probesAtEnd(journal, 5)).toEqual([{ probe: 'db.replication', target: 'db2', ok: false }])
    expect(topologyDifferences({ a: 'db' }, { a: 'db' })).toEqual([])
  })
})
