// Walks a validated topology once and remembers where each thing sits (field path, site, rack), so the
// reference checks can name both ends of a broken link.
import type { Rack, Site, Topology, Unit } from '@contract/topology'
import type { FieldPath } from './problems.ts'

export interface Placed<T> {
  item: T
  /** field path of the item, e.g. ['sites', 0, 'racks', 1, 'units', 3] */
  path: FieldPath
  site: Site
  rack: Rack
}

export interface TopologyIndex {
  units: Placed<Unit>[]
  /** first unit of each id (duplicates are reported separately) */
  unitById: Map<string, Placed<Unit>>
  racks: Placed<Rack>[]
}

export function indexTopology(t: Topology): TopologyIndex {
  const units: Placed<Unit>[] = []
  const racks: Placed<Rack>[] = []
  t.sites.forEach((site, si) =>
    site.racks.forEach((rack, ri) => {
      const rackPath = ['sites', si, 'racks', ri]
      racks.push({ item: rack, path: rackPath, site, rack })
      rack.units.forEach((unit, ui) => units.push({ item: unit, path: [...rackPath, 'units', ui], site, rack }))
    }),
  )
  const unitById = new Map<string, Placed<Unit>>()
  for (const u of units) if (!unitById.has(u.item.id)) unitById.set(u.item.id, u)
  return { units, unitById, racks }
}

/** "server db1", "switch sw-int1", for messages */
export function describeUnit(u: Unit): string {
  return u.kind === 'server' ? `${u.role} server ${u.id}` : `${u.kind} ${u.id}`
}

/** "a" or "an" before a word (the kinds and roles used here) */
export const article = (word: string): string => (/^[aeio]/.test(word) ? 'an' : 'a')
