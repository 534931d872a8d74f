// `backup.list`: what the backup server holds, night by night — the hot database backup (size, GTID, offsite or
// not) and each mail store's snapshot — read from backup1 itself (racklab-db-backup list, racklab-mail-store
// list) and the offsite store, plus the newest run's report from the journal. Nothing is cached: the panel
// shows what is on the disk now (a lost pool shows no nights).
import type { BackupNight, BackupsInfo } from '@contract/backup'
import type { PoolStatus } from '@contract/hardware'
import { LabError } from '@contract/lab-error'
import type { JournalEntry } from '@contract/status'
import { dbBackups, stampMs } from '../roles/backup-db'
import { mailSnapshots } from '../roles/backup-mail'
import { isBusy } from '../roles/backup-actions'
import { poolRefusal } from '../roles/backup-pool'
import { interruptedText } from '../roles/restore-decision'
import { markStore } from '../roles/restore-mark'
import type { HookContext } from '../roles/types'
import type { LabView } from './lab-context'

export interface BackupLab extends LabView {
  hookContext(server: string): HookContext
}

/** the backup server asked for, or the lab's only one; an error that says which exist otherwise */
export function backupServerOf(lab: LabView, server: string | undefined): string {
  const ids = [...lab.servers.values()].filter((p) => p.server.role === 'backup').map((p) => p.server.id)
  if (!ids.length) throw new LabError('NOT_FOUND', `topology ${lab.topology.name} has no backup server (no server with role backup)`)
  if (server === undefined) return ids[0]!
  if (!ids.includes(server)) throw new LabError('NOT_FOUND', `${server} is not a backup server of topology ${lab.topology.name} (backup servers: ${ids.join(', ')})`)
  return server
}

/** the newest backup run of `server` in the journal: a backup-now (nightly or asked for), a missed or failed night */
export function lastRunOf(entries: readonly JournalEntry[], server: string): BackupsInfo['lastRun'] {
  const target = `server:${server}`
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!
    if (e.target !== target) continue
    const data = e.data as { action?: string; ok?: boolean } | undefined
    if (e.kind === 'action' && data?.action === 'backup-now') return { seq: e.seq, at: e.at, labMs: e.labMs, ok: data.ok !== false, text: e.text }
    if (e.kind === 'engine' && /nightly backup/.test(e.text)) return { seq: e.seq, at: e.at, labMs: e.labMs, ok: false, text: e.text }
  }
  return undefined
}

export async function labBackups(lab: BackupLab, server?: string): Promise<BackupsInfo> {
  lab.requireEngine()
  const id = backupServerOf(lab, server)
  const st = lab.serverStatus(id)
  if (st.state !== 'running') throw new LabError('REFUSED', `${id} is ${st.state === 'absent' ? 'not created (run up with it)' : `${st.state}, not running`}: its backups can't be read until it runs`)
  const c = lab.hookContext(id)
  const lastRun = lastRunOf(lab.journal.list(0, Number.MAX_SAFE_INTEGER), id)
  // a record of a restore this engine is not running now: a killed engine's, waiting to be resumed or rolled back
  const left = isBusy(id) ? undefined : markStore(c)?.read()
  const interrupted = left ? { interrupted: interruptedText(left) } : {}
  const hw = c.pool?.(id)
  const lost = poolRefusal(c)
  const pool = hw ? { pool: { state: hw.state, text: lost ?? poolText(hw) } } : {}
  // a lost pool lost the backups with it: there is nothing on backup1 to list (its commands refuse), and saying so
  // is the answer rather than an error
  if (lost !== undefined) {
    return { server: id, nights: [], stored: { mailFiles: 0, mailBytes: 0, dbBytes: 0 }, retentionNights: c.topology.backup.retentionNights, ...pool, ...(lastRun ? { lastRun } : {}), ...interrupted }
  }
  const [db, mail] = await Promise.all([dbBackups(c), mailSnapshots(c)])
  const offsite = new Set(db.offsite?.stamps ?? [])
  const nights = new Map<string, BackupNight>()
  const night = (stamp: string): BackupNight => nights.get(stamp) ?? nights.set(stamp, { stamp, labMs: stampMs(stamp), mail: [] }).get(stamp)!
  for (const b of db.local) night(b.stamp).db = { bytes: b.bytes, gtid: b.gtid, binlogFile: b.binlogFile, binlogPos: b.binlogPos, offsite: offsite.has(b.stamp), ms: b.ms }
  for (const s of mail.snapshots) {
    night(s.stamp).mail = s.stores.map((x) => ({
      store: x.store,
      source: x.source,
      accounts: x.accounts,
      mailboxes: x.mailboxes,
      messages: x.messages,
      bytes: x.bytes,
      ...(x.newFiles === undefined ? {} : { newFiles: x.newFiles }),
      ...(x.newBytes === undefined ? {} : { newBytes: x.newBytes }),
      ...(x.ms === undefined ? {} : { ms: x.ms }),
    }))
  }
  return {
    server: id,
    ...(db.offsite ? { offsite: db.offsite.server } : {}),
    nights: [...nights.values()].sort((a, b) => a.stamp.localeCompare(b.stamp)),
    stored: { mailFiles: mail.stored.files, mailBytes: mail.stored.bytes, dbBytes: db.local.reduce((n, b) => n + b.bytes, 0) },
    retentionNights: c.topology.backup.retentionNights,
    ...pool,
    ...(lastRun ? { lastRun } : {}),
    ...interrupted,
  }
}

/** "DEGRADED: raidz2-2 resilvering 40 %" — the pool line of the backup panel and `racklab backups` */
export function poolText(p: PoolStatus): string {
  const bad = p.vdevs.filter((v) => v.state !== 'optimal').map((v) => (v.state === 'rebuilding' ? `${v.id} resilvering ${v.rebuildPct ?? 0} %` : `${v.id} ${v.state}`))
  return bad.length ? `${p.state}: ${bad.join(', ')} (backups go on, with less redundancy)` : `${p.state}: ${p.vdevs.length} raidz2 vdevs, ${p.bays.filter((b) => b.state === 'spare').length} hot spares`
}
