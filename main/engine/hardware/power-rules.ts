// Power transitions: units booting and losing power, breakers heating and tripping. `settlePower` resolves
// everything that happens in the same instant (a trip moves load to the other side, which may trip at once).
import type { Emit } from './events.ts'
import { circuitAmps, circuitLive, circuitRatio, computeFlow, hasInput, type PowerFlow } from './power.ts'
import type { CircuitState, HwState, OffCause, UnitState } from './state.ts'
import { heatAfter, msUntilTrip } from './trip-curve.ts'

const EPS = 1e-9

export function startBoot(s: HwState, u: UnitState): void {
  const p = u.model.power
  u.adminOn = true
  u.offCause = undefined
  u.bootStartMs = s.nowMs
  u.surgeEndMs = s.nowMs + p.bootSurgeSeconds * 1000
  u.bootEndMs = s.nowMs + p.bootSeconds * 1000
  u.power = p.bootSeconds > 0 ? 'booting' : 'on'
}

/** The unit stops. Servers stay off after a power loss (someone must press the button); switches and RAID units come back by themselves. */
export function stopUnit(u: UnitState, cause: OffCause): void {
  u.power = 'off'
  u.offCause = cause
  if (cause !== 'power-loss' || !u.model.power.autoOn) u.adminOn = false
}

export function tripCircuit(c: CircuitState, cause: NonNullable<CircuitState['tripCause']>, amps: number): void {
  c.breaker = 'tripped'
  c.tripCause = cause
  c.tripAmps = amps
}

/** Units without input go dark; units with input and the button on start booting. */
function applyAvailability(s: HwState): void {
  for (const u of s.units.values()) {
    const input = hasInput(s, u)
    if (!input && u.power !== 'off') stopUnit(u, 'power-loss')
    else if (input && u.power === 'off' && u.adminOn) startBoot(s, u)
  }
}

/** Resolves the current instant: availability, then instant (magnetic) trips, until nothing changes. */
export function settlePower(s: HwState): PowerFlow {
  for (let round = 0; round <= s.circuits.size + 1; round++) {
    applyAvailability(s)
    const flow = computeFlow(s)
    let tripped = false
    for (const c of s.circuits.values()) {
      if (circuitLive(s, c) && circuitRatio(flow, c) >= s.power.trip.instantRatio) {
        tripCircuit(c, 'instant', circuitAmps(flow, c))
        tripped = true
      }
    }
    if (!tripped) return flow
  }
  throw new Error('hardware model: power did not settle')
}

/** Breakers heat while above their rating and cool below it. */
export function integrateBreakers(s: HwState, flow: PowerFlow, dtMs: number): void {
  if (dtMs <= 0) return
  for (const c of s.circuits.values()) {
    const ratio = circuitLive(s, c) ? circuitRatio(flow, c) : 0
    c.heat = c.breaker === 'tripped' ? c.heat : heatAfter(c.heat, ratio, dtMs, s.power.trip)
  }
}

export function breakerTimeLeftMs(s: HwState, flow: PowerFlow, c: CircuitState): number {
  if (!circuitLive(s, c)) return Infinity
  return msUntilTrip(c.heat, circuitRatio(flow, c), s.power.trip)
}

export function nextPowerDue(s: HwState, flow: PowerFlow): number {
  let next = Infinity
  for (const c of s.circuits.values()) next = Math.min(next, s.nowMs + Math.ceil(breakerTimeLeftMs(s, flow, c)))
  for (const u of s.units.values()) {
    if (u.power !== 'booting') continue
    if (u.surgeEndMs > s.nowMs) next = Math.min(next, u.surgeEndMs)
    next = Math.min(next, u.bootEndMs)
  }
  for (const p of s.pendingOn) next = Math.min(next, p.atMs)
  return next
}

/** Fires what is due now: thermal trips, finished boots, scheduled power-ons. */
export function firePower(s: HwState, flow: PowerFlow, emit: Emit): void {
  for (const c of s.circuits.values()) {
    if (c.breaker === 'closed' && c.heat >= 1 - EPS) tripCircuit(c, 'overload', circuitAmps(flow, c))
  }
  for (const u of s.units.values()) if (u.power === 'booting' && u.bootEndMs <= s.nowMs) u.power = 'on'
  const due = s.pendingOn.filter((p) => p.atMs <= s.nowMs)
  s.pendingOn = s.pendingOn.filter((p) => p.atMs > s.nowMs)
  for (const p of due) {
    const u = s.units.get(p.unit)
    if (u === undefined || u.power !== 'off') continue
    if (hasInput(s, u)) startBoot(s, u)
    else emit('unit.power-on-skipped', unitTarget(u), `${u.id} not powered on: no live power feed`)
  }
}

export function unitTarget(u: UnitState): string {
  return `${u.kind}:${u.id}`
}
