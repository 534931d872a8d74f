// Backup probes: backup.fresh (the newest complete hot backup on backup1 is at most 26 lab hours old, and so
// is the newest mail snapshot of every store) and
// backup.offsite (that backup is also complete at the offsite store). Ages are in lab time: backups are
// named by the lab clock (roles/backup-db.ts stampOf).
import type { ProbeResult } from '@contract/status'
import { stampMs } from '../roles/backup-db'
import type { Exec } from './db'
import { dropPageCache } from '../roles/page-cache'

export const FRESH_LAB_HOURS = 26
const HOUR = 3_600_000

/** complete backups on the backup server, oldest first (racklab-db-backup list) */
export async function localStamps(exec: Exec, server: string): Promise<string[] | string> {
  const r = await exec(server, ['racklab-db-backup', 'list'])
  if (r.exitCode !== 0) return `${server} can't list its backups: ${(r.stderr || r.stdout).trim().slice(0, 200)}`
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { stamp: string }).stamp).sort()
}

/** per mail store, its newest snapshot's stamp (racklab-mail-store list) */
async function mailStamps(exec: Exec, server: string): Promise<Map<string, string> | string> {
  const r = await exec(server, ['racklab-mail-store', 'list'])
  if (r.exitCode !== 0) return `${server} can't list its mail snapshots: ${(r.stderr || r.stdout).trim().slice(0, 200)}`
  const doc = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { snapshots?: { stamp: string; stores: { store: string }[] }[] }
  const newest = new Map<string, string>()
  for (const s of doc.snapshots ?? []) for (const x of s.stores) if ((newest.get(x.store) ?? '') < s.stamp) newest.set(x.store, s.stamp)
  return newest
}

const ageHours = (labMs: number, stamp: string): number => Math.max(0, (labMs - stampMs(stamp)) / HOUR)
/** a lab younger than the limit has had no night to miss: its first backup is due at its first 02:00 */
const youngLab = (labMs: number): boolean => labMs / HOUR <= FRESH_LAB_HOURS
const labAge = (labMs: number): string => `the lab is ${(labMs / HOUR).toFixed(1)} lab hours old`

export async function probeFresh(exec: Exec, server: string, labMs: number, stores: readonly string[] = []): Promise<ProbeResult> {
  const base = { id: 'backup.fresh', target: server, at: new Date().toISOString() }
  const [stamps, mail] = await Promise.all([localStamps(exec, server), stores.length ? mailStamps(exec, server) : Promise.resolve(new Map<string, string>())])
  if (typeof stamps === 'string') return { ...base, ok: false, message: stamps }
  if (typeof mail === 'string') return { ...base, ok: false, message: mail }
  const newest = stamps.at(-1)
  const young = youngLab(labMs)
  if (!newest && young) return { ...base, ok: true, message: `no database backup yet; ${labAge(labMs)}, so none is overdue (the first night at 02:00 lab time takes one, or backup-now)`, values: { backups: 0 } }
  if (!newest) return { ...base, ok: false, message: `${server} holds no complete database backup (${labAge(labMs)}: more than ${FRESH_LAB_HOURS} without one)`, values: { backups: 0 } }
  const hours = ageHours(labMs, newest)
  const stale = stores.filter((s) => (!mail.get(s) && !young) || (mail.get(s) && ageHours(labMs, mail.get(s)!) > FRESH_LAB_HOURS))
  const ok = hours <= FRESH_LAB_HOURS && stale.length === 0
  const mailText = stores.length ? `; mail: ${stores.map((s) => (mail.get(s) ? `${s} ${mail.get(s)} (${ageHours(labMs, mail.get(s)!).toFixed(1)} h)` : `${s} never backed up`)).join(', ')}${stale.length ? ` — STALE: ${stale.join(', ')}` : ''}` : ''
  return { ...base, ok, message: `newest database backup ${newest} is ${hours.toFixed(1)} lab hours old${hours <= FRESH_LAB_HOURS ? '' : ` (more than ${FRESH_LAB_HOURS}: a night was missed)`}; ${stamps.length} kept${mailText}`, values: { ageLabHours: Number(hours.toFixed(2)), backups: stamps.length, newest, staleMailStores: stale.length } }
}

const completeAt = (exec: Exec, offsite: string, stamp: string): Promise<{ exitCode: number; stderr: string }> => exec(offsite, ['test', '-f', `/var/backups/racklab/${stamp}/COMPLETE`])

/**
 * backup.offsite. `running`: a backup run is under way on `server` now. Its backup is listed on backup1 before its
 * offsite copy ends, so the newest backup missing offsite is then the copy in progress, not a failure, as long as
 * the one before it is complete there (or there is none before it).
 */
export async function probeOffsite(exec: Exec, server: string, offsite: string, o: { running?: boolean; labMs?: number } = {}): Promise<ProbeResult> {
  const base = { id: 'backup.offsite', target: server, at: new Date().toISOString() }
  const stamps = await localStamps(exec, server)
  if (typeof stamps === 'string') return { ...base, ok: false, message: stamps }
  const newest = stamps.at(-1)
  // none at all is backup.fresh's failure once a night is overdue; before that, nothing is missing offsite
  if (!newest && o.labMs !== undefined && youngLab(o.labMs)) return { ...base, ok: true, message: `no backup yet to have offsite (${labAge(o.labMs)})` }
  if (!newest) return { ...base, ok: false, message: `${server} holds no backup to have offsite` }
  const r = await completeAt(exec, offsite, newest)
  const ok = r.exitCode === 0
  if (!ok && r.exitCode === 1 && o.running) {
    const previous = stamps.at(-2)
    const prevOk = previous === undefined || (await completeAt(exec, offsite, previous)).exitCode === 0
    if (prevOk) return { ...base, ok: true, message: `backup ${newest} is being copied to ${offsite} now (a backup run is under way)${previous ? `; the one before it, ${previous}, is complete there` : ''}`, values: { newest, offsite, copying: true } }
  }
  return { ...base, ok, message: ok ? `backup ${newest} is complete on ${offsite} (sha256 checked when copied)` : `backup ${newest} is not complete on ${offsite}${r.exitCode === 1 ? '' : ` (${(r.stderr || 'unreachable').trim().slice(0, 120)})`}`, values: { newest, offsite } }
}

/** how many stored message files the restore drill copies out and checks on each run */
export const VERIFY_SAMPLE = 20

interface MailVerify {
  stores: { store: string; stamp: string; messages: number }[]
  referenced: number
  missing: string[]
  missingCount: number
  sampled: number
  bad: string[]
}

const lastJson = <T>(out: string): T | undefined => {
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)
  return line ? (JSON.parse(line) as T) : undefined
}

/** what a failed command said, or its exit code when it said nothing (an empty reason was seen: a script that
 *  set -e ended before printing) */
const said = (r: { stdout: string; stderr: string; exitCode: number }): string => (r.stderr || r.stdout).trim().slice(0, 200) || `it exited ${r.exitCode} and printed nothing`

/** The restore drill: the newest snapshot of every store names only files backup1 holds, a random sample of
 *  them copied to a scratch place hash to their GUIDs, and the newest DB backup still has its sha256. Nothing
 *  to verify yet is not a failure here (backup.fresh says a backup is missing). */
export async function probeVerify(exec: Exec, server: string, sample = VERIFY_SAMPLE): Promise<ProbeResult> {
  const base = { id: 'backup.verify', target: server, at: new Date().toISOString() }
  const [m, d] = await Promise.all([exec(server, ['racklab-mail-store', 'verify', String(sample)]), exec(server, ['racklab-db-backup', 'verify'])])
  await dropPageCache(exec, server, ['/backup']) // the drill read the newest stream whole, for its sha256
  const mail = lastJson<MailVerify>(m.stdout)
  const db = lastJson<{ stamp: string | null; problems?: string[] }>(d.stdout)
  if (!mail || m.exitCode > 1) return { ...base, ok: false, message: `${server} can't verify its mail snapshots: ${said(m)}` }
  if (!db || d.exitCode > 1) return { ...base, ok: false, message: `${server} can't verify its database backup: ${said(d)}` }
  const problems: string[] = []
  if (mail.missingCount) problems.push(`${mail.missingCount} message file(s) named by a snapshot are gone from ${server} (first: ${mail.missing[0]})`)
  if (mail.bad.length) problems.push(`${mail.bad.length} of ${mail.sampled} sampled file(s) restored to scratch do not hash to their GUID (first: ${mail.bad[0]})`)
  for (const p of db.problems ?? []) problems.push(`database backup ${db.stamp}: ${p}`)
  const mailText = mail.stores.length ? `mail: ${mail.stores.map((s) => `${s.store} ${s.stamp}`).join(', ')}, ${mail.referenced} files named, ${mail.sampled} sampled and restored to scratch` : 'mail: no snapshot yet'
  const dbText = db.stamp ? `database backup ${db.stamp} sha256 as when taken` : 'database: no backup yet'
  return {
    ...base,
    ok: problems.length === 0,
    message: problems.length ? `restore drill FAILED: ${problems.join('; ')}` : `restore drill ok — ${mailText}; ${dbText}`,
    values: { referenced: mail.referenced, sampled: mail.sampled, missing: mail.missingCount, bad: mail.bad.length, dbProblems: db.problems?.length ?? 0 },
  }
}
