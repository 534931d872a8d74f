// backup1's actions: take a backup now (the nightly run does the same), restore the database to a point
// in time. Each reports what it did, what it could not do, and how it was verified.
import { LabError } from '@contract/errors'
import { copiedHow, copyOffsite, dbBackups, OFFSITE_DIR, restoreDb, stampOf, takeDbBackup } from './backup-db'
import { backupMail, mailStamps as listMailStamps, mailStores, restoreMail } from './backup-mail'
import { catchUpOffsite } from './backup-offsite'
import { poolRefusal } from './backup-pool'
import { dbServers } from './db-state'
import { dropPageCache } from './page-cache'
import { guardedRestore } from './restore-guard'
import type { HookContext, RoleAction } from './types'

// the statements a point-in-time restore can stop before, as choices without spaces (a CLI word, a scenario step)
const TABLES = ['domains', 'stores', 'users', 'web_sessions', 'address_book', 'files', 'file_copies']
const STOP_KINDS: Record<string, string> = { delete: 'DELETE FROM', update: 'UPDATE', drop: 'DROP TABLE', truncate: 'TRUNCATE' }
export const stopChoices = (): string[] => Object.keys(STOP_KINDS).flatMap((k) => TABLES.map((t) => `${k}:${t}`))
/** `delete:address_book` → the statement fragment racklab-db-pitr looks for */
export const stopPattern = (choice: string): string => {
  const [kind = '', table = ''] = choice.split(':')
  return `${STOP_KINDS[kind] ?? kind} ${table}`
}

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`

/** backup servers with a backup or restore under way in this engine: they share one stream port and scratch dir */
const busy = new Set<string>()
/** whether this engine is taking a backup or restoring on `server` now */
export const isBusy = (server: string): boolean => busy.has(server)

async function exclusive<T>(server: string, what: string, fn: () => Promise<T>): Promise<T> {
  if (busy.has(server)) throw new LabError('BUSY', `${server} is already taking a backup or restoring; ${what} waits for it to finish`)
  busy.add(server)
  try {
    return await fn()
  } finally {
    busy.delete(server)
  }
}

/** a backup run: the hot DB backup, its binlogs and its offsite copy; one sentence with the numbers */
export function backupRun(c: HookContext): Promise<string> {
  return exclusive(c.server.id, 'this backup', () => backupOnce(c))
}

const settled = <T>(p: Promise<T>): Promise<PromiseSettledResult<T>> => p.then((value) => ({ status: 'fulfilled', value }), (reason: unknown) => ({ status: 'rejected', reason }))

async function backupOnce(c: HookContext): Promise<string> {
  const lost = poolRefusal(c)
  if (lost !== undefined) throw new LabError('REFUSED', lost)
  const stamp = stampOf(c.labMs?.() ?? 0)
  const t0 = Date.now()
  // the database and the mail are backed up independently: one failing does not cost the other its night. One
  // after the other, mail first: run together on the lab's two cores, the hot DB backup (mariadb-backup, the
  // stream, prepare) took the CPU from the mail run, whose unchanged night is two docker execs (1.6 s beside the DB
  // backup at load 30). The cost: backup-now takes the sum of the two instead of the longer one.
  const mail = await settled(backupMail(c, stamp))
  const db = await settled(dbPart(c, stamp))
  const said = (r: PromiseSettledResult<string>, what: string): string => (r.status === 'fulfilled' ? r.value : `${what} NOT backed up: ${(r.reason as Error).message}`)
  // what the run streamed: backup1's pool, the datadir mariadb-backup read, the offsite copy (every db server: any
  // may have been the source or the offsite store)
  await Promise.all([dropPageCache(c.exec, c.server.id, ['/backup']), ...dbServers(c.topology).map((s) => dropPageCache(c.exec, s, ['/var/lib/mysql', OFFSITE_DIR]))])
  const text = `backup ${stamp}: ${said(db, 'database')}; ${said(mail, 'mail')}; ${((Date.now() - t0) / 1000).toFixed(1)} s`
  if (db.status === 'rejected' && mail.status === 'rejected') throw new Error(text)
  return text
}

async function dbPart(c: HookContext, stamp: string): Promise<string> {
  const db = await takeDbBackup(c, stamp)
  let offsite: string
  try {
    const copy = await copyOffsite(c, db.backup)
    offsite = `copied offsite to ${copy.server}${copy.resumedAt ? ` (${copiedHow(copy)})` : ''} (sha256 checked)`
    // db3 is reachable again: the nights a cut WAN kept from it are copied now
    const caught = await catchUpOffsite(c, stamp).catch((e: unknown) => `offsite catch-up failed: ${(e as Error).message.slice(0, 120)}`)
    if (caught) offsite += `; ${caught}`
  } catch (e) {
    offsite = `NOT offsite: ${(e as Error).message}`
  }
  const keep = c.topology.backup.retentionNights
  const pruned = await c.exec(c.server.id, ['racklab-db-backup', 'prune', String(keep)], { timeoutMs: 60_000 })
  const removed = pruned.exitCode === 0 ? (JSON.parse(pruned.stdout.trim().split('\n').at(-1) ?? '{}') as { removed?: string[] }).removed ?? [] : []
  const retention = pruned.exitCode === 0 ? `retention ${keep} nights${removed.length ? `: removed ${removed.join(', ')}` : ''}` : `retention failed: ${pruned.stderr.trim().slice(0, 120)}`
  const from = db.fromReplica ? `${db.source} (a replica, sparing the primary)` : `${db.source} (the primary: no replica was healthy)`
  return `hot DB backup of ${from}, ${mb(db.backup.bytes)}, prepared, ends at GTID ${db.backup.gtid}; ${db.binlogs.files} binlog file(s) kept (${mb(db.binlogs.bytes)}) for point-in-time recovery; ${offsite}; ${retention}`
}

export async function backupActions(c: HookContext, want?: string): Promise<RoleAction[]> {
  const me = c.server.id
  // a slow answer is not a stopped server: an exec takes seconds on a loaded host, more with the CPU cut while
  // the pool resilvers, so only an exec that fails (no such container, not running) counts as down
  // the three are asked at once (every act lists the actions first: three round trips in a row were ~1 s of a
  // restore); the listings of a stopped server fail and are not used. An act reads only the listing its own
  // action is checked by (restore-db: the database backups, on backup1 and offsite; restore-mail: the mail
  // snapshots; backup-now: neither); the other action's list is then left empty, and that action is not run.
  const [up, have, mail] = await Promise.all([
    c.exec(me, ['true'], { timeoutMs: 20_000 }).then((r) => r.exitCode === 0, (e: unknown) => /did not finish within/.test((e as Error).message)),
    want === undefined || want === 'restore-db' ? dbBackups(c).catch(() => ({ local: [] })) : { local: [] },
    want === undefined || want === 'restore-mail' ? listMailStamps(c).catch(() => [] as string[]) : ([] as string[]),
  ])
  const down = !up ? `${me} is not running: start it first` : (poolRefusal(c) ?? (busy.has(me) ? `${me} is taking a backup or restoring now: wait for it` : undefined))
  const stamps = up ? have.local.map((b) => b.stamp) : []
  const mailStamps = up ? mail : []
  const users = c.topology.users.map((u) => u.name)
  const stores = mailStores(c.topology).map((s) => s.home)
  return [
    {
      id: 'backup-now',
      label: `Back up now (hot DB backup from a replica, binlogs, offsite copy; a mail snapshot of every store)`,
      kind: 'operate',
      ...(down ? { refused: down } : {}),
      run: () => backupRun(c),
    },
    {
      id: 'restore-db',
      label: 'Restore the database to a point in time (a hot backup plus binlogs up to just before a statement)',
      kind: 'restore',
      ...(down ? { refused: down } : !stamps.length ? { refused: `${me} holds no complete database backup yet: run backup-now first` } : {}),
      params: [
        { id: 'before', label: 'Stop just before the first such statement after the backup (delete:address_book = a DELETE FROM address_book); replay every binlog when left out', choices: stopChoices(), optional: true },
        { id: 'backup', label: 'Backup to start from (the newest when left out)', choices: stamps, optional: true },
      ],
      run: (args) => exclusive(me, 'the restore', () => guardedRestore(c, { action: 'restore-db', args, fresh: (applying) => restoreDb(c, args.before === undefined ? undefined : stopPattern(args.before), args.backup, applying) })),
    },
    {
      id: 'restore-mail',
      label: 'Restore mail from a snapshot: one user, or every user of a store (messages missing now are put back, each checked against its SHA1 GUID)',
      kind: 'restore',
      ...(down ? { refused: down } : !mailStamps.length ? { refused: `${me} holds no mail snapshot yet: run backup-now first` } : {}),
      params: [
        { id: 'user', label: 'User to restore (or give a store)', choices: users, optional: true },
        { id: 'store', label: 'Store whose every user is restored (its topology master)', choices: stores, optional: true },
        { id: 'snapshot', label: 'Snapshot (the newest when left out)', choices: mailStamps, optional: true },
      ],
      run: ({ user, store, snapshot }) => {
        if ((user === undefined) === (store === undefined)) throw new LabError('BAD_INPUT', 'restore-mail takes a user or a store, exactly one of them')
        const args = { ...(user ? { user } : {}), ...(store ? { store } : {}), ...(snapshot ? { snapshot } : {}) }
        return exclusive(me, 'the restore', () => guardedRestore(c, { action: 'restore-mail', args, fresh: (applying) => restoreMail(c, args, () => applying()) }))
      },
    },
  ]
}
