// db.clients: every DB client instance (each web server's Apache children, each MX's LMTP proxy children) must
// be on the writable primary, or the probe says which is not and why. Health means every instance: one web
// server left on a read-only replica fails half of all logins while a round-robin login probe may pass.
// It runs `racklab-db-status` (lab-images/perl/bin) in each client: what every live client process holds,
// and what a new connection gets right now from there with the same policy (Racklab::DbClient).
import { z } from 'zod'
import type { ProbeResult } from '@contract/status'
import type { Topology } from '@contract/topology'
import { allServers } from '../topology/queries'
import type { Exec, ProbeOptions } from './db'

/** roles whose servers talk to the database (they get DB_HOSTS: roles/web.ts, roles/mx.ts) */
export const DB_CLIENT_ROLES: readonly string[] = ['web', 'mx']

const Holds = z.object({ host: z.string(), server: z.string(), writable: z.boolean(), since: z.number() })
const DbStatusSchema = z.object({
  server: z.string(),
  hosts: z.array(z.string()),
  instances: z.array(z.object({ pid: z.number(), client: z.string(), at: z.number(), holds: Holds.nullable(), why: z.string().optional() })),
  fresh: z.object({ server: z.string().nullable(), writable: z.boolean(), why: z.string().optional() }),
})
export type DbStatus = z.infer<typeof DbStatusSchema>

/** `racklab-db-status` output → DbStatus; throws naming what is wrong */
export function parseDbStatus(text: string): DbStatus {
  let doc: unknown
  try {
    doc = JSON.parse(text.trim().split('\n').pop() ?? '')
  } catch {
    throw new Error(`racklab-db-status printed no JSON: ${text.trim().slice(0, 200) || 'nothing'}`)
  }
  const r = DbStatusSchema.safeParse(doc)
  if (!r.success) throw new Error(`racklab-db-status gave an unexpected document: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`)
  return r.data
}

export interface DbLayout {
  /** the writable primary's server id: the topology's (the db server that is no one's replica) unless the role
   *  markers say otherwise (probes/db-roles.ts); null when no running server is the primary */
  primary: string | null
  /** every database address → its server id, to name the hosts in a client's reasons */
  names: Map<string, string>
}

export function dbLayout(t: Topology, current?: string | null): DbLayout | undefined {
  const dbs = allServers(t).filter((p) => p.server.role === 'db')
  const primary = current === undefined ? dbs.find((p) => !p.server.replicaOf)?.server.id : current
  if (primary === undefined) return undefined
  return { primary, names: new Map(dbs.flatMap((p) => p.server.nics.map((n) => [n.ip, p.server.id] as [string, string]))) }
}

const named = (text: string, names: Map<string, string>): string => text.replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, (ip) => (names.has(ip) ? `${names.get(ip)} (${ip})` : ip))
const clock = (epoch: number): string => new Date(epoch * 1000).toISOString().slice(11, 19)

/** judge one client's status: on the writable primary, every process and a new connection alike */
export function judgeDbClient(client: string, s: DbStatus, layout: DbLayout, o: ProbeOptions = {}): ProbeResult {
  const at = (o.now ?? ((): Date => new Date()))().toISOString()
  const { primary, names } = layout
  const problems: string[] = []
  if (primary === null) problems.push('no running database server is the primary (promote a replica)')
  else if (!s.fresh.writable || s.fresh.server !== primary) {
    const where = s.fresh.server ? `${s.fresh.server}${s.fresh.writable ? '' : ' (read-only)'}` : 'no database'
    problems.push(`a new connection from ${client} gets ${where}, not the primary ${primary}${s.fresh.why ? `: ${named(s.fresh.why, names)}` : ''}`)
  }
  const held = s.instances.filter((i) => i.holds)
  for (const i of held) {
    const h = i.holds!
    if (h.writable && h.server === primary) continue
    problems.push(`${i.client} process ${i.pid} on ${client} holds ${h.server}${h.writable ? '' : ' (read-only)'} since ${clock(h.since)}${i.why ? `: ${named(i.why, names)}` : ''}`)
  }
  const values = { primary: primary ?? 'none', server: s.fresh.server ?? 'none', processes: s.instances.length, onPrimary: held.filter((i) => i.holds!.writable && i.holds!.server === primary).length }
  const message = problems.length
    ? problems.join('; ')
    : `${client} is on ${primary ?? 'no database'} (writable primary); ${values.processes ? `${values.onPrimary} of ${values.processes} client processes hold a connection to it, the others none` : 'no client process has connected since it started'}`
  return { id: 'db.clients', target: client, ok: problems.length === 0, message, values, at }
}

/** db.clients for every running DB client; a client that can't answer is a failed result, not skipped */
export async function probeDbClients(exec: Exec, topology: Topology, running: readonly string[], o: ProbeOptions = {}, primary?: string | null): Promise<ProbeResult[]> {
  const layout = dbLayout(topology, primary)
  const up = new Set(running)
  const clients = allServers(topology).filter((p) => DB_CLIENT_ROLES.includes(p.server.role) && up.has(p.server.id)).map((p) => p.server.id)
  if (!layout) return []
  return Promise.all(
    clients.map(async (client): Promise<ProbeResult> => {
      try {
        const r = await exec(client, ['racklab-db-status'])
        if (r.exitCode !== 0) throw new Error(`racklab-db-status exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(0, 200)}`)
        return judgeDbClient(client, parseDbStatus(r.stdout), layout, o)
      } catch (e) {
        const at = (o.now ?? ((): Date => new Date()))().toISOString()
        return { id: 'db.clients', target: client, ok: false, message: `${client} could not say which database it is on: ${(e as Error).message}`, at }
      }
    }),
  )
}
