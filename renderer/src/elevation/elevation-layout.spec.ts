import { describe, expect, it } from 'vitest'
import type { Rack } from '@contract/topology'
import { nyiTopology } from '../testing/nyi-topology'
import { EL, layoutElevation, unitTop } from './elevation-layout'

const rack = (id: string): Rack => nyiTopology().sites.flatMap((s) => s.racks).find((r) => r.id === id)!

describe('layoutElevation', () => {
  it('draws to scale: 22 px a U, U1 at the bottom, a 2U server two slots tall', () => {
    const r = rack('nyi-2')
    const e = layoutElevation(r, 'front')
    expect(e.height).toBe(EL.top + 4 + r.height * 22 + EL.bottom)
    expect(e.uLabels[0]).toEqual({ u: r.height, y: EL.top + EL.border })
    expect(e.uLabels.at(-1)?.u).toBe(1)
    const db2 = e.units.find((u) => u.id === 'db2')!
    const unit = r.units.find((u) => u.id === 'db2')!
    expect(db2.h).toBe(db2.heightU * 22)
    expect(db2.y).toBe(unitTop(r.height, unit.u, db2.heightU))
    // its bottom edge is the top of the slot below its lowest U
    expect(db2.y + db2.h).toBe(EL.top + EL.border + (r.height - unit.u + 1) * 22)
    // units never overlap
    const spans = e.units.map((u) => [u.y, u.y + u.h] as const).sort((a, b) => a[0] - b[0])
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1])
  })

  it('puts LEDs, bays and switch ports on the front and no PDUs or cables', () => {
    const e = layoutElevation(rack('nyi-2'), 'front')
    expect(e.pdus).toEqual([])
    expect(e.cables).toEqual([])
    expect(e.units.find((u) => u.id === 'db2')!.leds.map((l) => l.key)).toEqual(['power:db2', 'status:db2', 'activity:db2'])
    expect(e.units.find((u) => u.id === 'raid2')!.slots.map((s) => s.led)).toContain('disk:raid2/1')
    expect(e.units.find((u) => u.id === 'sw-int2')!.ports).toHaveLength(24)
  })

  it('puts PSUs, NICs, PDUs and cables on the back, side A on the right as seen from behind', () => {
    const r = rack('nyi-2')
    const back = layoutElevation(r, 'back')
    const front = layoutElevation(r, 'front')
    const a = back.pdus.find((p) => p.side === 'A')!
    const b = back.pdus.find((p) => p.side === 'B')!
    expect(a.x).toBeGreaterThan(b.x)
    expect(back.units.find((u) => u.id === 'db2')!.slots.map((s) => s.part)).toEqual(['psu-module:db2/1', 'psu-module:db2/2'])
    // db2's int cable runs to sw-int2 port 4 in the same rack; its WAN link leaves the rack
    const int = back.cables.find((c) => c.key === 'cable:db2/int')!
    expect(int).toMatchObject({ kind: 'net', network: 'int', to: 'sw-int2' })
    expect(int.away).toBeUndefined()
    expect(back.cables.find((c) => c.key === 'cable:db2/wan')).toMatchObject({ away: 'wan' })
    // one power cord per PSU, each to the PDU the topology names
    const cords = back.cables.filter((c) => c.kind === 'power' && c.from === 'db2').map((c) => c.to)
    expect(cords).toEqual(r.units.find((u) => u.id === 'db2')!.power)
    // same slots front and back
    expect(back.units.map((u) => [u.id, u.y])).toEqual(front.units.map((u) => [u.id, u.y]))
  })

  it('labels a cable to a switch in another rack with where it lands', () => {
    const back = layoutElevation(rack('nyi-3'), 'back')
    expect(back.cables.find((c) => c.key === 'cable:backup1/int')).toMatchObject({ to: 'sw-int1', away: 'sw-int1/24' })
  })
})
