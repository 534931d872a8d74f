// Physical checks inside each rack: PDUs on the rack's own circuits, units fed by the rack's own PDUs
// (no more feeds than PSUs, no more plugs than outlets), units inside the rack and not overlapping,
// RAID arrays on bays the enclosure has, no bay in two arrays.
import type { EnclosureUnit, Unit } from '@contract/topology'
import type { PsuCountLookup, UnitHeightLookup } from './model-heights.ts'
import type { FieldPath, ProblemList } from './problems.ts'
import type { Placed, TopologyIndex } from './topology-index.ts'

const list_ = (ids: readonly string[]): string => (ids.length ? ids.join(', ') : 'none')

/** smallest member count each RAID level needs */
const MIN_MEMBERS = { raid1: 2, raid5: 3, raid6: 4, raid10: 4 } as const

function checkPower(rackUnits: Placed<Unit>[], rackPath: FieldPath, list: ProblemList, psuCount: PsuCountLookup): void {
  const rack = rackUnits[0]?.rack
  if (!rack) return
  const pduIds = rack.pdus.map((p) => p.id)
  const plugs = new Map<string, number>()
  for (const { item: u, path } of rackUnits) {
    u.power.forEach((pdu, i) => {
      if (!pduIds.includes(pdu)) list.add([...path, 'power', i], `"${pdu}" is not a PDU of rack ${rack.id} (its PDUs: ${list_(pduIds)})`)
      else plugs.set(pdu, (plugs.get(pdu) ?? 0) + 1)
    })
    const psus = psuCount(u.model)
    if (psus !== undefined && u.power.length > psus) {
      list.add([...path, 'power'], `${u.model} has ${psus} PSU${psus === 1 ? '' : 's'} but ${u.power.length} feeds are listed`)
    }
  }
  rack.pdus.forEach((p, i) => {
    const used = plugs.get(p.id) ?? 0
    if (used > p.outlets) list.add([...rackPath, 'pdus', i, 'outlets'], `${used} units are plugged into ${p.id} but it has ${p.outlets} outlets`)
  })
}

function checkSpace(rackUnits: Placed<Unit>[], list: ProblemList, unitHeight: UnitHeightLookup): void {
  const placed: { unit: Unit; lo: number; hi: number }[] = []
  for (const { item: u, path, rack } of rackUnits) {
    const h = unitHeight(u.model)
    if (h === undefined) {
      list.add([...path, 'model'], `unknown hardware model "${u.model}" (its rack height is needed to place it)`)
      continue
    }
    const lo = u.u
    const hi = u.u + h - 1
    const span = (a: number, b: number): string => (a === b ? `U${a}` : `U${a}-U${b}`)
    if (hi > rack.height) {
      list.add([...path, 'u'], `a ${h}U ${u.model} at u ${lo} would occupy ${span(lo, hi)}, above the top of the ${rack.height}U rack ${rack.id}`)
      continue
    }
    const clashes = placed.filter((p) => p.lo <= hi && lo <= p.hi)
    if (clashes.length > 0) {
      const what = clashes.map((c) => `${c.unit.id} (${span(c.lo, c.hi)}) at ${span(Math.max(lo, c.lo), Math.min(hi, c.hi))}`)
      list.add([...path, 'u'], `${u.id} (${span(lo, hi)}) overlaps ${what.join(' and ')}`)
    }
    placed.push({ unit: u, lo, hi })
  }
}

function checkArrays(e: EnclosureUnit, path: FieldPath, list: ProblemList): void {
  const owner = new Map<number, string>()
  e.arrays.forEach((a, ai) => {
    const ap = [...path, 'arrays', ai]
    const min = MIN_MEMBERS[a.level]
    if (a.members.length < min) list.add([...ap, 'members'], `${a.level} needs at least ${min} member disks, got ${a.members.length}`)
    else if (a.level === 'raid10' && a.members.length % 2 !== 0) list.add([...ap, 'members'], `raid10 needs an even number of member disks, got ${a.members.length}`)
    for (const field of ['members', 'spares'] as const) {
      a[field].forEach((bay, bi) => {
        const bp = [...ap, field, bi]
        if (bay > e.bays) {
          list.add(bp, `bay ${bay} does not exist: ${e.id} has ${e.bays} bays`)
          return
        }
        const prev = owner.get(bay)
        if (prev) list.add(bp, `bay ${bay} is already used by ${prev}`)
        else owner.set(bay, `${field === 'members' ? 'a member' : 'a spare'} of array ${a.id}`)
      })
    }
  })
}

export function checkRacks(index: TopologyIndex, list: ProblemList, unitHeight: UnitHeightLookup, psuCount: PsuCountLookup): void {
  for (const { item: rack, path: rackPath } of index.racks) {
    const circuitIds = rack.circuits.map((c) => c.id)
    rack.pdus.forEach((p, i) => {
      if (!circuitIds.includes(p.circuit)) {
        list.add([...rackPath, 'pdus', i, 'circuit'], `"${p.circuit}" is not a circuit of rack ${rack.id} (its circuits: ${list_(circuitIds)})`)
      }
    })
    const rackUnits = index.units.filter((u) => u.rack === rack)
    checkPower(rackUnits, rackPath, list, psuCount)
    checkSpace(rackUnits, list, unitHeight)
    for (const { item: u, path } of rackUnits) if (u.kind === 'enclosure') checkArrays(u, path, list)
  }
}
