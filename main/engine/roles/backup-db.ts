// The database half of backup1: a hot backup (mariadb-backup on a healthy replica, streamed over TCP to
// backup1 and prepared there), the binlogs since, the copy to the offsite site, and point-in-time restore
// (racklab-db-pitr replays the binlogs in a scratch server up to just before a chosen statement; the dump of
// that point is loaded on the primary and reaches the replicas by replication; checksums verify it).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { LabError } from '@contract/errors'
import { imagesDir } from '../paths'
import { allServers, serverById } from '../topology/queries'
import { tableChecksums } from './db-failover'
import { currentPrimary, ipBetween, readDbNodes, rootSql, sqlq, tryExec, tryIpBetween, writablePrimary, type DbNode } from './db-state'
import type { DbApplying } from './restore-decision'
import type { HookContext } from './types'
import { DB_STREAM_PORT, OFFSITE_PORT } from './backup-ports'

export const OFFSITE_DIR = '/var/backups/racklab'
const clip = (s: string): string => s.trim().split('\n').slice(-3).join(' | ').slice(0, 300)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export interface DbBackup {
  stamp: string
  binlogFile: string
  binlogPos: number
  gtid: string
  bytes: number
  ms: number
}

export interface OffsiteState {
  server: string
  stamps: string[]
}

async function must(c: HookContext, server: string, cmd: string[], timeoutMs = 60_000, stdin?: string): Promise<string> {
  const r = await tryExec(c, server, cmd, timeoutMs, stdin)
  if (r.exitCode !== 0) throw new Error(`${server}: ${cmd[0] === 'bash' ? cmd.at(-1)?.slice(0, 60) : cmd[0]} failed (exit ${r.exitCode}): ${clip(r.stderr || r.stdout)}`)
  return r.stdout.trim()
}

const lastJson = <T>(out: string): T => JSON.parse(out.split('\n').at(-1) ?? '{}') as T

/** the lab calendar: lab time 0 is midnight on the day the lab is set in (FastMail, mid-2007) */
export const LAB_EPOCH = Date.UTC(2007, 5, 14)
/** a backup's name: the lab date and time it was taken (20070614T020000 = day 1, 02:00 lab time) */
export const stampOf = (labMs: number): string => new Date(LAB_EPOCH + labMs).toISOString().replace(/[-:]/g, '').slice(0, 15)
/** lab ms of a stamp, for ages */
export const stampMs = (stamp: string): number => Date.parse(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`) - LAB_EPOCH

/** the replica to back up: replicating, reachable from backup1, one on backup1's own site before one across the WAN
 *  (db3: the stream would cross it twice, there and back offsite); the primary only when no replica is healthy */
export function backupSource(c: HookContext, nodes: DbNode[]): { id: string; fromReplica: boolean } | undefined {
  const reach = reachableFrom(c)
  const local = sameSiteAs(c)
  const replicas = nodes.filter((n) => n.up && n.role === 'replica' && n.ioRunning && n.sqlRunning && reach(n.id))
  const replica = replicas.find((n) => local(n.id)) ?? replicas[0]
  if (replica) return { id: replica.id, fromReplica: true }
  const p = currentPrimary(nodes)
  return p && reach(p.id) ? { id: p.id, fromReplica: false } : undefined
}

/** the offsite store: a db server on another site than backup1, reachable from it (db3 over the WAN) */
export function offsiteServer(c: HookContext): string | undefined {
  const reach = reachableFrom(c)
  const local = sameSiteAs(c)
  return allServers(c.topology).find((p) => p.server.role === 'db' && !local(p.server.id) && reach(p.server.id))?.server.id
}

/** whether this server (backup1) shares a network with `id` */
const reachableFrom = (c: HookContext): ((id: string) => boolean) => (id) => tryIpBetween(c.topology, c.server.id, id) !== undefined

/** whether `id` stands on this server's site */
const sameSiteAs = (c: HookContext): ((id: string) => boolean) => {
  const mine = serverById(c.topology, c.server.id)?.siteId
  return (id) => serverById(c.topology, id)?.siteId === mine
}

async function waitFile(c: HookContext, server: string, file: string, ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(500)) {
    const r = await tryExec(c, server, ['sh', '-c', `if [ -f ${file}.done ]; then echo done; elif [ -f ${file}.failed ]; then cat ${file}.failed; fi`], 10_000)
    if (r.stdout.trim() === 'done') return
    if (r.stdout.trim()) throw new Error(`${server}: receiving ${file}: ${r.stdout.trim()}`)
  }
  throw new Error(`${server}: ${file} did not arrive within ${ms / 1000} s`)
}

/** A replica started a moment ago (an `up`, a power-on) answers before its IO thread has reached the primary: it
 *  retries every 2 s (MASTER_CONNECT_RETRY). A backup asked for then waits up to `waitMs` for such a replica when
 *  it would be a better source than what answers now (seen: backup-now right after `up` took db1's, "no replica
 *  was healthy", and db3's across the WAN while db2 beside backup1 was connecting). */
export async function readBackupSource(c: HookContext, waitMs = 6000): Promise<ReturnType<typeof backupSource>> {
  const local = sameSiteAs(c)
  const until = Date.now() + waitMs
  for (;;) {
    const nodes = await readDbNodes(c)
    const src = backupSource(c, nodes)
    const connecting = nodes.filter((n) => n.up && n.role === 'replica' && n.sqlRunning && !n.ioRunning)
    const better = src?.fromReplica ? !local(src.id) && connecting.some((n) => local(n.id)) : connecting.length > 0
    if (!better || Date.now() >= until) return src
    await sleep(1000)
  }
}

/** stream a hot backup from the source to backup1, prepare it there and copy the binlogs */
export async function takeDbBackup(c: HookContext, stamp: string): Promise<{ backup: DbBackup; source: string; fromReplica: boolean; binlogs: { files: number; bytes: number } }> {
  const b = c.server.id
  const src = await readBackupSource(c)
  if (!src) throw new LabError('REFUSED', `no database server answers that ${b} can reach: nothing to back up`)
  const file = `/backup/db/${stamp}/backup.xbstream`
  await must(c, b, ['racklab-backup-receive', String(DB_STREAM_PORT), file])
  const to = ipBetween(c.topology, src.id, b)
  // root over the socket; the stream goes straight to backup1 (nothing is kept on the database server)
  const send = await tryExec(c, src.id, ['bash', '-o', 'pipefail', '-c', `mariadb-backup --backup --stream=xbstream --user=root --target-dir=/tmp 2>/tmp/racklab-backup.log | socat -u - TCP:${to}:${DB_STREAM_PORT},connect-timeout=5`], 300_000)
  if (send.exitCode !== 0) {
    const log = await tryExec(c, src.id, ['tail', '-3', '/tmp/racklab-backup.log'])
    throw new Error(`${src.id}: the hot backup stream failed (exit ${send.exitCode}): ${clip(log.stdout || send.stderr)}`)
  }
  await waitFile(c, b, file, 60_000)
  const backup = lastJson<DbBackup>(await must(c, b, ['racklab-db-backup', 'prepare', stamp], 300_000))
  const binlogs = lastJson<{ files: number; bytes: number }>(await must(c, b, ['racklab-db-backup', 'binlogs', ipBetween(c.topology, b, src.id)], 120_000))
  return { backup, source: src.id, fromReplica: src.fromReplica, binlogs }
}

/** where a resumed offsite copy starts: the receiver's "offset N" line; a prefix longer than the file is none */
export function resumeOffset(receiverOut: string, size: number): number {
  const m = /^offset (\d+)$/m.exec(receiverOut)
  if (!m) throw new Error(`the offsite receiver did not say where to resume (it said: ${receiverOut.trim().slice(0, 120) || 'nothing'})`)
  const at = Number(m[1])
  return at <= size ? at : 0
}

/** copy one backup's stream (its `bytes`: the stream's size, from its COMPLETE record) to the offsite server,
 *  resuming a copy a cut left there; complete only when its sha256 matches. Returns the server and, for a resumed
 *  copy, how many bytes were already there. */
export async function copyOffsite(c: HookContext, backup: Pick<DbBackup, 'stamp' | 'bytes'>): Promise<{ server: string; resumedAt: number; bytes: number }> {
  const b = c.server.id
  const off = offsiteServer(c)
  if (!off) throw new LabError('REFUSED', `no database server on another site is reachable from ${b}: there is nowhere offsite to copy to`)
  const { stamp, bytes: size } = backup
  const file = `${OFFSITE_DIR}/${stamp}/backup.xbstream`
  const local = `/backup/db/${stamp}/backup.xbstream`
  const receive = readFileSync(join(imagesDir(), 'backup', 'racklab-backup-receive'), 'utf8')
  const resumedAt = resumeOffset(await must(c, off, ['bash', '-s', '--', String(OFFSITE_PORT), file, String(size)], 15_000, receive), size)
  await must(c, b, ['racklab-backup-send', ipBetween(c.topology, b, off), String(OFFSITE_PORT), local, String(resumedAt)], 600_000)
  await waitFile(c, off, file, 60_000)
  const here = (await must(c, b, ['sh', '-c', `cut -d' ' -f1 ${local}.sha256`])).trim()
  const there = (await must(c, off, ['sh', '-c', `sha256sum ${file} | cut -d' ' -f1`])).trim()
  if (here !== there) {
    await tryExec(c, off, ['rm', '-f', file, `${file}.part`])
    throw new Error(`the offsite copy on ${off} differs from backup1's (sha256 ${there.slice(0, 12)} ≠ ${here.slice(0, 12)}): removed, not kept as if complete`)
  }
  await must(c, off, ['sh', '-c', `echo ${here} > ${OFFSITE_DIR}/${stamp}/COMPLETE`])
  return { server: off, resumedAt, bytes: size }
}

/** how a copy went, for the run's sentence */
export const copiedHow = (r: { resumedAt: number; bytes: number }): string =>
  r.resumedAt > 0 ? `resumed at ${r.resumedAt} of ${r.bytes} bytes, where a cut copy stopped` : `whole, ${r.bytes} bytes`

/** the backups complete on backup1 and those complete offsite */
export async function dbBackups(c: HookContext): Promise<{ local: DbBackup[]; offsite?: OffsiteState }> {
  // both asked at once: every act on backup1 lists its actions first, and these were two round trips in a row
  const off = offsiteServer(c)
  const [out, r] = await Promise.all([
    tryExec(c, c.server.id, ['racklab-db-backup', 'list'], 15_000),
    off ? tryExec(c, off, ['sh', '-c', `ls ${OFFSITE_DIR}/*/COMPLETE 2>/dev/null | awk -F/ '{print $(NF-1)}'`], 10_000) : undefined,
  ])
  const local = out.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as DbBackup)
  if (!off || !r) return { local }
  return { local, ...(r.exitCode === 0 ? { offsite: { server: off, stamps: r.stdout.split('\n').filter(Boolean) } } : {}) }
}

interface Pitr {
  backup: string
  backupGtid: string
  binlogs: number
  stopFile: string
  stopAt: string
  stopGtid: string
  statement: string
  dumpBytes: number
  checksums: Record<string, string>
}

/**
 * Restore the racklab database to just before the first transaction matching `before` (or to the newest
 * binlog event), from backup `stamp` (the newest complete one by default). `applying` is told, before the primary
 * is touched, what it is about to load (the restore's record: a killed engine resumes from it).
 */
export async function restoreDb(c: HookContext, before: string | undefined, stamp: string | undefined, applying?: (db: DbApplying) => void): Promise<string> {
  const b = c.server.id
  const w = await writablePrimary(c)
  if ('error' in w) throw new LabError('REFUSED', `cannot restore: ${w.error}`)
  const { local } = await dbBackups(c)
  const chosen = stamp ? local.find((x) => x.stamp === stamp) : local.at(-1)
  if (!chosen) throw new LabError('NOT_FOUND', stamp ? `there is no complete backup ${stamp} on ${b} (backups: ${local.map((x) => x.stamp).join(', ') || 'none'})` : `${b} holds no complete database backup: run backup-now first`)
  // the newest binlogs, from the server the backup was taken on (its positions are the backup's)
  const nodes = await readDbNodes(c)
  const src = backupSource(c, nodes)
  if (src) await must(c, b, ['racklab-db-backup', 'binlogs', ipBetween(c.topology, b, src.id)], 120_000)
  const { pitr, skipped } = await pitrBefore(c, stamp ? [chosen] : before ? [...local].reverse() : [chosen], before, !stamp)
  const primary = w.id
  const wasReadOnly = (await rootSql(c, primary, 'SELECT @@global.read_only')) === '1'
  applying?.({ primary, primaryWasReadOnly: wasReadOnly, dumpBytes: pitr.dumpBytes, pitr })
  const done = await loadPitr(c, primary, wasReadOnly, pitr, nodes)
  return skipped.length ? `${done}; not from ${skipped.join(', ')}: taken after that statement, so holding its damage` : done
}

/** racklab-db-pitr's exit status when no transaction after the backup matches the statement */
const NOT_AFTER_BACKUP = 4

/** The dump at the point asked for, from the first of `candidates` (newest first) the statement came after. With
 *  no backup named, a backup taken after the bad statement (a nightly that ran before anyone noticed, as in the
 *  2003 story) already holds its damage: the search goes back a backup at a time rather than give up. */
export async function pitrBefore(c: HookContext, candidates: DbBackup[], before: string | undefined, searchBack: boolean): Promise<{ pitr: Pitr; skipped: string[] }> {
  const b = c.server.id
  const skipped: string[] = []
  for (const cand of candidates) {
    const r = await tryExec(c, b, ['racklab-db-pitr', cand.stamp, ...(before ? [before] : [])], 600_000)
    if (r.exitCode === 0) return { pitr: lastJson<Pitr>(r.stdout.trim()), skipped }
    if (!(searchBack && r.exitCode === NOT_AFTER_BACKUP)) throw new Error(`${b}: racklab-db-pitr failed (exit ${r.exitCode}): ${clip(r.stderr || r.stdout)}`)
    skipped.push(cand.stamp)
  }
  throw new LabError('NOT_FOUND', `no transaction matching '${before}' follows any backup on ${b} (${skipped.join(', ')}): there is no point before it to restore to`)
}

/** size of backup1's point-in-time dump now (undefined: there is none) */
export async function dumpBytes(c: HookContext): Promise<number | undefined> {
  const r = await tryExec(c, c.server.id, ['stat', '-c', '%s', DUMP], 15_000)
  return r.exitCode === 0 ? Number(r.stdout.trim()) : undefined
}

/** an interrupted restore's load, again: the same dump on the same primary, verified against the same checksums */
export async function resumeDbLoad(c: HookContext, db: DbApplying): Promise<string> {
  // the killed engine's load may still run on the primary (docker exec outlives its client): it ends first
  const others = "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'root' AND command = 'Query' AND id <> CONNECTION_ID()"
  for (const end = Date.now() + 300_000; (await rootSql(c, db.primary, others)) !== '0'; await sleep(1000)) {
    if (Date.now() > end) throw new Error(`a root query (the interrupted load?) still runs on ${db.primary} after 5 min: not loading over it`)
  }
  return loadPitr(c, db.primary, db.primaryWasReadOnly, db.pitr as Pitr, await readDbNodes(c))
}

const DUMP = '/backup/restore/racklab.sql'

async function loadPitr(c: HookContext, primary: string, wasReadOnly: boolean, pitr: Pitr, nodes: DbNode[]): Promise<string> {
  const dump = await must(c, c.server.id, ['cat', DUMP], 120_000)
  const { value: v, closedMs } = await withWritesRefused(c, primary, wasReadOnly, () => loadAndVerify(c, primary, nodes, pitr, dump))
  if (v.badServers.length) throw new Error(`restore loaded on ${primary} but ${v.verified}`)
  const closed = `${primary} refused other writes for ${(closedMs / 1000).toFixed(1)} s while it loaded and verified`
  return `racklab database restored on ${primary} from hot backup ${pitr.backup} (GTID ${pitr.backupGtid || '?'}) plus ${pitr.binlogs} binlog file(s) up to ${v.point}; the replicas received it by replication; ${v.notRestored}; ${v.verified}; ${closed}`
}

/**
 * The site keeps running during a restore: a login's session row or an address-book change landing between the
 * load and the checksums would make them differ, and is lost anyway (it comes after the restore point). So the
 * primary refuses other writes (read_only: root and replication are exempt) until the replicas are checked;
 * webmail says "read-only for now" for those seconds instead of losing what people typed. It is left as it was
 * before the restore (`wasReadOnly`, read before: a resumed load finds it read-only because of the killed one).
 */
async function withWritesRefused<T>(c: HookContext, primary: string, wasReadOnly: boolean, fn: () => Promise<T>): Promise<{ value: T; closedMs: number }> {
  await rootSql(c, primary, 'SET GLOBAL read_only = 1')
  const t0 = Date.now()
  let value: T
  try {
    value = await fn()
  } finally {
    if (!wasReadOnly) await rootSql(c, primary, 'SET GLOBAL read_only = 0')
  }
  return { value, closedMs: Date.now() - t0 }
}

interface Verified { verified: string; badServers: string[]; point: string; notRestored: string }

/** load the point-in-time dump on the primary, wait for the replicas to apply it, and compare every copy's checksums */
async function loadAndVerify(c: HookContext, primary: string, nodes: DbNode[], pitr: Pitr, dump: string): Promise<Verified> {
  const lastBefore = await rootSql(c, primary, 'SELECT @@gtid_binlog_pos')
  // binlogged on purpose: the replicas are rebuilt from the same statements by replication
  await rootSql(c, primary, `DROP DATABASE IF EXISTS racklab;\n${dump}`, 300_000)
  const pos = await rootSql(c, primary, 'SELECT @@gtid_binlog_pos')
  const replicas = nodes.filter((n) => n.id !== primary && n.up)
  const waits = await Promise.all(replicas.map(async (n) => ({ id: n.id, ok: (await rootSql(c, n.id, `SELECT MASTER_GTID_WAIT(${sqlq(pos)}, 60)`, 70_000).catch(() => '-1')) === '0' })))
  const want = pitr.checksums
  const verify = await Promise.all([primary, ...waits.filter((x) => x.ok).map((x) => x.id)].map(async (id) => {
    const got = await tableChecksums(c, id)
    return { id, bad: Object.keys(want).filter((t) => got.get(t) !== want[t]) }
  }))
  const okServers = verify.filter((v) => !v.bad.length).map((v) => v.id)
  const badServers = verify.filter((v) => v.bad.length).map((v) => `${v.id} (${v.bad.join(', ')})`)
  const lagging = waits.filter((x) => !x.ok).map((x) => x.id)
  const down = nodes.filter((n) => !n.up).map((n) => n.id)
  const lost = pitr.stopGtid ? lostCount(pitr.stopGtid, lastBefore) : 0
  const point = pitr.stopGtid ? `just before GTID ${pitr.stopGtid} (${pitr.statement.slice(0, 80)}) in ${pitr.stopFile}` : 'the newest binlog event'
  const notRestored = pitr.stopGtid ? `not restored: the ${lost} transaction${lost === 1 ? '' : 's'} from GTID ${pitr.stopGtid} on (the matched one included)` : 'nothing left out'
  const verified = `verification: checksums of ${Object.keys(want).length} tables equal those at that point on ${okServers.join(', ') || 'no server'}${badServers.length ? `; DIFFERENT on ${badServers.join(', ')}` : ''}${lagging.length ? `; ${lagging.join(', ')} did not catch up within 60 s` : ''}${down.length ? `; ${down.join(', ')} down (rebuild when back)` : ''}`
  return { verified, badServers, point, notRestored }
}

/** transactions in one GTID domain from `stop` (included) to `last`: what a point-in-time restore leaves out */
export function lostCount(stop: string, last: string): number {
  const seq = (g: string, domain: string): number => Number(g.split(',').map((x) => x.trim().split('-')).find((p) => p[0] === domain)?.[2] ?? NaN)
  const domain = stop.split('-')[0]!
  const n = seq(last, domain) - seq(stop, domain) + 1
  return Number.isFinite(n) && n > 0 ? n : 0
}
