// Builds the initial physical state from a topology and the catalogue, checking every reference between the
// two (models, PDUs, bays, ports). All problems are reported together.
import { LabError } from '@contract/errors'
import type { PoolSpec, Topology, Unit } from '@contract/topology'
import type { Catalog, DiskModel, ServerModel } from './catalog-schema.ts'
import { between, rngFor } from './random.ts'
import { newSerial, type ArrayState, type BayState, type EnclosureState, type HwState, type PoolState, type UnitState } from './state.ts'

const minMembers = { raid1: 2, raid5: 3, raid6: 4, raid10: 4 } as const

export interface BuildOptions {
  seed: number
  /** start with every unit that has power switched on and booted (default) or everything off */
  powered: boolean
}

export function buildState(topo: Topology, catalog: Catalog, opts: BuildOptions): HwState {
  const problems: string[] = []
  const bad = (where: string, msg: string): void => void problems.push(`${where}: ${msg}`)
  const s: HwState = {
    nowMs: 0,
    seed: opts.seed,
    rng: rngFor(opts.seed, 'actions'),
    serial: 0,
    power: catalog.power,
    slowdown: catalog.slowdown,
    sites: new Map(),
    racks: new Map(),
    circuits: new Map(),
    pdus: new Map(),
    units: new Map(),
    switches: new Map(),
    cables: new Map(),
    enclosures: new Map(),
    pools: new Map(),
    shelves: new Map(),
    pendingOn: [],
  }
  const allUnits = new Map<string, Unit>()
  for (const site of topo.sites) {
    s.sites.set(site.id, { id: site.id, utility: true })
    for (const rack of site.racks) {
      s.racks.set(rack.id, { id: rack.id, site: site.id })
      for (const c of rack.circuits) s.circuits.set(c.id, { id: c.id, site: site.id, rack: rack.id, side: c.side, volts: c.volts, ratedAmps: c.amps, breaker: 'closed', heat: 0 })
      for (const p of rack.pdus) s.pdus.set(p.id, { id: p.id, rack: rack.id, circuit: p.circuit, outlets: p.outlets, failed: false })
      for (const u of rack.units) allUnits.set(u.id, u)
    }
  }
  for (const p of s.pdus.values()) if (!s.circuits.has(p.circuit)) bad(`pdu ${p.id}`, `circuit "${p.circuit}" does not exist`)

  const outletsUsed = new Map<string, number>()
  for (const site of topo.sites) {
    for (const rack of site.racks) {
      for (const u of rack.units) {
        const where = `unit ${u.id}`
        const model = catalog.models[u.model]
        if (model === undefined) {
          bad(where, `model "${u.model}" is not in the hardware catalogue`)
          continue
        }
        if (model.kind !== u.kind) {
          bad(where, `model "${u.model}" is a ${model.kind}, not a ${u.kind}`)
          continue
        }
        if (u.kind === 'shelf') {
          for (const part of Object.keys(u.spares)) if (catalog.models[part] === undefined) bad(where, `spare "${part}" is not in the hardware catalogue`)
          s.shelves.set(u.id, { id: u.id, site: site.id, stock: { ...u.spares }, initial: { ...u.spares } })
          continue
        }
        if (model.kind === 'shelf') continue
        if (u.power.length > model.psu.slots) bad(where, `${u.power.length} power feeds listed but a ${model.id} has ${model.psu.slots} PSU slot(s)`)
        for (const pdu of u.power) {
          if (!s.pdus.has(pdu)) bad(where, `PDU "${pdu}" does not exist`)
          outletsUsed.set(pdu, (outletsUsed.get(pdu) ?? 0) + 1)
        }
        const share = rngFor(opts.seed, `psu-share:${u.id}`)
        const jitter = catalog.power.psuShareJitter
        const unit: UnitState = {
          id: u.id,
          kind: u.kind,
          model,
          site: site.id,
          rack: rack.id,
          u: u.u,
          psus: u.power.map((pdu, i) => ({ index: i + 1, pdu, state: 'ok', healthy: true, weight: 1 + between(share, -jitter, jitter) })),
          housePower: u.power.length === 0,
          power: opts.powered ? 'on' : 'off',
          adminOn: opts.powered,
          bootStartMs: 0,
          surgeEndMs: 0,
          bootEndMs: 0,
          load: 0,
        }
        s.units.set(u.id, unit)
        if (u.kind === 'switch') {
          if (model.kind === 'switch' && u.ports > model.network.ports) bad(where, `${u.ports} ports listed but a ${model.id} has ${model.network.ports}`)
          s.switches.set(u.id, { id: u.id, network: u.network, ports: u.ports, failed: false })
        }
        if (u.kind === 'server' && u.pool !== undefined && model.kind === 'server') {
          const disk = catalog.models[u.pool.diskModel]
          if (disk?.kind !== 'disk') bad(where, `pool diskModel "${u.pool.diskModel}" is not a disk model of the hardware catalogue`)
          else s.pools.set(u.id, buildPool(u.id, u.pool, model, disk, opts.seed, s, bad))
        }
        if (u.kind === 'enclosure') {
          const disk = catalog.models[u.diskModel]
          if (disk?.kind !== 'disk') bad(where, `diskModel "${u.diskModel}" is not a disk model of the hardware catalogue`)
          else if (model.kind === 'enclosure') s.enclosures.set(u.id, buildEnclosure(u, model, disk, opts.seed, s, bad))
        }
      }
    }
  }
  for (const [pdu, used] of outletsUsed) {
    const p = s.pdus.get(pdu)
    if (p !== undefined && used > p.outlets) bad(`pdu ${pdu}`, `${used} PSUs plugged into ${p.outlets} outlets`)
  }
  checkAttachments(allUnits, s, bad)
  buildCables(allUnits, s, bad)
  if (problems.length > 0) {
    throw new LabError('TOPOLOGY_INVALID', [`topology ${topo.name} does not fit the hardware catalogue:`, ...problems.map((p) => `  ${p}`)].join('\n'), { problems })
  }
  return s
}

type Bad = (where: string, msg: string) => void

function buildEnclosure(u: Extract<Unit, { kind: 'enclosure' }>, model: EnclosureState['model'], disk: DiskModel, seed: number, s: HwState, bad: Bad): EnclosureState {
  const where = `enclosure ${u.id}`
  if (u.bays > model.storage.bays) bad(where, `${u.bays} bays listed but a ${model.id} has ${model.storage.bays}`)
  const used = new Set<number>()
  const claim = (bay: number, what: string): void => {
    if (bay > u.bays) bad(where, `${what} uses bay ${bay}, beyond its ${u.bays} bays`)
    if (used.has(bay)) bad(where, `bay ${bay} is used twice`)
    used.add(bay)
  }
  const arrays: ArrayState[] = []
  const spares: number[] = []
  for (const a of u.arrays) {
    if (!model.storage.raidLevels.includes(a.level)) bad(where, `array ${a.id}: a ${model.id} does not do ${a.level}`)
    if (a.members.length < minMembers[a.level]) bad(where, `array ${a.id}: ${a.level} needs at least ${minMembers[a.level]} members`)
    if (a.level === 'raid10' && a.members.length % 2 !== 0) bad(where, `array ${a.id}: raid10 needs an even number of members (mirror pairs)`)
    for (const b of a.members) claim(b, `array ${a.id}`)
    for (const b of a.spares) claim(b, `array ${a.id} (hot spare)`)
    spares.push(...a.spares)
    arrays.push({ id: a.id, level: a.level, slots: a.members.map((bay) => ({ bay, sync: 'ok', progress: 1, milestone: 10 })), failed: false, epoch: 1 })
  }
  const bays: BayState[] = []
  for (let bay = 1; bay <= u.bays; bay++) {
    bays.push({ bay, disk: used.has(bay) ? { serial: newSerial(s), healthy: true } : null, pulled: null })
  }
  const rng = rngFor(seed, `rebuild:${u.id}`)
  const r = model.controller.rebuildMBps
  return {
    id: u.id,
    model,
    attachedTo: u.attachedTo,
    diskModel: disk,
    bays,
    spares,
    reserved: [],
    arrays,
    controller: 'ok',
    battery: 'ok',
    learnEndMs: 0,
    chassisFailed: false,
    rebuildIdleMBps: between(rng, r.idle[0], r.idle[1]),
    rebuildLoadMBps: between(rng, r.load[0], r.load[1]),
  }
}

/** A server's own bays as a ZFS pool: every bay it names holds a disk, the boot mirror's too. */
function buildPool(id: string, p: PoolSpec, model: ServerModel, disk: DiskModel, seed: number, s: HwState, bad: Bad): PoolState {
  const where = `server ${id} pool`
  const baysN = model.storage.bays
  const rates = model.storage.resilverMBps
  if (rates === undefined) bad(where, `a ${model.id} has no software RAID (no storage.resilverMBps in the catalogue)`)
  const used = new Set<number>()
  const claim = (bay: number, what: string): void => {
    if (bay > baysN) bad(where, `${what} uses bay ${bay}, beyond a ${model.id}'s ${baysN} bays`)
    if (used.has(bay)) bad(where, `bay ${bay} is used twice`)
    used.add(bay)
  }
  for (const b of p.boot) claim(b, 'the boot mirror')
  for (const v of p.vdevs) for (const b of v.members) claim(b, `vdev ${v.id}`)
  for (const b of p.spares) claim(b, 'a hot spare')
  const bays: BayState[] = []
  for (let bay = 1; bay <= baysN; bay++) bays.push({ bay, disk: used.has(bay) ? { serial: newSerial(s), healthy: true } : null, pulled: null })
  const rng = rngFor(seed, `resilver:${id}`)
  return {
    kind: 'pool',
    id,
    attachedTo: id,
    diskModel: disk,
    bays,
    spares: [...p.spares],
    reserved: [...p.boot],
    arrays: p.vdevs.map((v) => ({ id: v.id, level: v.level, slots: v.members.map((bay) => ({ bay, sync: 'ok', progress: 1, milestone: 10 })), failed: false, epoch: 1 })),
    rebuildIdleMBps: rates ? between(rng, rates.idle[0], rates.idle[1]) : 1,
    rebuildLoadMBps: rates ? between(rng, rates.load[0], rates.load[1]) : 1,
  }
}

function checkAttachments(units: Map<string, Unit>, s: HwState, bad: Bad): void {
  for (const e of s.enclosures.values()) {
    if (units.get(e.attachedTo)?.kind !== 'server') bad(`enclosure ${e.id}`, `attachedTo "${e.attachedTo}" is not a server`)
  }
}

function buildCables(units: Map<string, Unit>, s: HwState, bad: Bad): void {
  const portsTaken = new Map<string, string>()
  for (const u of units.values()) {
    if (u.kind !== 'server') continue
    for (const nic of u.nics) {
      const id = `${u.id}/${nic.network}`
      const where = `server ${u.id}, NIC on ${nic.network}`
      if (s.cables.has(id)) bad(where, 'two NICs on the same network')
      if (nic.switch === undefined) {
        if (nic.port !== undefined) bad(where, 'a port without a switch')
        s.cables.set(id, { id, server: u.id, network: nic.network, plugged: true })
        continue
      }
      const sw = s.switches.get(nic.switch)
      if (sw === undefined) bad(where, `switch "${nic.switch}" does not exist`)
      else if (sw.network !== nic.network) bad(where, `switch ${sw.id} carries ${sw.network}, not ${nic.network}`)
      if (nic.port === undefined) bad(where, `cabled to ${nic.switch} without a port`)
      else {
        if (sw !== undefined && nic.port > sw.ports) bad(where, `port ${nic.port} does not exist on ${sw.id} (${sw.ports} ports)`)
        const key = `${nic.switch}:${nic.port}`
        const other = portsTaken.get(key)
        if (other !== undefined) bad(where, `port ${nic.port} of ${nic.switch} is already used by ${other}`)
        portsTaken.set(key, id)
      }
      s.cables.set(id, { id, server: u.id, network: nic.network, switch: nic.switch, port: nic.port, plugged: true })
    }
  }
}
