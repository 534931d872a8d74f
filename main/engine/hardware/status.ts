// The plain-JSON picture of the hardware for LabStatus.hardware: every number already computed, so the UI
// only displays it.
import { portsUsed, linkUp, switchUp } from './network.ts'
import { circuitAmps, circuitLevel, circuitLive, pduLive, psuLive, type PowerFlow } from './power.ts'
import { breakerTimeLeftMs } from './power-rules.ts'
import type { ArrayState, DiskSet, HwState } from './state.ts'
import type { ArrayStatus, CableStatus, CircuitStatus, EnclosureStatus, HardwareStatus, PduStatus, PoolStatus, SwitchStatus, UnitStatus } from '@contract/hardware'
import { arrayHealth, arrayRebuildProgress, bayView, enclosureOnline, poolHealth, rebuildRateMBps, storageOnline, writeThrough } from './storage.ts'

const r1 = (n: number): number => Math.round(n * 10) / 10

export type {
  ArrayStatus,
  BayStatus,
  CableStatus,
  CircuitStatus,
  EnclosureStatus,
  HardwareStatus,
  PduStatus,
  PsuStatus,
  SwitchStatus,
  UnitStatus,
} from '@contract/hardware'

export function buildStatus(s: HwState, flow: PowerFlow): HardwareStatus {
  const circuits = [...s.circuits.values()].map((c): CircuitStatus => {
    const level = circuitLevel(s, flow, c)
    const amps = circuitAmps(flow, c)
    const left = breakerTimeLeftMs(s, flow, c)
    return {
      id: c.id,
      site: c.site,
      rack: c.rack,
      side: c.side,
      volts: c.volts,
      ratedAmps: c.ratedAmps,
      amps: r1(amps),
      watts: Math.round(flow.circuitWatts.get(c.id) ?? 0),
      loadPct: r1((amps / c.ratedAmps) * 100),
      state: level === 'tripped' ? 'tripped' : level === 'warning' || level === 'overload' ? 'warning' : 'ok',
      energized: circuitLive(s, c),
      timeToTripMs: Number.isFinite(left) ? Math.round(left) : null,
      tripCause: c.breaker === 'tripped' ? (c.tripCause ?? null) : null,
    }
  })
  const used = new Map<string, number>()
  for (const u of s.units.values()) for (const p of u.psus) used.set(p.pdu, (used.get(p.pdu) ?? 0) + 1)
  const pdus = [...s.pdus.values()].map((p): PduStatus => {
    const watts = flow.pduWatts.get(p.id) ?? 0
    const volts = s.circuits.get(p.circuit)?.volts ?? 1
    return { id: p.id, rack: p.rack, circuit: p.circuit, state: p.failed ? 'failed' : 'ok', live: pduLive(s, p.id), amps: r1(watts / volts), watts: Math.round(watts), outlets: p.outlets, outletsUsed: used.get(p.id) ?? 0 }
  })
  const units = [...s.units.values()].map((u): UnitStatus => {
    const perPsu = flow.psuWatts.get(u.id) ?? []
    return {
      id: u.id,
      kind: u.kind,
      model: u.model.id,
      site: u.site,
      rack: u.rack,
      u: u.u,
      heightU: u.model.size.u,
      power: u.power,
      offCause: u.power === 'off' ? (u.offCause ?? null) : null,
      watts: Math.round(flow.unitWatts.get(u.id) ?? 0),
      load: u.load,
      housePower: u.housePower,
      psus: u.psus.map((p, i) => ({ index: p.index, pdu: p.pdu, state: p.state, input: psuLive(s, p), watts: Math.round(perPsu[i] ?? 0) })),
    }
  })
  const enclosures = [...s.enclosures.values()].map((e): EnclosureStatus => {
    const rate = rebuildRateMBps(s, e)
    const online = enclosureOnline(s, e)
    return {
      id: e.id,
      attachedTo: e.attachedTo,
      diskModel: e.diskModel.id,
      online,
      controller: e.controller,
      chassis: e.chassisFailed ? 'failed' : 'ok',
      battery: e.battery,
      cache: writeThrough(e) ? 'write-through' : 'write-back',
      rebuildMBps: r1(rate),
      spares: [...e.spares],
      bays: e.bays.map((b) => ({ bay: b.bay, state: bayView(e, b.bay), serial: b.disk?.serial ?? null })),
      arrays: e.arrays.map((a) => arrayStatus(e, a, online, rate)),
    }
  })
  const pools = [...s.pools.values()].map((p): PoolStatus => {
    const rate = rebuildRateMBps(s, p)
    const online = storageOnline(s, p)
    return {
      server: p.id,
      state: poolHealth(p),
      diskModel: p.diskModel.id,
      online,
      resilverMBps: r1(rate),
      boot: [...p.reserved],
      spares: [...p.spares],
      bays: p.bays.map((b) => ({ bay: b.bay, state: bayView(p, b.bay), serial: b.disk?.serial ?? null })),
      vdevs: p.arrays.map((a) => arrayStatus(p, a, online, rate)),
      epoch: p.arrays.reduce((n, a) => n + a.epoch, 0),
    }
  })
  const switches = [...s.switches.values()].map((sw): SwitchStatus => ({
    id: sw.id,
    network: sw.network,
    state: sw.failed ? 'failed' : switchUp(s, sw) ? 'up' : 'down',
    ports: sw.ports,
    portsUsed: portsUsed(s, sw),
  }))
  const cables = [...s.cables.values()].map((c): CableStatus => ({ id: c.id, server: c.server, network: c.network, switch: c.switch ?? null, port: c.port ?? null, plugged: c.plugged, up: linkUp(s, c) }))
  return {
    labMs: s.nowMs,
    sites: [...s.sites.values()].map((x) => ({ id: x.id, utility: x.utility })),
    circuits,
    pdus,
    units,
    enclosures,
    pools,
    switches,
    cables,
    shelves: [...s.shelves.values()].map((x) => ({ id: x.id, site: x.site, stock: { ...x.stock } })),
  }
}

function arrayStatus(e: DiskSet, a: ArrayState, online: boolean, rate: number): ArrayStatus {
  const state = arrayHealth(a)
  const progress = arrayRebuildProgress(a)
  const eta = state === 'rebuilding' && online ? ((1 - progress) * e.diskModel.capacityGB * 1000 * 1000) / rate : null
  return {
    id: a.id,
    level: a.level,
    state,
    rebuildPct: state === 'rebuilding' ? r1(progress * 100) : null,
    etaMs: eta === null ? null : Math.round(eta),
    members: a.slots.map((sl) => ({ bay: sl.bay, state: sl.sync, rebuildPct: r1(sl.progress * 100) })),
    epoch: a.epoch,
  }
}
