// Joins the topology (what is mounted where) with the live server statuses into site → rack → units, top to
// bottom, for the racks panel. Pure: the 3D view can reuse it.
import type { ServerStatus } from '@contract/status'
import type { Rack, Topology, Unit } from '@contract/topology'

export interface UnitView {
  id: string
  kind: Unit['kind']
  model: string
  /** lowest rack unit; null when only the status is known (no topology loaded) */
  u: number | null
  label?: string
  /** one line about a non-server unit: what an enclosure backs, which network a switch carries */
  note?: string
  server?: ServerStatus
}
export interface RackView {
  id: string
  label: string
  height: number | null
  units: UnitView[]
}
export interface SiteView {
  id: string
  name: string
  racks: RackView[]
}

function noteFor(unit: Unit): string | undefined {
  switch (unit.kind) {
    case 'enclosure':
      return `attached to ${unit.attachedTo} · ${unit.bays} bays · ${unit.arrays.map((a) => a.level).join(', ')}`
    case 'switch':
      return `network ${unit.network} · ${unit.ports} ports`
    case 'shelf': {
      const spares = Object.entries(unit.spares).map(([model, n]) => `${n}× ${model}`)
      return spares.length ? `spares: ${spares.join(', ')}` : 'no spares'
    }
    case 'server':
      return undefined
  }
}

function unitView(unit: Unit, server: ServerStatus | undefined): UnitView {
  const note = noteFor(unit)
  return {
    id: unit.id,
    kind: unit.kind,
    model: server?.model ?? unit.model,
    u: unit.u,
    ...(unit.label === undefined ? {} : { label: unit.label }),
    ...(note === undefined ? {} : { note }),
    ...(server === undefined ? {} : { server }),
  }
}

function rackView(rack: Rack, byId: Map<string, ServerStatus>): RackView {
  const units = [...rack.units].sort((a, b) => b.u - a.u).map((u) => unitView(u, u.kind === 'server' ? byId.get(u.id) : undefined))
  return { id: rack.id, label: rack.label ?? rack.id, height: rack.height, units }
}

function serverOnly(s: ServerStatus): UnitView {
  return { id: s.id, kind: 'server', model: s.model, u: null, server: s }
}

export function layoutSites(topology: Topology | null, servers: readonly ServerStatus[]): SiteView[] {
  const byId = new Map(servers.map((s) => [s.id, s]))
  const sites: SiteView[] = (topology?.sites ?? []).map((site) => ({
    id: site.id,
    name: site.name,
    racks: site.racks.map((r) => rackView(r, byId)),
  }))
  const placed = new Set(sites.flatMap((s) => s.racks.flatMap((r) => r.units.map((u) => u.id))))
  // servers the topology does not place (or no topology at all): grouped by the site and rack they report
  for (const s of servers) {
    if (placed.has(s.id)) continue
    let site = sites.find((x) => x.id === s.site)
    if (!site) {
      site = { id: s.site, name: s.site, racks: [] }
      sites.push(site)
    }
    let rack = site.racks.find((r) => r.id === s.rack)
    if (!rack) {
      rack = { id: s.rack, label: s.rack, height: null, units: [] }
      site.racks.push(rack)
    }
    rack.units.push(serverOnly(s))
  }
  return sites
}

export function serversByRack(servers: readonly ServerStatus[]): Map<string, ServerStatus[]> {
  const out = new Map<string, ServerStatus[]>()
  for (const s of servers) out.set(s.rack, [...(out.get(s.rack) ?? []), s])
  return out
}
