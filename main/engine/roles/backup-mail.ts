// The mail half of backup1: nightly incremental snapshots of every store, and restores of a user or a whole
// store. Content-addressed like the file store (lab-images/backup/racklab-mail-store): a message file is sent
// to backup1 only when no earlier night has it, so a run over an unchanged store copies no file. Files travel
// over the lab's network (the Cyrus node streams to backup1's port 9102; a restoring node reads from it), so a
// pulled cable or a stopped backup1 fails a run for real. The store's record (racklab-mail-export manifest)
// is taken from the replica when one is healthy, to spare the master.
import { randomBytes } from 'node:crypto'
import { LabError } from '@contract/errors'
import type { Topology } from '@contract/topology'
import { allServers } from '../topology/queries'
import { ipBetween } from './db-state'
import { clip, mustExec, nodeState, reportOf, roleState, tryExec, type NodeState } from './mail-pair'
import type { HookContext } from './types'
import { MAIL_STREAM_PORT } from './backup-ports'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export interface MessageRecord { uid: number; guid: string; size: number; flags: string[]; internaldate: string }
export interface MailboxRecord { name: string; uidvalidity: number; uidnext: number; highestmodseq?: number; messages: MessageRecord[] }
export interface UserRecord { name: string; mailboxes: MailboxRecord[] }
export interface StoreManifest { server: string; users: UserRecord[] }
export interface SnapshotSummary {
  store: string; stamp: string; source: string; accounts: number; mailboxes: number; messages: number; bytes: number
  newFiles?: number; newBytes?: number; ms?: number; takenAt?: number
  /** written by snapshot-if-unchanged: the snapshot whose record every node's STATUS still matched, and those nodes */
  unchangedSince?: string; checkedOn?: string[]
  /** the node that had not caught up with its peer within CATCH_UP_MS, and how far it was */
  behind?: string
}
export interface MailSnapshots { snapshots: { stamp: string; stores: SnapshotSummary[] }[]; stored: { files: number; bytes: number } }

/** the mail stores: each topology master (a Cyrus server that replicates nothing) and its replica */
export function mailStores(t: Topology): { home: string; replica?: string }[] {
  const imaps = allServers(t).map((p) => p.server).filter((s) => s.role === 'imap')
  return imaps.filter((s) => !s.replicaOf).map((s) => ({ home: s.id, ...(imaps.find((r) => r.replicaOf === s.id) ? { replica: imaps.find((r) => r.replicaOf === s.id)!.id } : {}) }))
}

/** the node to read a store from: a healthy replica first (spares the master), else the master */
export function readSource(nodes: NodeState[]): NodeState | undefined {
  const usable = nodes.filter((n) => n.up && !n.awaitingResync && !n.error)
  return usable.find((n) => n.role === 'replica') ?? usable.find((n) => n.role === 'master')
}

async function waitDone(c: HookContext, file: string, ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(300)) {
    // one slow exec on a loaded host is not a failed transfer: look again until the deadline
    const r = await c.exec(c.server.id, ['sh', '-c', `if [ -f ${file}.done ]; then echo done; elif [ -f ${file}.failed ]; then cat ${file}.failed; fi`], { timeoutMs: 10_000 }).catch(() => ({ stdout: '' }))
    if (r.stdout.trim() === 'done') return
    if (r.stdout.trim()) throw new Error(`${c.server.id}: receiving ${file}: ${r.stdout.trim()}`)
  }
  throw new Error(`${c.server.id}: ${file} did not arrive within ${ms / 1000} s`)
}

/** The store's record and the node it came from. The replica is asked first for its record and its role in one
 *  call: a healthy replica (the usual night) costs one round trip, not a role check of both nodes and then the
 *  record (docker exec round trips were most of an unchanged store's night). Otherwise both are asked and
 *  readSource picks, as before. `behind`: a node still short of what its peer held (unchangedSnapshot's catch-up
 *  wait), not read while the other can be. */
async function storeRecord(c: HookContext, store: { home: string; replica?: string }, behind?: string): Promise<{ src: NodeState; manifest: StoreManifest }> {
  if (store.replica && behind !== store.replica) {
    const r = await tryExec(c, store.replica, ['racklab-mail-export', 'manifest', '--role'], 300_000).catch(() => undefined)
    if (r?.exitCode === 0) {
      const got = reportOf<StoreManifest & { node?: Parameters<typeof roleState>[1] }>(store.replica, ['racklab-mail-export'], r)
      const node = got.node ? roleState(store.replica, got.node) : undefined
      if (node && node.role === 'replica' && readSource([node]) === node) return { src: node, manifest: { server: got.server, users: got.users } }
    }
  }
  const nodes = await Promise.all([store.home, ...(store.replica ? [store.replica] : [])].map((id) => nodeState(c, id)))
  const src = readSource(nodes.filter((n) => n.id !== behind)) ?? readSource(nodes)
  if (!src) throw new Error(`no node of ${store.home}'s store answers (${nodes.map((n) => `${n.id}: ${n.error ?? (n.up ? 'resyncing' : 'down')}`).join('; ')})`)
  return { src, manifest: await mustExec<StoreManifest>(c, src.id, ['racklab-mail-export', 'manifest'], 300_000) }
}

/** how long a changed store's replica may take to catch up with what its master held when the night began */
export const CATCH_UP_MS = 5000

/** An unchanged store's night in one docker exec: backup1 asks every node of the store for the STATUS of each
 *  mailbox over IMAP itself and, when all equal its newest snapshot's, writes that record as tonight's. Any other
 *  answer (changed, a node not read, no snapshot yet, the command failing) is no summary: the long way follows.
 *  A changed store's nodes are first given CATCH_UP_MS to hold all that either held at that read: the long way
 *  reads the replica, which rolling replication keeps a moment behind its master, and the snapshot's takenAt
 *  (since when the MXs' logs count mail no backup holds) must not be earlier than what it holds. A node still
 *  behind then is named (`behind`) and read only if the other can't be.
 *  The admin password goes on stdin (never in argv, nor in backup1's environment). */
async function unchangedSnapshot(c: HookContext, stamp: string, store: { home: string; replica?: string }, takenAt: number): Promise<{ same?: SnapshotSummary; behind?: { node: string; why: string } }> {
  const nodes = [store.home, ...(store.replica ? [store.replica] : [])].map((id) => ({ id, ip: c.ipOf(id) }))
  try {
    const r = await tryExec(c, c.server.id, ['racklab-mail-store', 'snapshot-if-unchanged', stamp, store.home], 60_000, JSON.stringify({ password: c.secrets.cyrus, nodes, takenAt, catchUpMs: CATCH_UP_MS }))
    if (r.exitCode !== 0) return {}
    const got = reportOf<SnapshotSummary | { changed: string; behind?: { node: string; why: string } }>(c.server.id, ['racklab-mail-store'], r)
    if (!('changed' in got)) return { same: got }
    return got.behind?.node ? { behind: got.behind } : {}
  } catch {
    return {}
  }
}

/** one store's snapshot at `stamp`: unchanged in one call, else the record from the source, only the files
 *  backup1 lacks sent, then the snapshot */
async function backupStore(c: HookContext, stamp: string, store: { home: string; replica?: string }): Promise<SnapshotSummary> {
  const b = c.server.id
  const t0 = Date.now()
  const { same, behind } = await unchangedSnapshot(c, stamp, store, t0)
  if (same) return { ...same, ms: Date.now() - t0 }
  const { src, manifest } = await storeRecord(c, store, behind?.node)
  // takenAt (wall clock): when a store is lost whole, the MXs' delivery logs since then say what no backup holds
  const doc = (added: { files: number; bytes: number }): string => JSON.stringify({ ...manifest, stats: { newFiles: added.files, newBytes: added.bytes, ms: Date.now() - t0, source: src.id, fromReplica: src.role === 'replica', takenAt: t0, ...(behind ? { behind: behind.why } : {}) } })
  // one call for an unchanged store: the snapshot is written at once when backup1 has every file it names
  const first = await mustExec<SnapshotSummary | { missing: string[] }>(c, b, ['racklab-mail-store', 'snapshot-or-missing', stamp, store.home], 120_000, doc({ files: 0, bytes: 0 }))
  if (!('missing' in first)) return { ...first, ms: Date.now() - t0 }
  const want = new Set(first.missing)
  const lines: string[] = []
  for (const u of manifest.users) for (const box of u.mailboxes) for (const m of box.messages) if (want.delete(m.guid)) lines.push([u.name, box.name, m.uid, m.guid].join('\t'))
  const file = `/backup/mail/incoming/${stamp}-${store.home}.stream`
  // the listener is up within 5 s in the container, but docker exec itself took over 10 s to start on a host at load 40
  const rx = await c.exec(b, ['racklab-backup-receive', String(MAIL_STREAM_PORT), file], { timeoutMs: 60_000 })
  if (rx.exitCode !== 0) throw new Error(`${b}: could not listen for ${store.home}'s files: ${(rx.stderr || rx.stdout).trim()}`)
  const sent = await mustExec<{ sent: number; missing: string[] }>(c, src.id, ['racklab-mail-export', 'send', ipBetween(c.topology, src.id, b), String(MAIL_STREAM_PORT)], 600_000, lines.join('\n') + '\n')
  if (sent.missing.length) throw new Error(`${src.id} lists ${sent.missing.length} message(s) it has no file for (first: ${sent.missing[0]}): its store is damaged; back up from its peer after a resync`)
  await waitDone(c, file, 60_000)
  const got = await mustExec<{ files: number; bytes: number; corrupt: string[] }>(c, b, ['racklab-mail-store', 'ingest', file], 600_000)
  if (got.corrupt.length) throw new Error(`${got.corrupt.length} file(s) from ${src.id} do not match their GUID (first: ${got.corrupt[0]}): not stored, snapshot not taken`)
  const summary = await mustExec<SnapshotSummary>(c, b, ['racklab-mail-store', 'snapshot', stamp, store.home], 120_000, doc({ files: got.files, bytes: got.bytes }))
  // the run's own time, to the snapshot written (the record's stats were taken just before it)
  return { ...summary, ms: Date.now() - t0 }
}

/** one store's part of the night's sentence; an unchanged store's record is the one taken `unchangedSince` (from its source then) */
export function storeSentence(home: string, r: SnapshotSummary): string {
  const counts = `${r.accounts} accounts, ${r.messages} messages, ${r.newFiles ?? 0} new files (${r.newBytes ?? 0} bytes) in ${((r.ms ?? 0) / 1000).toFixed(2)} s`
  if (r.unchangedSince) return `${home} from ${r.source}: ${counts}, unchanged since ${r.unchangedSince} (every mailbox's STATUS as then on ${(r.checkedOn ?? []).join(' and ')})`
  if (r.behind) return `${home} from ${r.source} (its nodes had not caught up with each other within ${CATCH_UP_MS / 1000} s: ${r.behind}): ${counts}`
  return `${home} from ${r.source}${r.source === home ? ' (the master: no healthy replica)' : ''}: ${counts}`
}

/** every store's snapshot at `stamp`, then retention; one sentence per store and what could not be backed up */
export async function backupMail(c: HookContext, stamp: string): Promise<string> {
  const stores = mailStores(c.topology)
  if (!stores.length) return 'mail: the topology has no mail store'
  const parts: string[] = []
  const failed: string[] = []
  for (const s of stores) {
    try {
      const r = await backupStore(c, stamp, s)
      parts.push(storeSentence(s.home, r))
    } catch (e) {
      failed.push(`${s.home}: ${(e as Error).message}`)
    }
  }
  const keep = c.topology.backup.retentionNights
  const pruned = await mustExec<{ removed: string[]; filesRemoved: number }>(c, c.server.id, ['racklab-mail-store', 'prune', String(keep)], 120_000).catch((e: Error) => ({ removed: [], filesRemoved: 0, error: e.message }))
  const retention = 'error' in pruned ? `retention failed: ${pruned.error}` : `${pruned.removed.length ? `removed snapshot(s) ${pruned.removed.join(', ')} and ${pruned.filesRemoved} file(s) no snapshot names` : 'nothing past retention'}`
  const text = `mail snapshot ${stamp}: ${parts.join('; ') || 'none taken'}${failed.length ? `; NOT backed up: ${failed.join('; ')}` : ''}; ${retention}`
  if (!parts.length) throw new Error(text)
  return text
}

/** the snapshots' names only, oldest first (every act lists the actions, whose choices they are: `list` reads
 *  every snapshot and stats every stored file, seconds on a loaded host) */
export async function mailStamps(c: HookContext): Promise<string[]> {
  return (await mustExec<{ stamps: string[] }>(c, c.server.id, ['racklab-mail-store', 'stamps'], 60_000)).stamps
}

export async function mailSnapshots(c: HookContext): Promise<MailSnapshots> {
  return mustExec<MailSnapshots>(c, c.server.id, ['racklab-mail-store', 'list'], 60_000)
}

/** messages of `snap` not in `now`, per mailbox by GUID; and how many arrived after the snapshot and are gone */
export function restorePlan(snap: UserRecord, now: UserRecord | undefined): { restore: { mailbox: string; guid: string; flags: string[]; internaldate: string }[]; present: number; lostSince: number | undefined } {
  const nowBoxes = new Map((now?.mailboxes ?? []).map((b) => [b.name, b]))
  const restore: { mailbox: string; guid: string; flags: string[]; internaldate: string }[] = []
  let present = 0
  let lostSince: number | undefined = 0
  for (const box of snap.mailboxes) {
    const cur = nowBoxes.get(box.name)
    const have = new Set(cur?.messages.map((m) => m.guid) ?? [])
    for (const m of box.messages) {
      if (have.has(m.guid)) present++
      else restore.push({ mailbox: box.name, guid: m.guid, flags: m.flags, internaldate: m.internaldate })
    }
    // UIDs from the snapshot's UIDNEXT to today's were given to mail that arrived since; those not here now are
    // lost since that night. Only countable while the mailbox is the same one (same UIDVALIDITY).
    if (lostSince === undefined) continue
    if (!cur || cur.uidvalidity !== box.uidvalidity) lostSince = undefined
    else lostSince += Math.max(0, cur.uidnext - box.uidnext - cur.messages.filter((m) => m.uid >= box.uidnext).length)
  }
  return { restore, present, lostSince }
}

/** deliveries to `user` that Postfix's LMTP client logged as sent (to the store) in `log` */
export function deliveriesIn(log: string, user: string, domain: string): number {
  const to = `to=<${user}@${domain}>`
  return log.split('\n').filter((l) => l.includes(' postfix/lmtp[') && l.includes(to) && l.includes(' status=sent ')).length
}

/** mail delivered to `user` since `sinceMs` by every MX (their logs), or why it can't be told */
async function deliveredSince(c: HookContext, user: string, sinceMs: number | undefined): Promise<number | string> {
  if (sinceMs === undefined || !c.logsSince) return 'the snapshot does not say when it was taken'
  const mxs = allServers(c.topology).filter((p) => p.server.role === 'mx').map((p) => p.server.id)
  let n = 0
  for (const mx of mxs) {
    try {
      n += deliveriesIn(await c.logsSince(mx, sinceMs), user, c.topology.domain)
    } catch (e) {
      // an MX never created in this lab (up --only) delivered nothing; a stopped one still has its log
      if (/no such container/i.test((e as Error).message)) continue
      return `${mx}'s log could not be read (${(e as Error).message})`
    }
  }
  return n
}

/** the store a user lives in (the topology says) */
function storeOf(c: HookContext, user: string): { home: string; replica?: string } {
  const u = c.topology.users.find((x) => x.name === user)
  if (!u) throw new LabError('NOT_FOUND', `no user ${user} in the topology (users: ${c.topology.users.map((x) => x.name).join(', ')})`)
  const store = mailStores(c.topology).find((s) => s.home === u.store)
  if (!store) throw new LabError('NOT_FOUND', `${user}'s store ${u.store} is not a mail store of this topology`)
  return store
}

/** The store's master and the user's mailboxes read there now (once an orphaned restore of the user has ended).
 *  The home node is asked for its role and the mailbox in one exec, beside the replica's role alone (cheap: a
 *  replica still applying the emptied mailbox would make its own read of it wait on the mailbox lock); only when
 *  the replica is the master (promoted) is it read after. Finding the master first and reading it after were two
 *  round trips in a row before the first message moved. */
async function masterWithMailbox(c: HookContext, store: { home: string; replica?: string }, user: string): Promise<{ master: string; now: StoreManifest }> {
  const read = ['racklab-mail-export', 'manifest', '--role', '--after-restores', '--user', user]
  const [home, replica] = await Promise.all([
    (async (): Promise<{ state: NodeState; now?: StoreManifest }> => {
      const id = store.home
      const r = await tryExec(c, id, read, 240_000)
      if (r.exitCode !== 0) return { state: { id, up: r.exitCode !== 125, error: clip(r.stderr || r.stdout) || `exit ${r.exitCode}` } }
      try {
        const now = reportOf<StoreManifest & { node?: { role?: string; rolling?: boolean; awaitingResync?: boolean } }>(id, read, r)
        return { state: roleState(id, now.node ?? {}), now }
      } catch (e) {
        return { state: { id, up: true, error: (e as Error).message } }
      }
    })(),
    store.replica ? nodeState(c, store.replica) : undefined,
  ])
  const usable = (n: NodeState | undefined): boolean => !!n && n.up && n.role === 'master' && !n.awaitingResync
  if (usable(home.state) && home.now) return { master: store.home, now: home.now }
  if (replica && usable(replica)) return { master: replica.id, now: await mustExec<StoreManifest>(c, replica.id, read, 240_000) }
  const states = [home.state, ...(replica ? [replica] : [])]
  throw new LabError('REFUSED', `${store.home}'s store has no running master to restore into (${states.map((n) => `${n.id}: ${n.error ?? n.role ?? 'down'}`).join('; ')}): bring one up or promote the replica first`)
}

/** restore `users` (all of one store when `store` is given) from snapshot `stamp` (the newest by default) */
/** `applying` is told before the first message is put back (the restore's record: a killed engine resumes it) */
export async function restoreMail(c: HookContext, o: { user?: string; store?: string; snapshot?: string }, applying?: () => void): Promise<string> {
  const b = c.server.id
  const users = o.user ? [o.user] : c.topology.users.filter((u) => u.store === o.store).map((u) => u.name)
  if (!users.length) throw new LabError('BAD_INPUT', o.store ? `store ${o.store} has no users in the topology` : 'give a user or a store to restore')
  const parts: string[] = []
  const problems: string[] = []
  // what does not depend on each other is asked at once: each docker exec is a round trip (0.1-1 s on a loaded
  // host), and a one-user restore was eight of them in a row before the first message moved
  for (const user of users) {
    const home = storeOf(c, user)
    const store = home.home
    // the snapshot on backup1 while the store's master is found and the user's mailbox read there; backup1 gets
    // every file of the user's snapshot ready to stream as soon as it has the snapshot, beside that read. The
    // restore takes from the stream only what is missing, and a stream nobody takes is withdrawn (it holds the port
    // the nightly backup receives on).
    // The token names this restore's stream: the restore takes no other (a listener an earlier serve left may answer first)
    const token = randomBytes(8).toString('hex')
    const showing = mustExec<StoreManifest & { stamp: string; stats?: { takenAt?: number } }>(c, b, ['racklab-mail-store', 'show', o.snapshot ?? 'newest', store], 60_000).catch((e: Error) => {
      throw /no snapshot/.test(e.message) ? new LabError('NOT_FOUND', `${b} holds ${o.snapshot ? `no snapshot ${o.snapshot} of ${store}` : `no snapshot of ${store}: run backup-now first`} (${e.message.replace(/^.*racklab-mail-store: /, '')})`) : e
    })
    const serveCmd = ['racklab-mail-store', 'serve', String(MAIL_STREAM_PORT), token]
    const serving = showing.then(async (shown): Promise<{ served: { files: number; missing: string[] } } | { error: Error } | undefined> => {
      const guids = [...new Set((shown.users.find((u) => u.name === user)?.mailboxes ?? []).flatMap((box) => box.messages.map((m) => m.guid)))]
      if (!guids.length) return undefined
      // exit 1: served, with files missing or failing their SHA1 on backup1 (named in `missing`)
      const r = await tryExec(c, b, serveCmd, 300_000, guids.join('\n') + '\n')
      try {
        if (r.exitCode <= 1) return { served: reportOf<{ files: number; missing: string[] }>(b, serveCmd, r) }
      } catch { /* no report: a failure, below */ }
      return { error: new Error(`${b} could not serve ${user}'s files: ${clip(r.stderr || r.stdout) || `exit ${r.exitCode}`}`) }
    }, () => undefined)
    const unserve = async (): Promise<void> => {
      const s = await serving
      if (s && 'served' in s) await c.exec(b, ['racklab-mail-store', 'unserve'], { timeoutMs: 60_000 }).catch(() => undefined)
    }
    const [shownR, nowR] = await Promise.allSettled([showing, masterWithMailbox(c, home, user)])
    if (shownR.status === 'rejected' || nowR.status === 'rejected') {
      await unserve()
      throw shownR.status === 'rejected' ? shownR.reason : (nowR as PromiseRejectedResult).reason
    }
    const shown = shownR.value
    const { master, now } = nowR.value
    const chosen = { stamp: shown.stamp, takenAt: shown.stats?.takenAt }
    const snap = shown.users.find((u) => u.name === user)
    if (!snap) { parts.push(`${user}: not in snapshot ${chosen.stamp} of ${store} (nothing to restore)`); continue }
    const before = now.users[0]
    const plan = restorePlan(snap, before)
    let restored = 0
    let appended = 0
    let readAfter: UserRecord | undefined
    if (!plan.restore.length) await unserve()
    else {
      applying?.()
      // the restore starts while backup1 may still be packing the files: it logs in, then waits for the stream
      // that carries this token (racklab-mail-export open_stream)
      const restoring = tryExec(c, master, ['racklab-mail-export', 'restore', user, ipBetween(c.topology, master, b), String(MAIL_STREAM_PORT), token], 600_000, plan.restore.map((m) => JSON.stringify(m)).join('\n') + '\n')
      const got = await serving
      if (!got || 'error' in got) {
        // no stream for this token will come: the restore, still waiting for it, has put nothing back; it is ended
        // now rather than at its own deadline, and backup1's reason is the one to give
        await c.exec(master, ['pkill', '-f', `racklab-mail-export restore ${user} .* ${token}$`], { timeoutMs: 10_000 }).catch(() => undefined)
        await restoring
        throw got?.error ?? new Error(`${b} was not asked to serve ${user}'s files`)
      }
      const r = await restoring
      const wanted = new Set(plan.restore.map((m) => m.guid))
      const missing = got.served.missing.filter((g) => wanted.has(g))
      if (missing.length) problems.push(`${user}: ${missing.length} file(s) on ${b} are missing or fail their SHA1 (not restored)`)
      const rep = JSON.parse(r.stdout.trim().split('\n').at(-1) || '{}') as { restored?: number; appended?: number; corrupt?: string[]; failed?: string[]; after?: UserRecord & { error?: string } }
      if (r.exitCode > 1 || rep.restored === undefined) {
        // the stream may not have been taken: it would hold the port the nightly backup receives on for 10 min
        await unserve()
        throw new Error(`${master}: restoring ${user} failed: ${(r.stderr || r.stdout).trim().slice(0, 300)}`)
      }
      restored = rep.restored
      appended = rep.appended ?? 0
      if (rep.corrupt?.length) problems.push(`${user}: ${rep.corrupt.length} file(s) failed their SHA1 on arrival (not restored)`)
      if (rep.failed?.length) problems.push(`${user}: ${rep.failed.slice(0, 3).join('; ')}`)
      if (rep.after && !rep.after.error) readAfter = rep.after
    }
    // verification: every message of the snapshot is in the mailbox now, by GUID (its SHA1 recorded at backup time);
    // the restore read the mailboxes after its last commit, else they are read here
    const after = readAfter ?? (await mustExec<StoreManifest>(c, master, ['racklab-mail-export', 'manifest', '--user', user], 120_000)).users[0]
    const still = restorePlan(snap, after).restore.length
    // the mailboxes were made anew (the store was lost): their UIDs say nothing; the MXs' logs say what came since
    const since = plan.lostSince === undefined ? await deliveredSince(c, user, chosen.takenAt) : plan.lostSince
    const lost = plan.lostSince !== undefined
      ? `${plan.lostSince} message(s) that arrived after the snapshot are gone (lost since that night)`
      : typeof since === 'number'
        ? `${since} message(s) delivered after the snapshot (the MXs' delivery logs) are in no backup: lost since that night (the mailboxes were made anew)`
        : `mail that arrived after the snapshot and is gone: not countable (${since})`
    parts.push(`${user} into ${master} from snapshot ${chosen.stamp}: ${restored} message(s) restored${appended ? ` (${appended} of them by APPEND: a delivery took their UID or reconstruct did not index them)` : ''}, ${plan.present} already there; verified by SHA1 GUID: ${still === 0 ? 'every message of the snapshot is present' : `${still} STILL MISSING`}; ${lost}`)
    if (still) problems.push(`${user}: ${still} message(s) of the snapshot still missing`)
  }
  const text = `mail restore: ${parts.join('; ')}`
  if (problems.length) throw new Error(`${text}; PROBLEMS: ${problems.join('; ')}`)
  return text
}
