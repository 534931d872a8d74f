// Power actions: utility, breakers, PDUs, PSUs, the power button, staggered power-on of a rack or site.
import { defineTarget, splitPair, type ActionDef, type TargetKind } from './actions.ts'
import { circuitAmps, computeFlow, hasInput } from './power.ts'
import { startBoot, stopUnit, tripCircuit } from './power-rules.ts'
import { takeSpare } from './shelf.ts'
import type { CircuitState, HwState, PduState, PsuState, SiteState, UnitState } from './state.ts'

/** Why a unit has no power, naming each PSU's problem. */
export function noInputReason(s: HwState, u: UnitState): string {
  const why = u.psus.map((p) => {
    if (p.state !== 'ok') return `PSU ${p.index} is ${p.state}`
    const pdu = s.pdus.get(p.pdu)
    const c = pdu === undefined ? undefined : s.circuits.get(pdu.circuit)
    if (pdu?.failed === true) return `PSU ${p.index}: PDU ${p.pdu} failed`
    if (c?.breaker === 'tripped') return `PSU ${p.index}: circuit ${c.id} is tripped`
    return `PSU ${p.index}: no utility power`
  })
  return `no live power feed (${why.join('; ')})`
}

export const unitPowerActions: readonly ActionDef<UnitState>[] = [
  {
    id: 'power-on',
    label: 'Power on',
    kind: 'operate',
    refuse: ({ s }, u) => (u.power !== 'off' ? `${u.id} is already ${u.power === 'on' ? 'on' : 'booting'}` : hasInput(s, u) ? undefined : noInputReason(s, u)),
    run: ({ s }, u) => {
      s.pendingOn = s.pendingOn.filter((p) => p.unit !== u.id)
      startBoot(s, u)
      return `pressed the power button of ${u.id}`
    },
  },
  {
    id: 'power-off',
    label: 'Shut down',
    kind: 'operate',
    refuse: (_, u) => (u.power === 'off' ? `${u.id} is off` : undefined),
    run: (_, u) => {
      stopUnit(u, 'shutdown')
      return `shut ${u.id} down`
    },
  },
  {
    id: 'hold-power',
    label: 'Hold the power button (hard off)',
    kind: 'break',
    refuse: (_, u) => (u.power === 'off' ? `${u.id} is off` : undefined),
    run: (_, u) => {
      stopUnit(u, 'hard-off')
      return `held the power button of ${u.id}: it went off at once`
    },
  },
  {
    // load is part of the physical story (a busy rack draws more, and a tripped side must carry it all)
    id: 'run-hot',
    label: 'Run flat out (full load)',
    kind: 'break',
    refuse: (_, u) => (u.kind !== 'server' ? `${u.id} is not a server` : u.load >= 1 ? `${u.id} already runs at full load` : undefined),
    run: (_, u) => {
      u.load = 1
      return `${u.id} runs at full load (inverse: run-idle)`
    },
  },
  {
    id: 'run-idle',
    label: 'Back to idle load',
    kind: 'restore',
    refuse: (_, u) => (u.kind !== 'server' ? `${u.id} is not a server` : u.load <= 0 ? `${u.id} is idle` : undefined),
    run: (_, u) => {
      u.load = 0
      return `${u.id} is back to idle load`
    },
  },
]

/** Off units in the scope that have power, switches and RAID units first so servers find their disks. */
function powerOnCandidates(s: HwState, inScope: (u: UnitState) => boolean): UnitState[] {
  const order = { switch: 0, enclosure: 1, server: 2 } as const
  return [...s.units.values()]
    .filter((u) => inScope(u) && u.power === 'off' && hasInput(s, u) && !s.pendingOn.some((p) => p.unit === u.id))
    .sort((a, b) => order[a.kind] - order[b.kind])
}

function powerOnAll<R>(scope: (r: R) => { name: string; has: (u: UnitState) => boolean }, staggered: boolean): ActionDef<R> {
  return {
    id: staggered ? 'power-on' : 'power-on-at-once',
    label: staggered ? 'Power on everything, staggered' : 'Power on everything at once (inrush!)',
    kind: 'operate',
    refuse: ({ s }, r) => {
      const sc = scope(r)
      return powerOnCandidates(s, sc.has).length === 0 ? `nothing to power on in ${sc.name}: every unit is on, scheduled or without power` : undefined
    },
    run: ({ s }, r) => {
      const sc = scope(r)
      const units = powerOnCandidates(s, sc.has)
      const gap = staggered ? s.power.staggerSeconds * 1000 : 0
      units.forEach((u, i) => s.pendingOn.push({ unit: u.id, atMs: s.nowMs + i * gap }))
      const n = `${units.length} unit${units.length === 1 ? '' : 's'}`
      return staggered ? `powering on ${n} in ${sc.name}, one every ${s.power.staggerSeconds} s` : `powering on ${n} in ${sc.name} at once`
    },
  }
}

const siteScope = (x: SiteState): { name: string; has: (u: UnitState) => boolean } => ({ name: `site ${x.id}`, has: (u) => u.site === x.id })
const siteActions: ActionDef<SiteState>[] = [
  {
    id: 'blackout',
    label: 'Utility power fails',
    kind: 'break',
    refuse: (_, x) => (x.utility ? undefined : `site ${x.id} is already without utility power`),
    run: (_, x) => {
      x.utility = false
      return `utility power lost at site ${x.id}`
    },
  },
  {
    id: 'restore-utility',
    label: 'Utility power returns',
    kind: 'restore',
    refuse: (_, x) => (x.utility ? `site ${x.id} has utility power` : undefined),
    run: (_, x) => {
      x.utility = true
      return `utility power back at site ${x.id}; servers stay off until powered on`
    },
  },
  powerOnAll(siteScope, true),
  powerOnAll(siteScope, false),
]

type RackRef = { id: string; site: string }
const rackScope = (r: RackRef): { name: string; has: (u: UnitState) => boolean } => ({ name: `rack ${r.id}`, has: (u) => u.rack === r.id })
const rackActions: ActionDef<RackRef>[] = [powerOnAll(rackScope, true), powerOnAll(rackScope, false)]

const circuitActions: ActionDef<CircuitState>[] = [
  {
    id: 'trip',
    label: 'Trip the breaker',
    kind: 'break',
    refuse: (_, c) => (c.breaker === 'tripped' ? 'the breaker is already tripped' : undefined),
    run: ({ s }, c) => {
      tripCircuit(c, 'manual', circuitAmps(computeFlow(s), c))
      return `tripped the breaker of ${c.id}`
    },
  },
  {
    id: 'reset',
    label: 'Reset the breaker',
    kind: 'restore',
    refuse: (_, c) => (c.breaker === 'tripped' ? undefined : 'the breaker is not tripped'),
    run: (_, c) => {
      c.breaker = 'closed'
      c.heat = 0
      c.tripCause = undefined
      c.tripAmps = undefined
      return `reset the breaker of ${c.id} (it trips again if the overload is still there)`
    },
  },
]

const pduActions: ActionDef<PduState>[] = [
  {
    id: 'fail',
    label: 'PDU fails',
    kind: 'break',
    refuse: (_, p) => (p.failed ? `PDU ${p.id} has already failed` : undefined),
    run: (_, p) => {
      p.failed = true
      return `PDU ${p.id} failed`
    },
  },
  {
    id: 'repair',
    label: 'Repair the PDU',
    kind: 'restore',
    refuse: (_, p) => (p.failed ? undefined : `PDU ${p.id} works`),
    run: (_, p) => {
      p.failed = false
      return `repaired PDU ${p.id}`
    },
  },
]

type PsuRef = { unit: UnitState; psu: PsuState }
const psuActions: ActionDef<PsuRef>[] = [
  {
    id: 'pull',
    label: 'Pull the PSU',
    kind: 'break',
    refuse: (_, { psu }) => (psu.state === 'pulled' ? `PSU ${psu.index} is already out` : undefined),
    run: (_, { unit, psu }) => {
      psu.state = 'pulled'
      return `pulled PSU ${psu.index} of ${unit.id}`
    },
  },
  {
    id: 'insert',
    label: 'Put the PSU back',
    kind: 'restore',
    refuse: (_, { psu }) => (psu.state === 'pulled' ? undefined : `PSU ${psu.index} is in place`),
    run: (_, { unit, psu }) => {
      psu.state = psu.healthy ? 'ok' : 'failed'
      return `put PSU ${psu.index} of ${unit.id} back${psu.healthy ? '' : ' (it is still broken)'}`
    },
  },
  {
    id: 'fail',
    label: 'PSU fails',
    kind: 'break',
    refuse: (_, { psu }) => (psu.state === 'ok' ? undefined : `PSU ${psu.index} is ${psu.state}`),
    run: (_, { unit, psu }) => {
      psu.state = 'failed'
      psu.healthy = false
      return `PSU ${psu.index} of ${unit.id} failed`
    },
  },
  {
    id: 'replace',
    label: 'Replace the PSU',
    kind: 'restore',
    refuse: (_, { psu }) => (psu.state === 'ok' ? `PSU ${psu.index} works` : undefined),
    run: ({ s }, { unit, psu }) => {
      const part = unit.model.psu.part
      const shelf = part === undefined ? undefined : takeSpare(s, unit.site, part)
      psu.state = 'ok'
      psu.healthy = true
      const from = shelf !== undefined ? `a ${part ?? ''} from shelf ${shelf}` : 'a part from the vendor'
      return `replaced PSU ${psu.index} of ${unit.id} with ${from}`
    },
  },
]

const psuRef = (s: HwState, rest: string): PsuRef | undefined => {
  const pair = splitPair(rest)
  const unit = pair === undefined ? undefined : s.units.get(pair[0])
  const psu = unit?.psus.find((p) => String(p.index) === pair?.[1])
  return unit === undefined || psu === undefined ? undefined : { unit, psu }
}

export const powerTargets: TargetKind[] = [
  defineTarget('site', (s, id) => s.sites.get(id), (s) => [...s.sites.keys()], siteActions),
  defineTarget('rack', (s, id) => s.racks.get(id), (s) => [...s.racks.keys()], rackActions),
  defineTarget('circuit', (s, id) => s.circuits.get(id), (s) => [...s.circuits.keys()], circuitActions),
  defineTarget('pdu', (s, id) => s.pdus.get(id), (s) => [...s.pdus.keys()], pduActions),
  defineTarget('psu', psuRef, (s) => [...s.units.values()].flatMap((u) => u.psus.map((p) => `${u.id}/${p.index}`)), psuActions),
  defineTarget('server', (s, id) => (s.units.get(id)?.kind === 'server' ? s.units.get(id) : undefined), (s) => [...s.units.values()].filter((u) => u.kind === 'server').map((u) => u.id), unitPowerActions),
]
