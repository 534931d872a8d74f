// backup.list against a fake lab on the real nyi-2007 topology: the nights merged from backup1's database
// backups, the offsite store's and its mail snapshots; the last run from the journal; the errors when the lab
// has no backup server or it does not run.
import { describe, expect, it } from 'vitest'
import type { ServerStatus } from '@contract/status'
import { Journal } from '../journal/journal'
import type { HookContext } from '../roles/types'
import { loadTopology } from '../topology/loader'
import { allServers } from '../topology/queries'
import { labBackups, lastRunOf, type BackupLab } from './lab-backups'

const DB = [
  { stamp: '20070614T020000', binlogFile: 'db2-bin.000002', binlogPos: 400, gtid: '0-1-90', bytes: 18_000_000, ms: 5000 },
  { stamp: '20070615T020000', binlogFile: 'db2-bin.000003', binlogPos: 880, gtid: '0-1-190', bytes: 19_000_000, ms: 5200 },
]
const MAIL = {
  snapshots: [
    { stamp: '20070615T020000', stores: [{ store: 'imap1', stamp: '20070615T020000', source: 'imap2', accounts: 4, mailboxes: 8, messages: 12, bytes: 24_000, newFiles: 2, newBytes: 4000, ms: 900 }] },
    // a night whose database backup was not taken (db2 unreachable): the mail alone
    { stamp: '20070616T020000', stores: [{ store: 'imap1', stamp: '20070616T020000', source: 'imap2', accounts: 4, mailboxes: 8, messages: 12, bytes: 24_000 }] },
  ],
  stored: { files: 12, bytes: 24_000 },
}

async function fakeLab(state: ServerStatus['state'] = 'running', withBackup = true): Promise<{ lab: BackupLab; journal: Journal; asked: string[] }> {
  const { topology } = await loadTopology(undefined)
  const journal = new Journal(undefined)
  const asked: string[] = []
  const placed = allServers(topology).filter((p) => withBackup || p.server.role !== 'backup')
  const exec: HookContext['exec'] = async (server, cmd) => {
    asked.push(`${server}: ${cmd.join(' ')}`)
    const out = (stdout: string): { exitCode: number; stdout: string; stderr: string } => ({ exitCode: 0, stdout, stderr: '' })
    if (server === 'backup1' && cmd[0] === 'racklab-db-backup') return out(DB.map((d) => JSON.stringify(d)).join('\n') + '\n')
    if (server === 'backup1' && cmd[0] === 'racklab-mail-store') return out(JSON.stringify(MAIL) + '\n')
    // the first night is complete offsite, the second is not
    if (server === 'db3' && cmd[0] === 'sh') return out('20070614T020000\n')
    return { exitCode: 1, stdout: '', stderr: `unexpected ${cmd.join(' ')}` }
  }
  const lab = {
    topology,
    journal,
    servers: new Map(placed.map((p) => [p.server.id, p])),
    requireEngine: () => undefined,
    serverStatus: (id: string) => ({ id, role: 'backup', state }) as ServerStatus,
    hookContext: (id: string) => ({ topology, server: placed.find((p) => p.server.id === id)!.server, exec }) as unknown as HookContext,
  } as unknown as BackupLab
  return { lab, journal, asked }
}

describe('labBackups', () => {
  it('merges backup1\'s database backups (offsite from db3) and mail snapshots night by night, with what is stored', async () => {
    const { lab, journal } = await fakeLab()
    journal.append({ kind: 'action', target: 'server:backup1', text: 'backup-now server:backup1: backup 20070616T020000: …', data: { action: 'backup-now', ok: true } })
    journal.append({ kind: 'action', target: 'server:db2', text: 'stop server:db2', data: { action: 'stop', ok: true } })
    const b = await labBackups(lab)
    expect(b.server).toBe('backup1')
    expect(b.offsite).toBe('db3')
    expect(b.nights.map((n) => [n.stamp, n.db?.gtid, n.db?.offsite, n.mail.map((m) => `${m.store}:${m.messages}:${m.newFiles ?? '-'}`)])).toEqual([
      ['20070614T020000', '0-1-90', true, []],
      ['20070615T020000', '0-1-190', false, ['imap1:12:2']],
      ['20070616T020000', undefined, undefined, ['imap1:12:-']],
    ])
    expect(b.nights[1]!.labMs).toBe(26 * 3_600_000)
    expect(b.stored).toEqual({ mailFiles: 12, mailBytes: 24_000, dbBytes: 37_000_000 })
    expect(b.retentionNights).toBe(lab.topology.backup.retentionNights)
    expect(b.lastRun).toMatchObject({ seq: 1, ok: true, text: 'backup-now server:backup1: backup 20070616T020000: …' })
  })

  it('says plainly when backup1 does not run, or the lab has no backup server, or the one named is not one', async () => {
    await expect(labBackups((await fakeLab('stopped')).lab)).rejects.toThrow("backup1 is stopped, not running: its backups can't be read until it runs")
    await expect(labBackups((await fakeLab('absent')).lab)).rejects.toThrow('backup1 is not created (run up with it)')
    await expect(labBackups((await fakeLab('running', false)).lab)).rejects.toThrow(/topology nyi-2007 has no backup server/)
    await expect(labBackups((await fakeLab()).lab, 'db2')).rejects.toThrow('db2 is not a backup server of topology nyi-2007 (backup servers: backup1)')
  })
})

describe('lastRunOf', () => {
  it('is the newest backup-now of that server, or a missed or failed night, never another server\'s or action\'s', () => {
    const j = new Journal(undefined)
    j.append({ kind: 'action', target: 'server:backup1', text: 'backup-now server:backup1: backup 20070614T020000: …', data: { action: 'backup-now', ok: true } })
    j.append({ kind: 'action', target: 'server:backup1', text: 'restore-mail user=bob server:backup1: …', data: { action: 'restore-mail', ok: true } })
    expect(lastRunOf(j.list(), 'backup1')?.seq).toBe(1)
    j.append({ kind: 'engine', target: 'server:backup1', text: 'night 2: backup1 is not running, so the nightly backup is missed (the next night catches up)' })
    expect(lastRunOf(j.list(), 'backup1')).toMatchObject({ seq: 3, ok: false })
    j.append({ kind: 'action', target: 'server:backup1', text: 'backup-now server:backup1 FAILED: …', data: { action: 'backup-now', ok: false } })
    expect(lastRunOf(j.list(), 'backup1')).toMatchObject({ seq: 4, ok: false })
    expect(lastRunOf(j.list(), 'backup2')).toBeUndefined()
  })
})
