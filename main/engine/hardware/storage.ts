// RAID enclosures and servers' internal ZFS pools: member health, hot-spare takeover, rebuild (resilver)
// progress, battery learn cycles. An array is lost when more members are out than its level tolerates; a
// rebuilding member is still out (it holds no valid data until the rebuild ends), which is why a second failure
// during a RAID 5 rebuild loses the array. A pool stripes over all its vdevs, so one lost vdev loses the pool.
import type { PoolHealth } from '@contract/hardware'
import type { Emit } from './events.ts'
import type { ArrayState, DiskSet, EnclosureState, HwState, PoolState, SlotState } from './state.ts'

const EPS = 1e-9

export type ArrayHealth = 'optimal' | 'degraded' | 'rebuilding' | 'failed'
export type BayView = 'ok' | 'failed' | 'missing' | 'spare' | 'rebuilding' | 'empty'

export function enclosureOnline(s: HwState, e: EnclosureState): boolean {
  return s.units.get(e.id)?.power === 'on' && e.controller === 'ok' && !e.chassisFailed
}

export const isPool = (d: DiskSet): d is PoolState => (d as PoolState).kind === 'pool'

/** Every set of disks in the lab: the RAID enclosures, then the servers' pools. */
export function diskSets(s: HwState): DiskSet[] {
  return [...s.enclosures.values(), ...s.pools.values()]
}

/** An enclosure needs power, controller and chassis; a pool works while its server runs. */
export function storageOnline(s: HwState, d: DiskSet): boolean {
  return isPool(d) ? s.units.get(d.id)?.power === 'on' : enclosureOnline(s, d as EnclosureState)
}

/** ZFS's view: FAULTED once a vdev is lost, DEGRADED while any vdev misses or resilvers a disk. */
export function poolHealth(p: PoolState): PoolHealth {
  const h = p.arrays.map(arrayHealth)
  if (h.includes('failed')) return 'FAULTED'
  return h.every((x) => x === 'optimal') ? 'ONLINE' : 'DEGRADED'
}

export function enclosureRebuilding(e: EnclosureState): boolean {
  return e.arrays.some((a) => !a.failed && a.slots.some((sl) => sl.sync === 'rebuilding'))
}

/** The cache runs write-through (slow writes) while the battery cannot protect it. */
export function writeThrough(e: EnclosureState): boolean {
  return e.battery !== 'ok'
}

/** Too many members out for the level: RAID1 keeps going on any one disk, RAID10 needs one per mirror pair. */
export function tooManyOut(a: ArrayState): boolean {
  const out = a.slots.map((sl) => sl.sync !== 'ok')
  const n = out.filter(Boolean).length
  switch (a.level) {
    case 'raid1':
      return n >= a.slots.length
    case 'raid5':
      return n > 1
    case 'raid6':
    case 'raidz2':
      return n > 2
    case 'raid10':
      for (let i = 0; i + 1 < out.length; i += 2) if (out[i] === true && out[i + 1] === true) return true
      return false
  }
}

export function arrayHealth(a: ArrayState): ArrayHealth {
  if (a.failed) return 'failed'
  if (a.slots.some((sl) => sl.sync === 'rebuilding')) return 'rebuilding'
  return a.slots.some((sl) => sl.sync === 'down') ? 'degraded' : 'optimal'
}

/** Progress of the slowest member being rebuilt, 0..1; 1 when nothing rebuilds. */
export function arrayRebuildProgress(a: ArrayState): number {
  const r = a.slots.filter((sl) => sl.sync === 'rebuilding')
  return r.length === 0 ? 1 : Math.min(...r.map((sl) => sl.progress))
}

export function bayView(e: DiskSet, bay: number): BayView {
  const b = e.bays[bay - 1]
  const array = e.arrays.find((a) => a.slots.some((sl) => sl.bay === bay))
  const slot = array?.slots.find((sl) => sl.bay === bay)
  if (b?.disk == null) return slot !== undefined || e.spares.includes(bay) || e.reserved.includes(bay) ? 'missing' : 'empty'
  if (!b.disk.healthy) return 'failed'
  if (e.reserved.includes(bay)) return 'ok'
  if (slot === undefined) return 'spare'
  if (slot.sync === 'ok' || array?.failed === true) return 'ok'
  // a fresh disk in a member bay waits for the controller to start its rebuild
  return 'rebuilding'
}

/** MB/s: between the idle and loaded rates by the attached server's load, capped by the disk's own speed. */
export function rebuildRateMBps(s: HwState, e: DiskSet): number {
  const host = s.units.get(e.attachedTo)
  const load = host !== undefined && host.power !== 'off' ? host.load : 0
  const rate = e.rebuildIdleMBps + (e.rebuildLoadMBps - e.rebuildIdleMBps) * load
  return Math.min(rate, e.diskModel.transfer.MBps)
}

export function diskOk(e: DiskSet, bay: number): boolean {
  return e.bays[bay - 1]?.disk?.healthy === true
}

function startRebuild(sl: SlotState): void {
  sl.sync = 'rebuilding'
  sl.progress = 0
  sl.milestone = 0
}

/** Members whose disk is gone go down; arrays past tolerance fail; online enclosures start rebuilds. */
export function settleStorage(s: HwState, emit: Emit): void {
  for (const e of diskSets(s)) {
    for (const a of e.arrays) {
      if (a.failed) continue
      for (const sl of a.slots) {
        if (sl.sync !== 'down' && !diskOk(e, sl.bay)) {
          sl.sync = 'down'
          sl.progress = 0
        }
      }
      if (tooManyOut(a)) a.failed = true
    }
    // the pool's data is striped over every vdev: with one gone, none of it can be read back
    if (isPool(e) && e.arrays.some((a) => a.failed)) for (const a of e.arrays) a.failed = true
    if (!storageOnline(s, e)) continue
    for (const a of e.arrays) {
      if (a.failed) continue
      for (const sl of a.slots) {
        if (sl.sync !== 'down') continue
        if (diskOk(e, sl.bay)) {
          startRebuild(sl) // a new disk in the member's own bay
          continue
        }
        const spare = e.spares.find((bay) => diskOk(e, bay))
        if (spare === undefined) continue
        e.spares = e.spares.filter((bay) => bay !== spare)
        const from = sl.bay
        sl.bay = spare
        startRebuild(sl)
        emit('array.spare-takeover', arrayTarget(e, a), `${e.id}: hot spare in bay ${spare} replaces bay ${from} in ${a.id}, ${isPool(e) ? 'resilvering' : 'rebuilding'}`, { from, to: spare })
      }
    }
  }
}

/** Event target of an array: `array:ENC/ID` for an enclosure's, `pool:SERVER` for a pool's vdev. */
export function arrayTarget(e: DiskSet, a: ArrayState): string {
  return isPool(e) ? `pool:${e.id}` : `array:${e.id}/${a.id}`
}

function msToProgress(s: HwState, e: DiskSet, from: number, to: number): number {
  const mb = e.diskModel.capacityGB * 1000 * Math.max(0, to - from)
  return Math.ceil((mb / rebuildRateMBps(s, e)) * 1000)
}

export function nextStorageDue(s: HwState): number {
  let next = Infinity
  for (const e of s.enclosures.values()) if (e.battery === 'learning') next = Math.min(next, e.learnEndMs)
  for (const e of diskSets(s)) {
    if (!storageOnline(s, e)) continue
    for (const a of e.arrays) {
      if (a.failed) continue
      for (const sl of a.slots) {
        if (sl.sync === 'rebuilding') next = Math.min(next, s.nowMs + msToProgress(s, e, sl.progress, (sl.milestone + 1) / 10))
      }
    }
  }
  return next
}

export function integrateStorage(s: HwState, dtMs: number): void {
  if (dtMs <= 0) return
  for (const e of diskSets(s)) {
    if (!storageOnline(s, e)) continue
    const perMs = rebuildRateMBps(s, e) / (e.diskModel.capacityGB * 1000) / 1000
    for (const a of e.arrays) {
      if (a.failed) continue
      for (const sl of a.slots) if (sl.sync === 'rebuilding') sl.progress = Math.min(1, sl.progress + perMs * dtMs)
    }
  }
}

/** Rebuild milestones and completions, battery learn cycles ending. */
export function fireStorage(s: HwState, emit: Emit): void {
  for (const e of s.enclosures.values()) if (e.battery === 'learning' && e.learnEndMs <= s.nowMs) e.battery = 'ok'
  for (const e of diskSets(s)) {
    for (const a of e.arrays) {
      if (a.failed) continue
      for (const sl of a.slots) {
        if (sl.sync !== 'rebuilding' || sl.progress < (sl.milestone + 1) / 10 - EPS) continue
        if (sl.progress >= 1 - EPS) {
          sl.sync = 'ok'
          sl.progress = 1
          sl.milestone = 10
          continue
        }
        sl.milestone = Math.min(9, Math.floor(sl.progress * 10 + EPS))
        const pct = sl.milestone * 10
        emit('array.rebuild-progress', arrayTarget(e, a), `${e.id}/${a.id}: ${isPool(e) ? 'resilver' : 'rebuild'} of bay ${sl.bay} at ${pct} %`, { bay: sl.bay, percent: pct })
      }
    }
  }
}
