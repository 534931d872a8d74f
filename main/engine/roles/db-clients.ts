// Tell the database's clients (webmail, MX) which server is the primary: one small file in each,
// /run/racklab/db-primary, that Racklab::DbPrimary re-reads on every connect and request. Written by
// promote and fail-back, and by each client's own boot (its /run is a tmpfs).
import { currentPrimary, ipBetween, readDbNodes, tryExec } from './db-state'
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

/** a client's boot: learn the current primary (nothing to write when no primary answers) */
export async function pointSelf(c: HookContext): Promise<void> {
  const p = currentPrimary(await readDbNodes(c))
  if (p) await writePointer(c, c.server.id, p.id)
}
