// Power flow: which PSUs have input, what each unit draws, and how that lands on PDUs and circuits.
// Pure functions of the state at one instant; between events every draw is constant.
import { enclosureRebuilding } from './storage.ts'
import type { CircuitState, HwState, PsuState, UnitState } from './state.ts'

export interface PowerFlow {
  unitWatts: Map<string, number>
  /** per unit, watts carried by each PSU (same order as unit.psus; 0 when not live) */
  psuWatts: Map<string, number[]>
  pduWatts: Map<string, number>
  circuitWatts: Map<string, number>
}

export function circuitLive(s: HwState, c: CircuitState): boolean {
  return c.breaker === 'closed' && s.sites.get(c.site)?.utility === true
}

export function pduLive(s: HwState, pduId: string): boolean {
  const p = s.pdus.get(pduId)
  if (p === undefined || p.failed) return false
  const c = s.circuits.get(p.circuit)
  return c !== undefined && circuitLive(s, c)
}

export function psuLive(s: HwState, psu: PsuState): boolean {
  return psu.state === 'ok' && pduLive(s, psu.pdu)
}

export function livePsus(s: HwState, u: UnitState): PsuState[] {
  return u.psus.filter((p) => psuLive(s, p))
}

/** At least one live PSU (or house power the lab does not model). */
export function hasInput(s: HwState, u: UnitState): boolean {
  return u.housePower || u.psus.some((p) => psuLive(s, p))
}

const between = (lo: number, hi: number, f: number): number => lo + (hi - lo) * f

/** Watts the unit draws from the wall right now. */
export function unitWatts(s: HwState, u: UnitState): number {
  if (u.power === 'off') return 0
  const p = u.model.power
  const surging = u.power === 'booting' && s.nowMs < u.surgeEndMs
  const enc = u.kind === 'enclosure' ? s.enclosures.get(u.id) : undefined
  let watts: number
  let load = u.load
  if (enc !== undefined) {
    // a RAID unit works as hard as its server; its disks work flat out while rebuilding
    const host = s.units.get(enc.attachedTo)
    load = host !== undefined && host.power !== 'off' ? host.load : 0
    const dm = enc.diskModel.power
    const diskLoad = enclosureRebuilding(enc) ? 1 : load
    const disks = enc.bays.filter((b) => b.disk?.healthy === true).length
    const perDisk = surging ? dm.spinup : u.power === 'booting' ? dm.idle : between(dm.idle, dm.load, diskLoad)
    watts = disks * perDisk
  } else watts = 0
  if (surging) return watts + p.bootSurge
  if (u.power === 'booting') return watts + p.idle
  return watts + between(p.idle, p.load, load)
}

/** Live PSUs share the unit's draw by their seeded weights; the shares sum to exactly 1. */
export function psuShares(s: HwState, u: UnitState): number[] {
  const live = u.psus.map((p) => psuLive(s, p))
  const total = u.psus.reduce((sum, p, i) => sum + (live[i] === true ? p.weight : 0), 0)
  if (total === 0) return u.psus.map(() => 0)
  const shares = u.psus.map((p, i) => (live[i] === true ? p.weight / total : 0))
  // give rounding dust to the last live PSU so the load is conserved exactly
  const last = live.lastIndexOf(true)
  shares[last] = 1 - shares.reduce((sum, v, i) => (i === last ? sum : sum + v), 0)
  return shares
}

export function computeFlow(s: HwState): PowerFlow {
  const flow: PowerFlow = { unitWatts: new Map(), psuWatts: new Map(), pduWatts: new Map(), circuitWatts: new Map() }
  for (const p of s.pdus.values()) flow.pduWatts.set(p.id, 0)
  for (const c of s.circuits.values()) flow.circuitWatts.set(c.id, 0)
  for (const u of s.units.values()) {
    const w = unitWatts(s, u)
    flow.unitWatts.set(u.id, w)
    const perPsu = psuShares(s, u).map((share) => share * w)
    flow.psuWatts.set(u.id, perPsu)
    u.psus.forEach((psu, i) => {
      const pw = perPsu[i] ?? 0
      if (pw === 0) return
      flow.pduWatts.set(psu.pdu, (flow.pduWatts.get(psu.pdu) ?? 0) + pw)
      const circuit = s.pdus.get(psu.pdu)?.circuit
      if (circuit !== undefined) flow.circuitWatts.set(circuit, (flow.circuitWatts.get(circuit) ?? 0) + pw)
    })
  }
  return flow
}

export function circuitAmps(flow: PowerFlow, c: CircuitState): number {
  return (flow.circuitWatts.get(c.id) ?? 0) / c.volts
}

/** Load as a fraction of the breaker rating (1 = 100 %). */
export function circuitRatio(flow: PowerFlow, c: CircuitState): number {
  return circuitAmps(flow, c) / c.ratedAmps
}

export type CircuitLevel = 'ok' | 'warning' | 'overload' | 'tripped' | 'dead'

export function circuitLevel(s: HwState, flow: PowerFlow, c: CircuitState): CircuitLevel {
  if (c.breaker === 'tripped') return 'tripped'
  if (!circuitLive(s, c)) return 'dead'
  const r = circuitRatio(flow, c)
  if (r > 1) return 'overload'
  return r >= s.power.warnPercent / 100 ? 'warning' : 'ok'
}
