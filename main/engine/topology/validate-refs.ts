// Cross-reference checks that zod cannot express: unique ids, links between things (PDU → circuit,
// unit → PDU, NIC → network/switch, replicaOf/dependsOn/attachedTo/store), rack space and RAID bays.
// Runs on a schema-valid topology and adds every problem it finds, each with file:line.
import type { Topology } from '@contract/topology'
import { defaultPsuCount, defaultUnitHeight, type PsuCountLookup, type UnitHeightLookup } from './model-heights.ts'
import type { FieldPath, ProblemList } from './problems.ts'
import { indexTopology } from './topology-index.ts'
import { checkNetworks } from './validate-network.ts'
import { checkRacks } from './validate-rack.ts'
import { checkRoles } from './validate-roles.ts'

export interface RefCheckOptions {
  /** rack height of a model in U; defaults to the small built-in table (model-heights.ts) */
  unitHeight?: UnitHeightLookup
  /** PSU count of a model; defaults to the built-in table */
  psuCount?: PsuCountLookup
}

interface IdUse {
  what: string
  path: FieldPath
}

/** Sites, racks, circuits, PDUs, units, arrays and networks share one name space (targets use bare ids). */
function checkUniqueIds(t: Topology, list: ProblemList): void {
  const seen = new Map<string, IdUse>()
  const use = (id: string, what: string, path: FieldPath): void => {
    const first = seen.get(id)
    if (!first) {
      seen.set(id, { what, path })
      return
    }
    const at = list.at([...first.path, 'id'])
    list.add([...path, 'id'], `duplicate id "${id}": already used by the ${first.what} at line ${at.line}`)
  }
  t.sites.forEach((site, si) => {
    const sp = ['sites', si]
    use(site.id, 'site', sp)
    site.racks.forEach((rack, ri) => {
      const rp = [...sp, 'racks', ri]
      use(rack.id, 'rack', rp)
      rack.circuits.forEach((c, i) => use(c.id, 'circuit', [...rp, 'circuits', i]))
      rack.pdus.forEach((p, i) => use(p.id, 'PDU', [...rp, 'pdus', i]))
      rack.units.forEach((u, ui) => {
        const up = [...rp, 'units', ui]
        use(u.id, u.kind, up)
        if (u.kind === 'enclosure') u.arrays.forEach((a, ai) => use(a.id, 'array', [...up, 'arrays', ai]))
      })
    })
  })
  t.networks.forEach((n, i) => use(n.id, 'network', ['networks', i]))

  const users = new Map<string, number>()
  t.users.forEach((u, i) => {
    const first = users.get(u.name)
    if (first === undefined) users.set(u.name, i)
    else list.add(['users', i, 'name'], `duplicate user "${u.name}": already defined as users[${first}]`)
  })
}

export function validateRefs(t: Topology, list: ProblemList, opts: RefCheckOptions = {}): void {
  const index = indexTopology(t)
  checkUniqueIds(t, list)
  checkRacks(index, list, opts.unitHeight ?? defaultUnitHeight, opts.psuCount ?? defaultPsuCount)
  checkNetworks(t, index, list)
  checkRoles(t, index, list)
}
