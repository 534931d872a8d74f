// Rebuilding a database replica from backup1's newest hot backup instead of a dump of the primary: the backup
// (prepared, its stream checked against the sha256 taken when it was prepared) is started in a scratch server on
// backup1 at its own point (racklab-db-pitr --at-backup), dumped there and loaded on the replica; the replica
// then catches up from the primary by GTID from the backup's position. The primary only serves the binlogs
// written since the backup, never a full consistent read of every table.
import { LabError } from '@contract/errors'
import { allServers } from '../topology/queries'
import { changeMaster, replicating, sumsDiffer, tableChecksums } from './db-failover'
import { currentPrimary, ipBetween, readDbNodes, rootSql, sqlq, tryExec, writeMarker } from './db-state'
import type { HookContext } from './types'

/** the topology's backup server, if it has one */
export function backupServerFor(c: HookContext): string | undefined {
  return allServers(c.topology).find((p) => p.server.role === 'backup')?.server.id
}

/** transactions in `from`'s first domain between two GTID positions (what the replica caught up) */
export function gtidGap(from: string, to: string): number | undefined {
  const parts = (g: string): Map<string, number> => new Map(g.split(',').map((x) => x.trim().split('-')).filter((p) => p.length === 3).map((p) => [p[0]!, Number(p[2])]))
  const a = parts(from)
  const b = parts(to)
  const domain = [...a.keys()][0]
  if (domain === undefined || !b.has(domain)) return undefined
  const n = b.get(domain)! - a.get(domain)!
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

interface AtBackup {
  backup: string
  backupGtid: string
  dumpBytes: number
  checksums: Record<string, string>
}

async function must(c: HookContext, server: string, cmd: string[], timeoutMs: number): Promise<string> {
  const r = await tryExec(c, server, cmd, timeoutMs)
  if (r.exitCode !== 0) throw new Error(`${server}: ${cmd.join(' ').slice(0, 60)} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`)
  return r.stdout.trim()
}
const lastJson = <T>(out: string): T => JSON.parse(out.split('\n').at(-1) ?? '{}') as T

/** backup1's newest complete database backup, checked (`racklab-db-backup verify`); why it can't seed otherwise */
export async function verifiedBackup(c: HookContext, b: string): Promise<{ stamp: string; gtid: string } | { refused: string }> {
  const list = await tryExec(c, b, ['racklab-db-backup', 'list'], 15_000)
  if (list.exitCode !== 0) return { refused: `${b} can't list its backups: ${(list.stderr || list.stdout).trim().slice(0, 200)}` }
  const newest = list.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { stamp: string; gtid: string }).sort((x, y) => x.stamp.localeCompare(y.stamp)).at(-1)
  if (!newest) return { refused: `${b} holds no complete database backup: run backup-now on it first, or rebuild from=primary` }
  const v = await tryExec(c, b, ['racklab-db-backup', 'verify'], 120_000)
  const doc = (() => { try { return lastJson<{ stamp: string | null; problems?: string[] }>(v.stdout.trim()) } catch { return undefined } })()
  if (v.exitCode !== 0 || !doc || doc.stamp !== newest.stamp) return { refused: `${b}'s newest backup ${newest.stamp} fails its check (${doc?.problems?.join('; ') || (v.stderr || v.stdout).trim().slice(0, 200)}): rebuild from=primary` }
  return newest
}

/** rebuild replica `target` from backup `b`'s newest verified hot backup plus GTID catch-up from the primary */
export async function seedFromBackup(c: HookContext, target: string, b: string): Promise<string> {
  const say = (text: string): void => c.progress?.(`rebuild ${target} from ${b}'s hot backup: ${text}`)
  const t0 = Date.now()
  const nodes = await readDbNodes(c)
  const primary = currentPrimary(nodes)
  if (!primary) throw new LabError('REFUSED', 'no primary database answers: there is nothing to catch up from (promote a replica first)')
  if (primary.id === target) throw new LabError('REFUSED', `${target} is the primary: only a replica is rebuilt`)
  const chosen = await verifiedBackup(c, b)
  if ('refused' in chosen) throw new LabError('REFUSED', chosen.refused)
  say(`1/4 backup ${chosen.stamp} (GTID ${chosen.gtid}) verified; starting it in a scratch server on ${b}`)
  const at = lastJson<AtBackup>(await must(c, b, ['racklab-db-pitr', chosen.stamp, '--at-backup'], 600_000))
  const dump = await must(c, b, ['cat', '/backup/restore/racklab.sql'], 120_000)
  say(`2/4 loading its dump (${(at.dumpBytes / 1048576).toFixed(1)} MB) on ${target}`)
  await rootSql(c, target, 'SET GLOBAL read_only=1; STOP SLAVE; RESET SLAVE ALL;')
  // not binlogged on the target: its history restarts at the backup's position, as a replica's should
  await rootSql(c, target, `SET SESSION sql_log_bin=0;\nDROP DATABASE IF EXISTS racklab;\n${dump}`, 300_000)
  const loaded = await tableChecksums(c, target)
  const off = Object.keys(at.checksums).filter((t) => loaded.get(t) !== at.checksums[t])
  if (off.length) throw new Error(`${target} was loaded from backup ${chosen.stamp} but its checksums differ from the backup's on ${off.join(', ')}: replication not started`)
  say(`3/4 ${Object.keys(at.checksums).length} tables equal the backup's checksums; catching up from ${primary.id} by GTID from ${at.backupGtid}`)
  await rootSql(c, target, `RESET MASTER; SET GLOBAL gtid_binlog_state=${sqlq(at.backupGtid)}; SET GLOBAL gtid_slave_pos=${sqlq(at.backupGtid)}; ${changeMaster(c, target, primary.id)} START SLAVE;`)
  await writeMarker(c, target, 'replica', primary.epoch, ipBetween(c.topology, target, primary.id))
  const running = await replicating(c, target, 30_000)
  if (!running.ioRunning || !running.sqlRunning) {
    const why = (await rootSql(c, target, 'SHOW SLAVE STATUS\\G').catch(() => '')).match(/Last_(?:IO|SQL)_Error:\s*(\S.*)/)?.[1] ?? 'see racklab check'
    throw new Error(`${target} was seeded from backup ${chosen.stamp} (GTID ${at.backupGtid}) but does not replicate from ${primary.id}: ${why.slice(0, 200)} (the primary may no longer hold the binlogs since the backup: rebuild from=primary)`)
  }
  const pos = await rootSql(c, primary.id, 'SELECT @@gtid_binlog_pos')
  const waited = await rootSql(c, target, `SELECT MASTER_GTID_WAIT(${sqlq(pos)}, 60)`, 70_000)
  if (waited !== '0') throw new Error(`${target} was seeded from backup ${chosen.stamp} and replicates, but did not reach ${primary.id}'s ${pos} within 60 s`)
  say(`4/4 caught up to ${pos}; comparing checksums with ${primary.id}`)
  const diff = await sumsDiffer(c, primary.id, target)
  const gap = gtidGap(at.backupGtid, pos)
  const check = diff.length ? `checksums DIFFER from ${primary.id} on ${diff.join(', ')}` : `table checksums equal ${primary.id}'s`
  const text = `${target} rebuilt from ${b}'s hot backup ${chosen.stamp} (GTID ${at.backupGtid}, sha256 and prepare verified; no dump of the primary), then caught up from ${primary.id} by GTID to ${pos}${gap === undefined ? '' : ` (${gap} transaction${gap === 1 ? '' : 's'} since the backup)`}; ${check}; ${((Date.now() - t0) / 1000).toFixed(1)} s`
  if (diff.length) throw new Error(text)
  return text
}
