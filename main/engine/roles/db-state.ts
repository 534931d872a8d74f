// Which database is the primary now, read from the running servers. The topology names the starting
// primary; after a promote or fail-back the truth is in each volume's marker (/var/lib/mysql/.racklab-init,
// which the db entrypoint honours on restart) and in the servers themselves (read_only, replication).
// The marker with the highest epoch that says "primary" wins, so a dead primary that comes back stale
// (lower epoch) is never taken for the current one.
import type { Topology } from '@contract/topology'
import { allServers } from '../topology/queries'
import { MARKER, parseMarker, primaryOf } from './db-marker'
import type { HookContext } from './types'

export { MARKER }

export interface DbNode {
  id: string
  up: boolean
  /** the role its volume records (the entrypoint's marker) */
  role?: 'primary' | 'replica'
  /** increases with every promote and fail-back; 0 for the topology's own roles */
  epoch: number
  readOnly?: boolean
  /** the address it replicates from, when it has replication configured */
  masterHost?: string
  ioRunning?: boolean
  sqlRunning?: boolean
  gtidBinlogPos?: string
  error?: string
}

const ID = /^[a-z][a-z0-9-]{0,63}$/
const clip = (s: string): string => s.trim().split('\n').slice(-2).join(' | ').slice(0, 240)

/** a command in a server; a server that is down or missing gives exit 125 with Docker's reason */
export async function tryExec(c: HookContext, server: string, cmd: string[], timeoutMs = 30_000, stdin?: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  try {
    return await c.exec(server, cmd, { timeoutMs, ...(stdin === undefined ? {} : { stdin }) })
  } catch (e) {
    return { exitCode: 125, stdout: '', stderr: (e as Error).message }
  }
}

export const dbServers = (t: Topology): string[] => allServers(t).filter((p) => p.server.role === 'db').map((p) => p.server.id)

/** the topology's primary (the db server that replicates nothing): the home fail-back returns to */
export const homePrimary = (t: Topology): string | undefined => allServers(t).find((p) => p.server.role === 'db' && !p.server.replicaOf)?.server.id

/** `to`'s address as `from` reaches it: the first network both are on (db3 sees only WAN addresses) */
export function ipBetween(t: Topology, from: string, to: string): string {
  const byId = new Map(allServers(t).map((p) => [p.server.id, p.server]))
  const a = byId.get(from)
  const b = byId.get(to)
  if (!a || !b) throw new Error(`unknown server ${!a ? from : to}`)
  for (const nic of a.nics) {
    const peer = b.nics.find((n) => n.network === nic.network)
    if (peer) return peer.ip
  }
  throw new Error(`${from} and ${to} share no network`)
}

/** `to`'s address as `from` reaches it, or undefined when they share no network (or either is unknown) */
export function tryIpBetween(t: Topology, from: string, to: string): string | undefined {
  try {
    return ipBetween(t, from, to)
  } catch {
    return undefined
  }
}

/** one round trip per server: its marker, read_only, GTID position and replication threads */
export async function readDbNode(c: HookContext, id: string): Promise<DbNode> {
  const script = `cat ${MARKER} 2>/dev/null; echo '--'; mariadb -N -B -e 'SELECT @@read_only, @@gtid_binlog_pos' && mariadb -e 'SHOW SLAVE STATUS\\G'`
  const r = await tryExec(c, id, ['sh', '-c', script], 10_000)
  if (r.exitCode !== 0) return { id, up: false, epoch: 0, error: clip(r.stderr || r.stdout) || `exit ${r.exitCode}` }
  const [marker = '', rest = ''] = r.stdout.split('\n--\n')
  const kv = (text: string, sep: RegExp): Map<string, string> => new Map(text.split('\n').map((l) => l.split(sep, 2).map((x) => x.trim()) as [string, string]).filter((p) => p.length === 2))
  const m = parseMarker(marker)
  const [firstLine = '', ...slave] = rest.split('\n')
  const [ro, pos] = firstLine.split('\t')
  const s = kv(slave.join('\n'), /:\s/)
  return {
    id,
    up: true,
    ...m,
    readOnly: ro === '1',
    ...(s.get('Master_Host') ? { masterHost: s.get('Master_Host')!, ioRunning: s.get('Slave_IO_Running') === 'Yes', sqlRunning: s.get('Slave_SQL_Running') === 'Yes' } : {}),
    gtidBinlogPos: pos ?? '',
  }
}

export const readDbNodes = (c: HookContext): Promise<DbNode[]> => Promise.all(dbServers(c.topology).map((id) => readDbNode(c, id)))

/** the current primary among the nodes that answer: a primary marker with the highest epoch */
export function currentPrimary(nodes: DbNode[]): DbNode | undefined {
  return primaryOf(nodes.filter((n) => n.up))
}

/** the writable primary's id, or why there is none (for writers such as the mail store record) */
export async function writablePrimary(c: HookContext): Promise<{ id: string } | { error: string }> {
  const nodes = await readDbNodes(c)
  const p = currentPrimary(nodes)
  if (!p) return { error: nodes.length ? `no primary database answers (${nodes.map((n) => `${n.id}: ${n.up ? n.role ?? '?' : 'down'}`).join(', ')}): promote a replica` : 'the lab has no database server' }
  if (p.readOnly) return { error: `${p.id}, the primary, is read-only (fenced or mid-switch): no database takes writes now` }
  return { id: p.id }
}

/** rewrite a server's marker: the entrypoint then keeps this role across restarts */
export async function writeMarker(c: HookContext, id: string, role: 'primary' | 'replica', epoch: number, primaryIp = ''): Promise<void> {
  if (!ID.test(id) || (primaryIp && !/^\d{1,3}(\.\d{1,3}){3}$/.test(primaryIp))) throw new Error('bad server id or address')
  const text = `role=${role}\nprimary=${primaryIp}\nepoch=${epoch}\nset_by=engine\n`
  const r = await tryExec(c, id, ['sh', '-c', `cat > ${MARKER}.new && mv ${MARKER}.new ${MARKER}`], 10_000, text)
  if (r.exitCode !== 0) throw new Error(`${id}: writing its role marker failed: ${clip(r.stderr || r.stdout)}`)
}

/** run SQL as root over the socket; the output, or an error naming the server */
export async function rootSql(c: HookContext, id: string, query: string, timeoutMs = 30_000): Promise<string> {
  const r = await tryExec(c, id, ['mariadb', '-N', '-B'], timeoutMs, query)
  if (r.exitCode !== 0) throw new Error(`${id}: ${clip(r.stderr || r.stdout)}`)
  return r.stdout.trim()
}

/** SQL string literal */
export const sqlq = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
