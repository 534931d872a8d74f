// A hardware snapshot shaped like the engine's (main/engine/hardware/status.ts), made from a topology, for tests,
// the bench and the scene preview. Every unit on, every disk and cable fine, loads spread 30–90 % unless told.
import type { BayView, CableStatus, CircuitStatus, EnclosureStatus, HardwareStatus, PduStatus, SwitchStatus, UnitStatus } from '@contract/hardware'
import type { Topology } from '@contract/topology'
import { modelSpec } from '../scene/models'

export interface HardwareTweaks {
  /** pdu id → amps */
  amps?: Record<string, number>
  /** "enc/bay" → state */
  bays?: Record<string, BayView>
  /** "unit/index" pulled or failed */
  psus?: Record<string, 'failed' | 'pulled'>
  /** cable ids ("server/network") unplugged */
  unplugged?: string[]
  /** circuit ids tripped */
  tripped?: string[]
  /** units powered off */
  off?: string[]
}

export function hardwareFor(t: Topology, tw: HardwareTweaks = {}): HardwareStatus {
  const circuits: CircuitStatus[] = []
  const pdus: PduStatus[] = []
  const units: UnitStatus[] = []
  const enclosures: EnclosureStatus[] = []
  const switches: SwitchStatus[] = []
  const cables: CableStatus[] = []
  const shelves: HardwareStatus['shelves'] = []
  let n = 0
  for (const { rack, site } of t.sites.flatMap((s) => s.racks.map((rack) => ({ rack, site: s.id })))) {
    for (const c of rack.circuits) {
      const pdu = rack.pdus.find((p) => p.circuit === c.id)
      const tripped = tw.tripped?.includes(c.id) ?? false
      const amps = tripped ? 0 : (tw.amps?.[pdu?.id ?? ''] ?? [6.2, 11.4, 3.1, 17.3, 8.8][n++ % 5]!)
      circuits.push({ id: c.id, site, rack: rack.id, side: c.side, volts: c.volts, ratedAmps: c.amps, amps, watts: amps * c.volts, loadPct: (amps / c.amps) * 100, state: tripped ? 'tripped' : amps / c.amps > 0.8 ? 'warning' : 'ok', energized: !tripped, timeToTripMs: null, tripCause: tripped ? 'manual' : null })
      if (pdu) pdus.push({ id: pdu.id, rack: rack.id, circuit: c.id, state: 'ok', live: !tripped, amps, watts: amps * c.volts, outlets: pdu.outlets, outletsUsed: 0 })
    }
    const live = (pdu: string): boolean => pdus.find((p) => p.id === pdu)?.live ?? false
    for (const u of rack.units) {
      if (u.kind === 'shelf') {
        shelves.push({ id: u.id, site, stock: { ...u.spares } })
        continue
      }
      const psus = u.power.map((pdu, i) => ({ index: i + 1, pdu, state: tw.psus?.[`${u.id}/${i + 1}`] ?? ('ok' as const), input: live(pdu), watts: 150 }))
      const powered = psus.some((p) => p.state === 'ok' && p.input) && !tw.off?.includes(u.id)
      units.push({ id: u.id, kind: u.kind, model: u.model, site, rack: rack.id, u: u.u, heightU: modelSpec(u.model).heightU, power: powered ? 'on' : 'off', offCause: powered ? null : 'power-loss', watts: powered ? 300 : 0, load: 0.5, housePower: u.power.length === 0, psus })
      if (u.kind === 'switch') switches.push({ id: u.id, network: u.network, state: powered ? 'up' : 'down', ports: u.ports, portsUsed: 0 })
      if (u.kind === 'enclosure') {
        const spares = u.arrays.flatMap((a) => a.spares)
        const bays = Array.from({ length: u.bays }, (_, i) => {
          const bay = i + 1
          const state: BayView = tw.bays?.[`${u.id}/${bay}`] ?? (spares.includes(bay) ? 'spare' : 'ok')
          return { bay, state, serial: `WD-${u.id}-${bay}` }
        })
        const rebuilding = bays.some((b) => b.state === 'rebuilding')
        const degraded = bays.some((b) => b.state === 'failed' || b.state === 'missing')
        enclosures.push({
          id: u.id,
          attachedTo: u.attachedTo,
          diskModel: u.diskModel,
          online: powered,
          controller: 'ok',
          chassis: 'ok',
          battery: 'ok',
          cache: 'write-back',
          rebuildMBps: rebuilding ? 60 : 0,
          spares,
          bays,
          arrays: u.arrays.map((a) => ({ id: a.id, level: a.level, state: rebuilding ? 'rebuilding' : degraded ? 'degraded' : 'optimal', rebuildPct: rebuilding ? 42 : null, etaMs: rebuilding ? 3_600_000 : null, members: a.members.map((bay) => ({ bay, state: 'in-sync', rebuildPct: 100 })), epoch: 1 })),
        })
      }
    }
  }
  const unitOn = (id: string): boolean => units.find((u) => u.id === id)?.power === 'on'
  for (const u of t.sites.flatMap((s) => s.racks.flatMap((r) => r.units))) {
    if (u.kind !== 'server') continue
    for (const nic of u.nics) {
      const id = `${u.id}/${nic.network}`
      const plugged = !tw.unplugged?.includes(id)
      const sw = nic.switch ? switches.find((s) => s.id === nic.switch) : undefined
      cables.push({ id, server: u.id, network: nic.network, switch: nic.switch ?? null, port: nic.port ?? null, plugged, up: plugged && unitOn(u.id) && (!sw || sw.state === 'up') })
    }
  }
  return { labMs: 0, sites: t.sites.map((x) => ({ id: x.id, utility: true })), circuits, pdus, units, enclosures, pools: [], switches, cables, shelves }
}
