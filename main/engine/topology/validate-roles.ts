// Links between servers: replicaOf (same role), dependsOn (servers, no cycles), an enclosure's
// attachedTo (a server of its site) and a user's store (an imap server).
import type { Role, ServerUnit, Topology } from '@contract/topology'
import type { FieldPath, ProblemList } from './problems.ts'
import { article, describeUnit, type Placed, type TopologyIndex } from './topology-index.ts'

type Lookup = { ok: true; server: ServerUnit } | { ok: false; why: string }

function findServer(index: TopologyIndex, id: string, role?: Role): Lookup {
  const found = index.unitById.get(id)
  if (!found) return { ok: false, why: `unknown server "${id}"` }
  const u = found.item
  if (u.kind !== 'server') return { ok: false, why: `"${id}" is ${article(u.kind)} ${u.kind}, not a server` }
  if (role && u.role !== role) return { ok: false, why: `"${id}" is ${article(u.role)} ${u.role} server, not ${article(role)} ${role} server` }
  return { ok: true, server: u }
}

/** Reports each dependsOn cycle once, at the dependsOn of the server where it was found. */
function checkCycles(servers: Placed<ServerUnit>[], list: ProblemList): void {
  const byId = new Map(servers.map((s) => [s.item.id, s]))
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (id: string): void => {
    state.set(id, 'visiting')
    stack.push(id)
    const s = byId.get(id)
    for (const dep of s?.item.dependsOn ?? []) {
      if (!byId.has(dep) || dep === id) continue // reported elsewhere
      const st = state.get(dep)
      if (st === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep]
        list.add([...(s?.path ?? []), 'dependsOn'], `dependsOn cycle: ${cycle.join(' → ')} (nothing in it could ever start)`)
      } else if (st === undefined) visit(dep)
    }
    stack.pop()
    state.set(id, 'done')
  }
  for (const s of servers) if (!state.has(s.item.id)) visit(s.item.id)
}

export function checkRoles(t: Topology, index: TopologyIndex, list: ProblemList): void {
  const servers = index.units.filter((u): u is Placed<ServerUnit> => u.item.kind === 'server')
  for (const { item: s, path } of servers) {
    if (s.replicaOf !== undefined) {
      const p: FieldPath = [...path, 'replicaOf']
      if (s.replicaOf === s.id) list.add(p, `${s.id} cannot be a replica of itself`)
      else {
        const r = findServer(index, s.replicaOf, s.role)
        if (!r.ok) list.add(p, `${r.why}: ${article(s.role)} ${s.role} server replicates from another ${s.role} server`)
        else if (!s.nics.some((a) => r.server.nics.some((b) => b.network === a.network))) {
          list.add(p, `${s.id} and ${s.replicaOf} share no network, so replication has no path`)
        }
      }
    }
    const seen = new Set<string>()
    s.dependsOn.forEach((dep, i) => {
      const p: FieldPath = [...path, 'dependsOn', i]
      if (dep === s.id) list.add(p, `${s.id} cannot depend on itself`)
      else if (seen.has(dep)) list.add(p, `"${dep}" is listed twice`)
      else {
        const r = findServer(index, dep)
        if (!r.ok) list.add(p, r.why)
      }
      seen.add(dep)
    })
  }
  checkCycles(servers, list)

  for (const { item: u, path, site } of index.units) {
    if (u.kind !== 'enclosure') continue
    const r = findServer(index, u.attachedTo)
    if (!r.ok) list.add([...path, 'attachedTo'], r.why)
    else {
      const host = index.unitById.get(u.attachedTo)
      if (host && host.site !== site) {
        list.add([...path, 'attachedTo'], `${describeUnit(r.server)} is in site ${host.site.id}; a SCSI cable cannot reach from site ${site.id}`)
      }
    }
  }

  t.users.forEach((user, i) => {
    if (user.store === undefined) return
    const r = findServer(index, user.store, 'imap')
    if (!r.ok) list.add(['users', i, 'store'], `${r.why}: a user's store is the imap server holding the mailbox`)
  })
}
