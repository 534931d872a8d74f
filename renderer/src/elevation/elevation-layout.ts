// The 2D rack elevation's geometry, NetBox's proportions (a unit 22 px high, 220 px wide, U numbers in a 30 px
// legend): one rack, one face, in SVG pixels. The front carries the LEDs, disk bays and switch ports; the back
// carries PSUs, NICs, the 0U PDUs on the side rails and the cables between them. Pure: no DOM, no state, so
// the picture is tested by its numbers. Colours come from the scene's LED keys (scene/led-states.ts).
import type { Rack, Unit } from '@contract/topology'
import { key } from '../scene/led-states'
import { modelSpec } from '../scene/models'

export const EL = { unit: 22, width: 220, legend: 30, rail: 14, gap: 8, border: 2, top: 26, bottom: 8 } as const
export type Face = 'front' | 'back'

export interface Pt {
  x: number
  y: number
}
export interface Led extends Pt {
  /** scene LED key: its colour and blink come from sceneState */
  key: string
  r: number
}
export interface Port extends Pt {
  w: number
  h: number
  /** LED key of the link light, and the hidden-part key of the cable plugged into it */
  led: string
  cable?: string
  label: string
}
export interface ElevationUnit {
  id: string
  kind: Unit['kind']
  label: string
  model: string
  u: number
  heightU: number
  x: number
  y: number
  w: number
  h: number
  body: number
  leds: Led[]
  /** front: disk bays (LED = disk, tray = hidden-part key); back: PSU modules */
  slots: Array<Port & { part?: string }>
  /** back: NICs; front of a switch: its ports */
  ports: Port[]
}
export interface ElevationPdu {
  id: string
  circuit: string
  side: 'A' | 'B'
  x: number
  y: number
  w: number
  h: number
  breaker: Led
}
export interface Cable {
  kind: 'power' | 'net'
  /** hidden-part key when the cable can be pulled (network), for the live picture */
  key?: string
  network?: string
  /** the SVG path */
  d: string
  /** where a cable leaves the rack (a switch or PDU in another rack, or no switch at all) */
  away?: string
  /** the far end: switch id (net) or PDU id (power) */
  to: string
  from: string
  /** where it leaves the unit (NIC or PSU) */
  start: Pt
  /** power: the PSU (1-based) it feeds */
  psu?: number
}
export interface Elevation {
  rackId: string
  label: string
  face: Face
  heightU: number
  width: number
  height: number
  /** U number → y of its slot's top edge */
  uLabels: Array<{ u: number; y: number }>
  units: ElevationUnit[]
  pdus: ElevationPdu[]
  cables: Cable[]
}

const X0 = EL.legend + EL.rail + EL.gap

/** y of the top edge of a unit whose lowest U is `u` and which is `h` U tall */
export const unitTop = (heightU: number, u: number, h: number): number => EL.top + EL.border + (heightU - (u + h - 1)) * EL.unit

function frontParts(unit: Unit, x: number, y: number, h: number): Pick<ElevationUnit, 'leds' | 'slots' | 'ports'> {
  const leds: Led[] = []
  const slots: ElevationUnit['slots'] = []
  const ports: Port[] = []
  const right = x + EL.width - 10
  const mid = y + h / 2
  if (unit.kind === 'server') {
    leds.push({ key: key.power(unit.id), x: right, y: mid - 5, r: 3 }, { key: key.status(unit.id), x: right - 10, y: mid - 5, r: 3 }, { key: key.activity(unit.id), x: right - 20, y: mid - 5, r: 2.5 })
  } else if (unit.kind === 'switch') {
    leds.push({ key: key.power(unit.id), x: right, y: mid - 4, r: 3 }, { key: key.status(unit.id), x: right, y: mid + 4, r: 2.5 })
    const perRow = Math.ceil(unit.ports / 2)
    for (let p = 1; p <= unit.ports; p++) {
      const row = p <= perRow ? 0 : 1
      const col = (p - 1) % perRow
      ports.push({ x: x + 70 + col * 9, y: y + 3 + row * 8, w: 7, h: 6, led: key.port(unit.id, p), label: `${unit.id} port ${p}` })
    }
  } else if (unit.kind === 'enclosure') {
    leds.push({ key: key.power(unit.id), x: right, y: y + 6, r: 3 }, { key: key.lcd(unit.id), x: right - 12, y: y + 6, r: 3 })
    const perRow = Math.min(unit.bays, 8)
    const bw = (EL.width - 80) / perRow
    for (let bay = 1; bay <= unit.bays; bay++) {
      const row = Math.floor((bay - 1) / perRow)
      const col = (bay - 1) % perRow
      slots.push({ x: x + 58 + col * bw, y: y + 4 + row * 14, w: bw - 3, h: 12, led: key.disk(unit.id, bay), part: key.tray(unit.id, bay), label: `${unit.id} bay ${bay}` })
    }
  }
  return { leds, slots, ports }
}

function backParts(unit: Unit, x: number, y: number, h: number): Pick<ElevationUnit, 'leds' | 'slots' | 'ports'> {
  const slots: ElevationUnit['slots'] = []
  const ports: Port[] = []
  const mid = y + h / 2
  // seen from the back, PSU 1 sits at the right end (the front's left), as on most 2U chassis
  unit.power.forEach((_pdu, i) => {
    const px = x + EL.width - 34 - i * 32
    slots.push({ x: px, y: mid - 7, w: 28, h: 14, led: key.psu(unit.id, i + 1), part: key.psuModule(unit.id, i + 1), label: `${unit.id} PSU ${i + 1}` })
  })
  if (unit.kind === 'server')
    unit.nics.forEach((nic, i) => {
      ports.push({ x: x + 10 + i * 18, y: mid - 5, w: 12, h: 10, led: key.nic(unit.id, nic.network), cable: key.cable(unit.id, nic.network), label: `${unit.id} ${nic.network}${nic.switch ? ` → ${nic.switch}${nic.port ? `/${nic.port}` : ''}` : ''}` })
    })
  return { leds: [], slots, ports }
}

/** where a switch's port sits on its back face (where the cables plug in), mirroring its front grid */
function switchPortAt(sw: ElevationUnit, ports: number, port: number): Pt {
  const perRow = Math.ceil(ports / 2)
  const row = port <= perRow ? 0 : 1
  const col = (port - 1) % perRow
  return { x: sw.x + EL.width - 70 - col * 9, y: sw.y + 6 + row * 8 }
}

/** One rack, one face. The back view is mirrored as a person behind the rack sees it: side A's PDU on the right. */
export function layoutElevation(rack: Rack, face: Face): Elevation {
  const width = X0 + EL.width + EL.gap + EL.rail + EL.border
  const height = EL.top + EL.border * 2 + rack.height * EL.unit + EL.bottom
  const uLabels = Array.from({ length: rack.height }, (_, i) => ({ u: rack.height - i, y: EL.top + EL.border + i * EL.unit }))
  const units: ElevationUnit[] = [...rack.units]
    .sort((a, b) => b.u - a.u)
    .map((unit) => {
      const spec = modelSpec(unit.model)
      const h = spec.heightU * EL.unit
      const y = unitTop(rack.height, unit.u, spec.heightU)
      const parts = face === 'front' ? frontParts(unit, X0, y, h) : backParts(unit, X0, y, h)
      return { id: unit.id, kind: unit.kind, label: unit.label ?? unit.id, model: spec.name, u: unit.u, heightU: spec.heightU, x: X0, y, w: EL.width, h, body: spec.body, ...parts }
    })
  const railTop = EL.top + EL.border + EL.unit
  const railH = rack.height * EL.unit - 2 * EL.unit
  const sideOf = (circuit: string): 'A' | 'B' => rack.circuits.find((c) => c.id === circuit)?.side ?? 'A'
  const railX = (side: 'A' | 'B'): number => ((side === 'A') === (face === 'back') ? X0 + EL.width + EL.gap : EL.legend)
  const pdus: ElevationPdu[] =
    face === 'back'
      ? rack.pdus.map((p) => {
          const side = sideOf(p.circuit)
          const x = railX(side)
          return { id: p.id, circuit: p.circuit, side, x, y: railTop, w: EL.rail, h: railH, breaker: { key: key.breaker(p.id), x: x + EL.rail / 2, y: railTop + 8, r: 3.5 } }
        })
      : []
  const cables: Cable[] = []
  if (face === 'back') {
    const byId = new Map(units.map((u) => [u.id, u]))
    const pduById = new Map(pdus.map((p) => [p.id, p]))
    for (const unit of rack.units) {
      const eu = byId.get(unit.id)!
      unit.power.forEach((pduId, i) => {
        const psu = eu.slots[i]
        if (!psu) return
        const from = { x: psu.x + psu.w / 2, y: psu.y + psu.h }
        const pdu = pduById.get(pduId)
        if (!pdu) {
          cables.push({ kind: 'power', from: unit.id, to: pduId, psu: i + 1, start: from, away: pduId, d: `M${from.x},${from.y} v8` })
          return
        }
        const tx = pdu.x + (pdu.x > from.x ? 0 : EL.rail)
        const dy = from.y + 3 + i * 2
        cables.push({ kind: 'power', from: unit.id, to: pduId, psu: i + 1, start: from, d: `M${from.x},${from.y} V${dy} H${tx}` })
      })
      if (unit.kind !== 'server') continue
      unit.nics.forEach((nic, i) => {
        const port = eu.ports[i]!
        const from = { x: port.x + port.w / 2, y: port.y }
        const sw = nic.switch ? byId.get(nic.switch) : undefined
        const swUnit = nic.switch ? rack.units.find((u) => u.id === nic.switch) : undefined
        const cableKey = key.cable(unit.id, nic.network)
        if (!sw || swUnit?.kind !== 'switch' || !nic.port) {
          // the far end is elsewhere: a stub up to the top of the rack, labelled with where it goes
          const to = nic.switch ? `${nic.switch}${nic.port ? `/${nic.port}` : ''}` : nic.network
          cables.push({ kind: 'net', key: cableKey, network: nic.network, from: unit.id, to: nic.switch ?? nic.network, away: to, start: from, d: `M${from.x},${from.y} C${from.x},${from.y - 14} ${from.x - 6},${from.y - 14} ${from.x - 6},${from.y - 22}` })
          return
        }
        const end = switchPortAt(sw, swUnit.ports, nic.port)
        // a loose loop through the cable-management side (the left of the rack seen from the back)
        const bend = X0 + 4 + i * 3
        cables.push({ kind: 'net', key: cableKey, network: nic.network, from: unit.id, to: sw.id, start: from, d: `M${from.x},${from.y} C${from.x},${from.y - 10} ${bend},${from.y - 6} ${bend},${(from.y + end.y) / 2} S${end.x},${end.y + 12} ${end.x},${end.y}` })
      })
    }
    // the back of a switch shows where its cables land
    for (const u of rack.units) {
      if (u.kind !== 'switch') continue
      const eu = byId.get(u.id)!
      for (let p = 1; p <= u.ports; p++) {
        const at = switchPortAt(eu, u.ports, p)
        eu.ports.push({ x: at.x - 3.5, y: at.y - 3, w: 7, h: 6, led: key.port(u.id, p), label: `${u.id} port ${p}` })
      }
    }
  }
  return { rackId: rack.id, label: rack.label ?? rack.id, face, heightU: rack.height, width, height, uLabels, units, pdus, cables }
}
