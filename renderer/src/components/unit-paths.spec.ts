import { describe, expect, it } from 'vitest'
import { indexHardware } from '../stores/hardware-view'
import { hardwareFor } from '../testing/hardware-fixture'
import { nyiTopology } from '../testing/nyi-topology'
import { unitPaths } from './unit-paths'

const topology = nyiTopology()
const racks = topology.sites.flatMap((s) => s.racks)
const circuitOf = new Map(racks.flatMap((r) => r.pdus.map((p) => [p.id, { circuit: p.circuit }] as const)))
const db2 = racks.flatMap((r) => r.units).find((u) => u.id === 'db2')!

describe('unit paths (hover tip)', () => {
  it("lists each PSU's PDU and circuit and each NIC's switch port, with a pulled cable and a tripped circuit", () => {
    if (db2.kind !== 'server') throw new Error('db2 is a server in nyi-2007')
    const sideA = circuitOf.get(db2.power[0]!)!.circuit
    const hw = indexHardware(hardwareFor(topology, { unplugged: ['db2/int'], tripped: [sideA] }))
    const lines = unitPaths(db2, circuitOf, hw)
    expect(lines).toHaveLength(db2.power.length + db2.nics.length)
    expect(lines[0]).toBe(`PSU 1 ← ${db2.power[0]} ← ${sideA} (tripped)`)
    const int = db2.nics.find((n) => n.network === 'int')!
    expect(lines).toContain(`int → ${int.switch} port ${int.port} (unplugged)`)
    // without a snapshot: the paths from the topology alone, no states
    expect(unitPaths(db2, circuitOf, null)[0]).toBe(`PSU 1 ← ${db2.power[0]} ← ${sideA}`)
  })
})
