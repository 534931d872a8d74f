import { describe, expect, it } from 'vitest'
import { probeFresh, probeOffsite, probeVerify } from './backup'
import type { Exec, ExecOutput } from './db'

const out = (stdout: string, exitCode = 0, stderr = ''): ExecOutput => ({ stdout, stderr, exitCode })
/** a backup server answering each command by its first two words */
const answering = (answers: Record<string, ExecOutput>): Exec & { calls: string[][] } => {
  const calls: string[][] = []
  const exec = async (_server: string, cmd: string[]): Promise<ExecOutput> => {
    calls.push(cmd)
    const a = answers[cmd.slice(0, 2).join(' ')]
    if (!a) throw new Error(`unexpected ${cmd.join(' ')}`)
    return a
  }
  return Object.assign(exec, { calls })
}
const mailOk = JSON.stringify({ stores: [{ store: 'imap1-store', stamp: '20070614T020000', messages: 40 }, { store: 'imap3-store', stamp: '20070614T020000', messages: 12 }], referenced: 52, missing: [], missingCount: 0, sampled: 20, bad: [] })
const dbOk = JSON.stringify({ stamp: '20070614T020000', problems: [] })

describe('backup.verify', () => {
  it('passes when every named file is there, the sample hashes to its GUIDs and the DB stream has its sha256', async () => {
    const exec = answering({ 'racklab-mail-store verify': out(mailOk), 'racklab-db-backup verify': out(dbOk) })
    const r = await probeVerify(exec, 'backup1', 20)
    expect(r).toMatchObject({ id: 'backup.verify', target: 'backup1', ok: true, values: { referenced: 52, sampled: 20, missing: 0, bad: 0, dbProblems: 0 } })
    expect(r.message).toBe('restore drill ok — mail: imap1-store 20070614T020000, imap3-store 20070614T020000, 52 files named, 20 sampled and restored to scratch; database backup 20070614T020000 sha256 as when taken')
    expect(exec.calls).toContainEqual(['racklab-mail-store', 'verify', '20'])
  })

  it('names every kind of damage: files gone, a rotten sample, a DB stream that changed', async () => {
    const g = (c: string): string => c.repeat(40)
    const mail = JSON.stringify({ stores: [{ store: 'imap1-store', stamp: '20070614T020000', messages: 40 }], referenced: 40, missing: [g('a')], missingCount: 3, sampled: 20, bad: [g('b')] })
    const db = JSON.stringify({ stamp: '20070614T020000', problems: ["the stream's sha256 differs from the one taken when it was prepared"] })
    const r = await probeVerify(answering({ 'racklab-mail-store verify': out(mail, 1), 'racklab-db-backup verify': out(db, 1) }), 'backup1')
    expect(r.ok).toBe(false)
    expect(r.message).toContain(`3 message file(s) named by a snapshot are gone from backup1 (first: ${g('a')})`)
    expect(r.message).toContain(`1 of 20 sampled file(s) restored to scratch do not hash to their GUID (first: ${g('b')})`)
    expect(r.message).toContain("database backup 20070614T020000: the stream's sha256 differs")
  })

  it('a verify that dies silently is named by its exit code, not an empty reason', async () => {
    const mail = JSON.stringify({ stores: [], referenced: 0, missing: [], missingCount: 0, sampled: 0, bad: [] })
    const r = await probeVerify(answering({ 'racklab-mail-store verify': out(mail), 'racklab-db-backup verify': out('', 2) }), 'backup1')
    expect(r).toMatchObject({ ok: false, message: "backup1 can't verify its database backup: it exited 2 and printed nothing" })
  })

  it('nothing backed up yet is not a failed drill (backup.fresh reports that)', async () => {
    const mail = JSON.stringify({ stores: [], referenced: 0, missing: [], missingCount: 0, sampled: 0, bad: [] })
    const r = await probeVerify(answering({ 'racklab-mail-store verify': out(mail), 'racklab-db-backup verify': out('{"stamp":null}') }), 'backup1')
    expect(r).toMatchObject({ ok: true, message: 'restore drill ok — mail: no snapshot yet; database: no backup yet' })
    const H = 3_600_000
    const fresh = await probeFresh(answering({ 'racklab-db-backup list': out('') }), 'backup1', 27 * H)
    expect(fresh).toMatchObject({ ok: false, message: 'backup1 holds no complete database backup (the lab is 27.0 lab hours old: more than 26 without one)' })
  })

  it('a lab younger than 26 lab hours has missed no night: no backup yet is not a failure, then it is', async () => {
    const H = 3_600_000
    const none = answering({ 'racklab-db-backup list': out(''), 'racklab-mail-store list': out(JSON.stringify({ snapshots: [] })) })
    const young = await probeFresh(none, 'backup1', 2 * H, ['imap1-store'])
    expect(young).toMatchObject({ ok: true, values: { backups: 0 } })
    expect(young.message).toBe('no database backup yet; the lab is 2.0 lab hours old, so none is overdue (the first night at 02:00 lab time takes one, or backup-now)')
    expect((await probeFresh(none, 'backup1', 26.5 * H, ['imap1-store'])).ok).toBe(false)
    // a young lab's database backed up but a store never: not stale yet; an old one: stale
    const dbOnly = answering({ 'racklab-db-backup list': out(JSON.stringify({ stamp: '20070614T010000' })), 'racklab-mail-store list': out(JSON.stringify({ snapshots: [] })) })
    expect(await probeFresh(dbOnly, 'backup1', 2 * H, ['imap1-store'])).toMatchObject({ ok: true, values: { staleMailStores: 0 } })
    expect(await probeFresh(dbOnly, 'backup1', 26.5 * H, ['imap1-store'])).toMatchObject({ ok: false, values: { staleMailStores: 1 } })
    const empty = answering({ 'racklab-db-backup list': out('') })
    expect(await probeOffsite(empty, 'backup1', 'db3', { labMs: 2 * H })).toMatchObject({ ok: true, message: 'no backup yet to have offsite (the lab is 2.0 lab hours old)' })
    expect(await probeOffsite(empty, 'backup1', 'db3', { labMs: 27 * H })).toMatchObject({ ok: false, message: 'backup1 holds no backup to have offsite' })
  })

  it('a tool that could not run fails the drill with what it said', async () => {
    const r = await probeVerify(answering({ 'racklab-mail-store verify': out('', 2, 'racklab-mail-store: cannot read /backup/mail/snapshots/x.json'), 'racklab-db-backup verify': out(dbOk) }), 'backup1')
    expect(r).toMatchObject({ ok: false, message: "backup1 can't verify its mail snapshots: racklab-mail-store: cannot read /backup/mail/snapshots/x.json" })
  })
})

describe('backup.offsite', () => {
  const list = out(['20070613T020000', '20070614T020000'].map((stamp) => JSON.stringify({ stamp })).join('\n'))
  /** backup1 lists two backups; db3 holds those in `complete` */
  const site = (complete: string[]): Exec => async (server, cmd) => {
    if (server === 'backup1' && cmd.join(' ') === 'racklab-db-backup list') return list
    if (server === 'db3' && cmd[0] === 'test') return out('', complete.some((s) => cmd[2] === `/var/backups/racklab/${s}/COMPLETE`) ? 0 : 1)
    throw new Error(`unexpected ${server} ${cmd.join(' ')}`)
  }

  it('passes when the newest backup is complete offsite, and fails when it is not and no run is under way', async () => {
    expect(await probeOffsite(site(['20070613T020000', '20070614T020000']), 'backup1', 'db3')).toMatchObject({ ok: true, message: 'backup 20070614T020000 is complete on db3 (sha256 checked when copied)' })
    expect(await probeOffsite(site(['20070613T020000']), 'backup1', 'db3')).toMatchObject({ ok: false, message: 'backup 20070614T020000 is not complete on db3' })
  })

  it('during a backup run, the newest missing offsite is the copy in progress, if the one before it is there', async () => {
    expect(await probeOffsite(site(['20070613T020000']), 'backup1', 'db3', { running: true })).toMatchObject({
      ok: true,
      message: 'backup 20070614T020000 is being copied to db3 now (a backup run is under way); the one before it, 20070613T020000, is complete there',
      values: { copying: true },
    })
    // the one before it is missing too: that is not the run's doing
    expect(await probeOffsite(site([]), 'backup1', 'db3', { running: true })).toMatchObject({ ok: false, message: 'backup 20070614T020000 is not complete on db3' })
  })
})
