// A Cyrus replication pair as the lab sees it: the store record in the database (stores.master_slot: who
// receives mail, read by the MX's LMTP proxy on every recipient) and each node's Cyrus role (who pushes
// with the rolling sync_client). Read fresh from the running containers for every listing and action.
import type { ServerUnit, Topology } from '@contract/topology'
import { allServers } from '../topology/queries'
import { tryExec, writablePrimary } from './db-state'
import type { HookContext } from './types'

export { tryExec }

export interface NodeState {
  id: string
  up: boolean
  role?: 'master' | 'replica'
  rolling?: boolean
  awaitingResync?: boolean
  /** why the node could not be asked */
  error?: string
}

export interface StoreRecord {
  id: string
  master: string
  replica: string
}

export interface PairState {
  /** the topology's master of the pair (the store's home) */
  home: string
  self: NodeState
  peer: NodeState
  store?: StoreRecord
  /** the database primary that holds the store record */
  db?: string
  dbError?: string
}

const ID = /^[a-z][a-z0-9-]{0,63}$/
/** the last two lines of a command's output, one line, at most 240 characters: for a message */
export const clip = (s: string): string => s.trim().split('\n').slice(-2).join(' | ').slice(0, 240)

/** the other node of a server's pair: its master, or the first server that replicates it */
export function peerOf(t: Topology, server: ServerUnit): string | undefined {
  if (server.replicaOf) return server.replicaOf
  return allServers(t).find((p) => p.server.replicaOf === server.id)?.server.id
}

/** the JSON report a racklab-* command prints as its last line, whatever its exit code (verify exits 1 on problems) */
export function reportOf<T>(server: string, cmd: string[], r: { stdout: string }): T {
  const last = r.stdout.trim().split('\n').at(-1) ?? ''
  try {
    return JSON.parse(last) as T
  } catch {
    throw new Error(`${server}: ${cmd[0]} printed no JSON: ${clip(r.stdout)}`)
  }
}

/** run a command that must succeed; its JSON output parsed */
export async function mustExec<T>(c: HookContext, server: string, cmd: string[], timeoutMs = 60_000, stdin?: string): Promise<T> {
  const r = await tryExec(c, server, cmd, timeoutMs, stdin)
  if (r.exitCode !== 0) throw new Error(`${server}: ${cmd[0]} failed (exit ${r.exitCode}): ${clip(r.stderr || r.stdout)}`)
  return reportOf<T>(server, cmd, r)
}

export async function nodeState(c: HookContext, id: string): Promise<NodeState> {
  const r = await tryExec(c, id, ['racklab-cyrus-role', '--json'], 10_000)
  if (r.exitCode !== 0) return { id, up: false, error: clip(r.stderr || r.stdout) || `exit ${r.exitCode}` }
  try {
    return roleState(id, JSON.parse(r.stdout))
  } catch {
    return { id, up: true, error: `racklab-cyrus-role printed no JSON: ${clip(r.stdout)}` }
  }
}

/** a running node's state from what `racklab-cyrus-role --json` printed (parsed) */
export function roleState(id: string, s: { role?: string; rolling?: boolean; awaitingResync?: boolean }): NodeState {
  return { id, up: true, ...(s.role === 'master' || s.role === 'replica' ? { role: s.role } : {}), rolling: !!s.rolling, awaitingResync: !!s.awaitingResync }
}

export async function sql(c: HookContext, db: string, query: string): Promise<string> {
  const r = await tryExec(c, db, ['mariadb', '-N', '-B', 'racklab', '-e', query], 15_000)
  if (r.exitCode !== 0) throw new Error(`${db}: ${clip(r.stderr || r.stdout)}`)
  return r.stdout.trim()
}

export async function readStore(c: HookContext, db: string, a: string, b: string): Promise<StoreRecord | undefined> {
  if (!ID.test(a) || !ID.test(b)) throw new Error(`bad server id ${a}/${b}`)
  const out = await sql(c, db, `SELECT id, master_slot, IFNULL(replica_slot, '') FROM stores WHERE master_slot IN ('${a}','${b}') OR replica_slot IN ('${a}','${b}') ORDER BY id LIMIT 1`)
  if (!out) return undefined
  const [id, master, replica] = out.split('\t') as [string, string, string]
  return { id, master, replica }
}

/** moves the store's master record: from now on the LMTP proxy delivers its mail to `master` */
export async function moveStore(c: HookContext, db: string, store: StoreRecord, master: string, replica: string): Promise<void> {
  if (![store.id, master, replica].every((x) => ID.test(x))) throw new Error('bad store or server id')
  await sql(c, db, `UPDATE stores SET master_slot = '${master}', replica_slot = '${replica}' WHERE id = '${store.id}'`)
}

/** undefined when the server has no replication peer (then it has no mail-pair actions) */
export async function readPair(c: HookContext): Promise<PairState | undefined> {
  const peerId = peerOf(c.topology, c.server)
  if (!peerId) return undefined
  const home = c.server.replicaOf ?? c.server.id
  // the store record is written on the current primary (after a promote, not the topology's db1)
  const w = await writablePrimary(c)
  const db = 'id' in w ? w.id : undefined
  const [self, peer, store] = await Promise.all([
    nodeState(c, c.server.id),
    nodeState(c, peerId),
    db ? readStore(c, db, c.server.id, peerId).then((s) => s ?? `no store record names ${home} or ${peerId}`, (e: unknown) => (e as Error).message) : Promise.resolve('error' in w ? w.error : 'no database'),
  ])
  return { home, self, peer, ...(typeof store === 'string' ? { dbError: store } : { store }), ...(db ? { db } : {}) }
}
