// Small pure questions the engine asks of a topology: which servers, where, in what start order,
// and the Docker name of each lab object.
import { LabError } from '@contract/errors'
import type { ServerUnit, Topology } from '@contract/topology'

export interface PlacedServer {
  server: ServerUnit
  siteId: string
  rackId: string
}

/** Every server in file order, with the site and rack it stands in. */
export function allServers(t: Topology): PlacedServer[] {
  const out: PlacedServer[] = []
  for (const site of t.sites)
    for (const rack of site.racks)
      for (const unit of rack.units) if (unit.kind === 'server') out.push({ server: unit, siteId: site.id, rackId: rack.id })
  return out
}

export function serverById(t: Topology, id: string): PlacedServer | undefined {
  return allServers(t).find((s) => s.server.id === id)
}

/**
 * Start order as waves: each wave holds servers whose dependsOn are all in earlier waves, in file
 * order. `only` restricts the result to those servers plus everything they transitively depend on.
 * Throws NOT_FOUND for an unknown id in `only`, and TOPOLOGY_INVALID on a cycle (the loader already
 * rejects cycles, so that means the topology did not come through it).
 */
export function startOrder(t: Topology, only?: readonly string[]): string[][] {
  const servers = allServers(t).map((p) => p.server)
  const byId = new Map(servers.map((s) => [s.id, s]))
  let wanted: Set<string>
  if (only === undefined) wanted = new Set(byId.keys())
  else {
    const unknown = only.filter((id) => !byId.has(id))
    if (unknown.length) throw new LabError('NOT_FOUND', `no server named ${unknown.join(', ')} (servers: ${[...byId.keys()].join(', ')})`)
    wanted = new Set()
    const add = (id: string): void => {
      if (wanted.has(id) || !byId.has(id)) return
      wanted.add(id)
      for (const dep of byId.get(id)?.dependsOn ?? []) add(dep)
    }
    only.forEach(add)
  }

  const waves: string[][] = []
  const placed = new Set<string>()
  let left = servers.filter((s) => wanted.has(s.id))
  while (left.length > 0) {
    // dependencies on non-servers are ignored here; the loader reports them
    const ready = left.filter((s) => s.dependsOn.every((d) => placed.has(d) || !byId.has(d)))
    if (ready.length === 0) {
      throw new LabError('TOPOLOGY_INVALID', `dependsOn cycle among ${left.map((s) => s.id).join(', ')}: none of them can start first`)
    }
    waves.push(ready.map((s) => s.id))
    for (const s of ready) placed.add(s.id)
    left = left.filter((s) => !placed.has(s.id))
  }
  return waves
}

export type DockerKind = 'container' | 'network' | 'volume'

const NAME_PART = /^[a-z0-9][a-z0-9-]*$/

/**
 * The Docker name of a lab object: racklab-<labId>-<id>, e.g. racklab-nyi-2007-db1 (container),
 * racklab-nyi-2007-int (network), racklab-nyi-2007-imap1-spool (volume, id = server-purpose).
 * Docker keeps a separate name space per kind, so one pattern is safe for all three; every object
 * also carries the racklab.lab label, which is what ownership is decided on.
 */
export function dockerName(labId: string, kind: DockerKind, id: string): string {
  for (const [what, v] of [['lab id', labId], [`${kind} id`, id]] as const) {
    if (!NAME_PART.test(v)) throw new LabError('BAD_INPUT', `${what} "${v}" cannot be part of a Docker name (lowercase letters, digits and "-")`)
  }
  return `racklab-${labId}-${id}`
}
