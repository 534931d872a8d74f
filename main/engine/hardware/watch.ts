// State-change events come from comparing two snapshots of the discrete levels (circuit ok/warning/tripped,
// unit on/off, array health, links). One place writes every text, and no transition can be missed or doubled,
// whichever action or timer caused it.
import { formatDuration, type Emit } from './events.ts'
import { circuitAmps, circuitLevel, circuitRatio, livePsus, type CircuitLevel, type PowerFlow } from './power.ts'
import { breakerTimeLeftMs, unitTarget } from './power-rules.ts'
import { linkUp, switchUp } from './network.ts'
import type { PoolHealth } from '@contract/hardware'
import type { BatteryState, DiskSet, HwState, PowerState } from './state.ts'
import { arrayHealth, arrayTarget, diskSets, enclosureOnline, isPool, poolHealth, rebuildRateMBps, type ArrayHealth } from './storage.ts'

export interface Watch {
  circuits: Map<string, CircuitLevel>
  pdus: Map<string, boolean>
  units: Map<string, PowerState>
  livePsus: Map<string, number>
  switches: Map<string, boolean>
  links: Map<string, boolean>
  enclosures: Map<string, boolean>
  arrays: Map<string, ArrayHealth>
  batteries: Map<string, BatteryState>
  pools: Map<string, PoolHealth>
}

export function takeWatch(s: HwState, flow: PowerFlow): Watch {
  const w: Watch = {
    circuits: new Map(),
    pdus: new Map(),
    units: new Map(),
    livePsus: new Map(),
    switches: new Map(),
    links: new Map(),
    enclosures: new Map(),
    arrays: new Map(),
    batteries: new Map(),
    pools: new Map(),
  }
  for (const c of s.circuits.values()) w.circuits.set(c.id, circuitLevel(s, flow, c))
  for (const p of s.pdus.values()) w.pdus.set(p.id, p.failed)
  for (const u of s.units.values()) {
    w.units.set(u.id, u.power)
    w.livePsus.set(u.id, livePsus(s, u).length)
  }
  for (const sw of s.switches.values()) w.switches.set(sw.id, switchUp(s, sw))
  for (const c of s.cables.values()) w.links.set(c.id, linkUp(s, c))
  for (const e of s.enclosures.values()) {
    w.enclosures.set(e.id, enclosureOnline(s, e))
    w.batteries.set(e.id, e.battery)
  }
  for (const d of diskSets(s)) for (const a of d.arrays) w.arrays.set(`${d.id}/${a.id}`, arrayHealth(a))
  for (const p of s.pools.values()) w.pools.set(p.id, poolHealth(p))
  return w
}

const pct = (r: number): string => `${Math.round(r * 100)} %`

export function diffWatch(s: HwState, flow: PowerFlow, prev: Watch, next: Watch, emit: Emit): void {
  for (const c of s.circuits.values()) {
    const was = prev.circuits.get(c.id)
    const now = next.circuits.get(c.id)
    if (was === now || now === undefined) continue
    const t = `circuit:${c.id}`
    const amps = circuitAmps(flow, c)
    const load = `${amps.toFixed(1)} A of ${c.ratedAmps} A`
    if (was === 'tripped') emit('circuit.reset', t, `breaker of ${c.id} reset`)
    if (now === 'tripped') {
      const why = c.tripCause === 'manual' ? 'tripped by hand' : `${c.tripCause ?? 'overload'} trip at ${(c.tripAmps ?? 0).toFixed(1)} A on a ${c.ratedAmps} A breaker`
      emit('circuit.tripped', t, `breaker of ${c.id} tripped (${why})`, { cause: c.tripCause ?? null, amps: c.tripAmps ?? null })
    } else if (now === 'overload') {
      const left = breakerTimeLeftMs(s, flow, c)
      emit('circuit.overload', t, `${c.id} overloaded: ${load} (${pct(circuitRatio(flow, c))}), trips in ${formatDuration(left)}`, { amps, timeToTripMs: left })
    } else if (now === 'warning') emit('circuit.warning', t, `${c.id} above ${s.power.warnPercent} %: ${load} (${pct(circuitRatio(flow, c))})`, { amps })
    else if (now === 'dead') emit('circuit.dead', t, `${c.id} has no utility power`)
    else if (was !== 'tripped') emit('circuit.ok', t, `${c.id} back to normal: ${load}`, { amps })
  }
  for (const p of s.pdus.values()) {
    const failed = next.pdus.get(p.id)
    if (prev.pdus.get(p.id) === failed) continue
    if (failed === true) emit('pdu.failed', `pdu:${p.id}`, `PDU ${p.id} failed: its outlets are dead`)
    else emit('pdu.ok', `pdu:${p.id}`, `PDU ${p.id} works again`)
  }
  for (const u of s.units.values()) {
    const t = unitTarget(u)
    const was = prev.units.get(u.id)
    if (was !== u.power) {
      if (u.power === 'off') {
        const text = u.offCause === 'power-loss' ? `${u.id} lost power` : u.offCause === 'hard-off' ? `${u.id} forced off (power button held)` : `${u.id} shut down`
        emit('unit.off', t, text, { cause: u.offCause ?? null })
      } else if (u.power === 'booting') emit('unit.booting', t, `${u.id} powering on (ready in ${formatDuration(u.bootEndMs - s.nowMs)})`)
      else emit('unit.on', t, `${u.id} is up`)
    }
    if (u.psus.length < 2 || u.power === 'off' || was === 'off') continue
    const before = prev.livePsus.get(u.id) ?? 0
    const after = next.livePsus.get(u.id) ?? 0
    if (before >= 2 && after === 1) emit('unit.redundancy-lost', t, `${u.id} running on one PSU: no power redundancy`, { livePsus: after })
    if (before === 1 && after >= 2) emit('unit.redundancy-restored', t, `${u.id} has redundant power again`, { livePsus: after })
  }
  for (const sw of s.switches.values()) {
    const up = next.switches.get(sw.id)
    if (prev.switches.get(sw.id) === up) continue
    emit(up === true ? 'switch.up' : 'switch.down', `switch:${sw.id}`, `switch ${sw.id} (${sw.network}) ${up === true ? 'is up' : 'is down'}`)
  }
  for (const c of s.cables.values()) {
    const up = next.links.get(c.id)
    if (prev.links.get(c.id) === up) continue
    const why = !c.plugged ? 'cable unplugged' : `switch ${c.switch ?? '?'} down`
    if (up === true) emit('network.attached', `cable:${c.id}`, `${c.server} attached to ${c.network}`)
    else emit('network.detached', `cable:${c.id}`, `${c.server} detached from ${c.network} (${why})`)
  }
  diffStorage(s, prev, next, emit)
}

function diffStorage(s: HwState, prev: Watch, next: Watch, emit: Emit): void {
  for (const e of s.enclosures.values()) {
    const online = next.enclosures.get(e.id)
    if (prev.enclosures.get(e.id) !== online) {
      const why = e.chassisFailed ? 'chassis failed' : e.controller === 'failed' ? 'controller failed' : 'no power'
      emit(online === true ? 'enclosure.online' : 'enclosure.offline', `enclosure:${e.id}`, online === true ? `${e.id} online` : `${e.id} offline (${why})`)
    }
    const bat = next.batteries.get(e.id)
    if (prev.batteries.get(e.id) !== bat) {
      if (bat === 'learning') emit('battery.learning', `battery:${e.id}`, `${e.id} battery learn cycle: cache write-through for ${formatDuration(e.learnEndMs - s.nowMs)}`)
      else if (bat === 'failed') emit('battery.failed', `battery:${e.id}`, `${e.id} battery failed: cache write-through`)
      else emit('battery.ok', `battery:${e.id}`, `${e.id} battery ok: write-back cache on`)
    }
  }
  for (const p of s.pools.values()) {
    const h = next.pools.get(p.id)
    if (prev.pools.get(p.id) === h || h === undefined) continue
    const t = `pool:${p.id}`
    if (h === 'FAULTED') emit('pool.faulted', t, `${p.id}'s pool FAULTED: a raidz2 vdev lost a third disk, the pool and every backup in it are gone (replace the disks, then create the pool anew)`)
    else if (h === 'DEGRADED') emit('pool.degraded', t, `${p.id}'s pool DEGRADED: it still serves every byte, with less redundancy`)
    else emit('pool.online', t, `${p.id}'s pool ONLINE`)
  }
  for (const e of diskSets(s)) diffArrays(s, e, prev, next, emit)
}

function diffArrays(s: HwState, e: DiskSet, prev: Watch, next: Watch, emit: Emit): void {
  for (const a of e.arrays) {
    const key = `${e.id}/${a.id}`
    const h = next.arrays.get(key)
    if (prev.arrays.get(key) === h) continue
    if (h === 'failed' && isPool(e)) continue // pool.faulted says it once for the whole pool
    const out = a.slots.filter((sl) => sl.sync === 'down').map((sl) => sl.bay)
    const rebuilding = a.slots.filter((sl) => sl.sync === 'rebuilding').map((sl) => sl.bay)
    const t = arrayTarget(e, a)
    if (h === 'failed') emit('array.failed', t, `${key} (${a.level}) FAILED: too many members lost, the data is gone`)
    else if (h === 'degraded') emit('array.degraded', t, `${key} (${a.level}) degraded: bay ${out.join(', ')} out${e.spares.length === 0 ? ', no hot spare' : ''}`, { out: out.join(',') })
    else if (h === 'rebuilding') {
      const eta = (e.diskModel.capacityGB * 1000) / rebuildRateMBps(s, e) * 1000
      emit('array.rebuilding', t, `${key} (${a.level}) ${isPool(e) ? 'resilvering' : 'rebuilding'} onto bay ${rebuilding.join(', ')} (about ${formatDuration(eta)} at the current load)`, { bays: rebuilding.join(',') })
    } else emit('array.optimal', t, `${key} (${a.level}) optimal`)
  }
}
