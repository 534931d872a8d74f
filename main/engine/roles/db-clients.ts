// Tell the database's clients (webmail, MX) which server is the primary: one small file in each,
// /run/racklab/db-primary, that Racklab::DbPrimary re-reads on every connect and request. Written by
// promote and fail-back, and by each client's own boot (its /run is a tmpfs).
import { currentPrimary, ipBetween, readDbNodes, tryExec, type DbNode } from './db-state'
import type { HookContext } from './types'

export const POINTER = '/run/racklab/db-primary'
const CLIENT_ROLES = ['web', 'mx'] as const

async function writePointer(c: HookContext, client: string, primary: string): Promise<string | undefined> {
  let ip: string
  try {
    ip = ipBetween(c.topology, client, primary)
  } catch {
    return undefined // no shared network: that client never used this database
  }
  const r = await tryExec(c, client, ['sh', '-c', `mkdir -p /run/racklab && cat > ${POINTER}.new && chmod 644 ${POINTER}.new && mv ${POINTER}.new ${POINTER}`], 10_000, `${ip}\n`)
  return r.exitCode === 0 ? undefined : client
}

/** point every running client at `primary`; returns the clients that could not be told */
export async function pointClients(c: HookContext, primary: string): Promise<string[]> {
  const clients = CLIENT_ROLES.flatMap((r) => c.serversOf(r))
  const missed = await Promise.all(clients.map((id) => writePointer(c, id, primary)))
  return missed.filter((m): m is string => !!m)
}

/**
 * One reading of the database nodes, shared by the clients that boot together: an `up` provisions web1, web2, mx1
 * and mx2 in the same second, and each reading is two queries on every database server (12 execs instead of 3
 * made this the slowest step of a no-op up on a loaded machine). A reading is shared only while it is younger
 * than SHARE_MS from its start; promote and fail-back do not use it (they point every client themselves).
 */
const SHARE_MS = 2000
const recent = new Map<string, { at: number; nodes: Promise<DbNode[]> }>()

async function sharedDbNodes(c: HookContext): Promise<DbNode[]> {
  const now = Date.now()
  const r = recent.get(c.labId)
  // only a reading that found a primary is shared: after a rack's power-on web1 may read before db1 is up, and
  // mx1, a second later, must look again rather than be left with no primary (CI: db-fallback, 451 at RCPT)
  if (r && now - r.at < SHARE_MS) {
    const seen = await r.nodes.catch(() => undefined)
    if (seen && currentPrimary(seen)) return seen
  }
  const nodes = readDbNodes(c)
  recent.set(c.labId, { at: now, nodes })
  nodes.catch(() => recent.delete(c.labId))
  return nodes
}

/** a client's boot: learn the current primary (nothing to write when no primary answers). A pointer already there
 *  was written in this run of the container (its /run is a fresh tmpfs at each start) by this boot or by a promote
 *  or fail-back since, which point every running client: it is current, and reading the databases again cost a
 *  no-op `up` ~1 s (three queries per db server, on every up). */
export async function pointSelf(c: HookContext): Promise<void> {
  // a container this `up` started has no pointer yet: no exec to find that out (four per `up` after `down`)
  if (!c.startedNow) {
    const held = await tryExec(c, c.server.id, ['cat', POINTER], 10_000)
    if (held.exitCode === 0 && held.stdout.trim()) return
  }
  const p = currentPrimary(await sharedDbNodes(c))
  if (p) await writePointer(c, c.server.id, p.id)
}
