// Storage actions: disks in bays (an enclosure's or a server's pool's), arrays, the RAID unit's battery,
// controller and chassis, a server's ZFS pool, the spares shelf.
import { defineTarget, mapRef, splitPair, type ActionDef, type TargetKind } from './actions.ts'
import { unitPowerActions } from './actions-power.ts'
import { pickIndex } from './random.ts'
import { noSpareReason, shelfWith, takeSpare } from './shelf.ts'
import { must, newSerial, type ArrayState, type BayState, type DiskSet, type EnclosureState, type HwState, type PoolState, type ShelfState } from './state.ts'
import { enclosureOnline, poolHealth, storageOnline } from './storage.ts'

const siteOf = (s: HwState, e: DiskSet): string => must(s.units.get(e.id), `unit ${e.id}`).site

/** A disk put into a bay no array uses becomes a global hot spare (a boot-mirror bay stays the OS's). */
function adoptAsSpare(e: DiskSet, bay: number): void {
  const member = e.arrays.some((a) => a.slots.some((sl) => sl.bay === bay))
  if (!member && !e.spares.includes(bay) && !e.reserved.includes(bay)) e.spares.push(bay)
}

type DiskRef = { enc: DiskSet; bay: BayState }
const diskActions: ActionDef<DiskRef>[] = [
  {
    id: 'pull',
    label: 'Pull the disk',
    kind: 'break',
    refuse: (_, { bay }) => (bay.disk === null ? `bay ${bay.bay} is empty` : undefined),
    run: (_, { enc, bay }) => {
      bay.pulled = bay.disk
      bay.disk = null
      return `pulled the disk from bay ${bay.bay} of ${enc.id}`
    },
  },
  {
    id: 'insert',
    label: 'Insert a disk',
    kind: 'restore',
    refuse: ({ s }, { enc, bay }) => {
      if (bay.disk !== null) return `bay ${bay.bay} holds a disk`
      if (bay.pulled !== null) return undefined
      const site = siteOf(s, enc)
      return shelfWith(s, site, enc.diskModel.id) === undefined ? noSpareReason(site, enc.diskModel.id) : undefined
    },
    run: ({ s }, { enc, bay }) => {
      let text: string
      if (bay.pulled !== null) {
        bay.disk = bay.pulled
        bay.pulled = null
        text = `put the pulled disk back into bay ${bay.bay} of ${enc.id}`
      } else {
        const shelf = takeSpare(s, siteOf(s, enc), enc.diskModel.id)
        bay.disk = { serial: newSerial(s), healthy: true }
        text = `inserted a new ${enc.diskModel.id} from shelf ${shelf ?? '?'} into bay ${bay.bay} of ${enc.id}`
      }
      adoptAsSpare(enc, bay.bay)
      return text
    },
  },
  {
    id: 'fail',
    label: 'Disk fails',
    kind: 'break',
    refuse: (_, { bay }) => (bay.disk === null ? `bay ${bay.bay} is empty` : bay.disk.healthy ? undefined : `the disk in bay ${bay.bay} has already failed`),
    run: (_, { enc, bay }) => {
      if (bay.disk !== null) bay.disk.healthy = false
      return `the disk in bay ${bay.bay} of ${enc.id} failed`
    },
  },
  {
    id: 'replace',
    label: 'Replace the failed disk',
    kind: 'restore',
    refuse: ({ s }, { enc, bay }) => {
      if (bay.disk === null) return `bay ${bay.bay} is empty (insert a disk)`
      if (bay.disk.healthy) return `the disk in bay ${bay.bay} works`
      const site = siteOf(s, enc)
      return shelfWith(s, site, enc.diskModel.id) === undefined ? noSpareReason(site, enc.diskModel.id) : undefined
    },
    run: ({ s }, { enc, bay }) => {
      const shelf = takeSpare(s, siteOf(s, enc), enc.diskModel.id)
      bay.disk = { serial: newSerial(s), healthy: true }
      adoptAsSpare(enc, bay.bay)
      return `replaced the failed disk in bay ${bay.bay} of ${enc.id} with a ${enc.diskModel.id} from shelf ${shelf ?? '?'}`
    },
  },
]

type ArrayRef = { enc: EnclosureState; array: ArrayState }
const arrayActions: ActionDef<ArrayRef>[] = [
  {
    id: 'recreate',
    label: 'Recreate the array (new, empty volume)',
    kind: 'restore',
    refuse: ({ s }, { enc, array }) => {
      if (!array.failed) return `${array.id} has not failed`
      if (!enclosureOnline(s, enc)) return `${enc.id} is offline`
      const bad = array.slots.filter((sl) => enc.bays[sl.bay - 1]?.disk?.healthy !== true).map((sl) => sl.bay)
      return bad.length > 0 ? `bay ${bad.join(', ')} has no working disk: replace it first` : undefined
    },
    run: (_, { enc, array }) => {
      for (const sl of array.slots) Object.assign(sl, { sync: 'ok', progress: 1, milestone: 10 })
      array.failed = false
      array.epoch += 1
      return `recreated ${enc.id}/${array.id}: a new EMPTY volume (restore the data from backup)`
    },
  },
]

const batteryActions: ActionDef<EnclosureState>[] = [
  {
    id: 'fail-battery',
    label: 'Battery fails',
    kind: 'break',
    refuse: (_, e) => (e.battery === 'failed' ? 'the battery has already failed' : undefined),
    run: (_, e) => {
      e.battery = 'failed'
      return `the cache battery of ${e.id} failed`
    },
  },
  {
    id: 'replace-battery',
    label: 'Replace the battery',
    kind: 'restore',
    refuse: (_, e) => (e.battery === 'failed' ? undefined : 'the battery has not failed'),
    run: (_, e) => {
      e.battery = 'ok'
      return `replaced the cache battery of ${e.id}`
    },
  },
  {
    id: 'learn',
    label: 'Start a battery learn cycle',
    kind: 'operate',
    refuse: (_, e) => (e.battery === 'ok' ? undefined : e.battery === 'learning' ? 'a learn cycle is running' : 'the battery has failed'),
    run: ({ s }, e) => {
      e.battery = 'learning'
      e.learnEndMs = s.nowMs + e.model.controller.batteryLearnHours * 3_600_000
      return `started a battery learn cycle on ${e.id}`
    },
  },
]

const controllerActions: ActionDef<EnclosureState>[] = [
  {
    id: 'fail-controller',
    label: 'RAID controller fails',
    kind: 'break',
    refuse: (_, e) => (e.controller === 'failed' ? 'the controller has already failed' : undefined),
    run: (_, e) => {
      e.controller = 'failed'
      return `the RAID controller of ${e.id} failed`
    },
  },
  {
    id: 'replace-controller',
    label: 'Replace the controller (the RAID config is on the disks)',
    kind: 'restore',
    refuse: (_, e) => (e.controller === 'failed' ? undefined : 'the controller works'),
    run: (_, e) => {
      e.controller = 'ok'
      return `replaced the RAID controller of ${e.id}; it read the array config back from the disks`
    },
  },
]

const enclosureActions: ActionDef<EnclosureState>[] = [
  ...mapRef(unitPowerActions, ({ s }, e: EnclosureState) => must(s.units.get(e.id), `unit ${e.id}`)),
  {
    id: 'fail',
    label: 'Chassis/backplane fails',
    kind: 'break',
    refuse: (_, e) => (e.chassisFailed ? 'the chassis has already failed' : undefined),
    run: (_, e) => {
      e.chassisFailed = true
      return `the chassis of ${e.id} failed`
    },
  },
  {
    id: 'replace',
    label: 'Swap in the spare RAID unit (disks move over)',
    kind: 'restore',
    refuse: ({ s }, e) => {
      const unit = must(s.units.get(e.id), `unit ${e.id}`)
      const broken = e.chassisFailed || e.controller === 'failed' || e.battery === 'failed' || unit.psus.some((p) => !p.healthy)
      if (!broken) return `${e.id} has no fault to fix`
      return shelfWith(s, unit.site, e.model.id) === undefined ? noSpareReason(unit.site, e.model.id) : undefined
    },
    run: ({ s }, e) => {
      const unit = must(s.units.get(e.id), `unit ${e.id}`)
      const shelf = takeSpare(s, unit.site, e.model.id)
      e.chassisFailed = false
      e.controller = 'ok'
      e.battery = 'ok'
      for (const p of unit.psus) Object.assign(p, { state: 'ok', healthy: true })
      return `swapped ${e.id} for the spare ${e.model.id} from shelf ${shelf ?? '?'}; the disks moved over in bay order`
    },
  },
  failRandomDisk('A random member disk fails', 'no working member disk'),
]

const poolActions: ActionDef<PoolState>[] = [
  {
    id: 'create',
    label: 'Create the pool anew (zpool create: a new, EMPTY pool)',
    kind: 'restore',
    refuse: ({ s }, p) => {
      if (poolHealth(p) !== 'FAULTED') return `${p.id}'s pool is ${poolHealth(p)}: it still holds its data`
      if (!storageOnline(s, p)) return `${p.id} is not running`
      const bad = p.arrays.flatMap((a) => a.slots.map((sl) => sl.bay)).filter((bay) => p.bays[bay - 1]?.disk?.healthy !== true)
      return bad.length > 0 ? `bay ${bad.join(', ')} has no working disk: replace it first` : undefined
    },
    run: (_, p) => {
      for (const a of p.arrays) {
        for (const sl of a.slots) Object.assign(sl, { sync: 'ok', progress: 1, milestone: 10 })
        a.failed = false
        a.epoch += 1
      }
      return `created ${p.id}'s pool anew over ${p.arrays.length} raidz2 vdevs: a new EMPTY pool (every earlier backup is gone; the next backup is a new full)`
    },
  },
  failRandomDisk('A random pool disk fails', 'no working pool disk'),
]

/** a seeded pick among the set's working member disks fails: an enclosure's arrays or a pool's vdevs alike */
function failRandomDisk<T extends DiskSet>(label: string, none: string): ActionDef<T> {
  return {
    id: 'fail-random-disk',
    label,
    kind: 'break',
    refuse: (_, d) => (healthyMembers(d).length === 0 ? none : undefined),
    run: ({ s }, d) => {
      const bays = healthyMembers(d)
      const bay = must(bays[pickIndex(s.rng, bays.length)], 'picked bay')
      const disk = d.bays[bay - 1]?.disk
      if (disk != null) disk.healthy = false
      return `the disk in bay ${bay} of ${d.id} failed`
    },
  }
}

function healthyMembers(e: DiskSet): number[] {
  return e.arrays.flatMap((a) => (a.failed ? [] : a.slots.map((sl) => sl.bay))).filter((bay) => e.bays[bay - 1]?.disk?.healthy === true)
}

const shelfActions: ActionDef<ShelfState>[] = [
  {
    id: 'restock',
    label: 'Restock from the vendor',
    kind: 'restore',
    refuse: (_, sh) => (Object.entries(sh.initial).some(([part, n]) => (sh.stock[part] ?? 0) < n) ? undefined : `shelf ${sh.id} is fully stocked`),
    run: (_, sh) => {
      for (const [part, n] of Object.entries(sh.initial)) sh.stock[part] = Math.max(sh.stock[part] ?? 0, n)
      return `restocked shelf ${sh.id}`
    },
  },
]

const diskRef = (s: HwState, rest: string): DiskRef | undefined => {
  const pair = splitPair(rest)
  const enc = pair === undefined ? undefined : (s.enclosures.get(pair[0]) ?? s.pools.get(pair[0]))
  const bay = enc?.bays.find((b) => String(b.bay) === pair?.[1])
  return enc === undefined || bay === undefined ? undefined : { enc, bay }
}

const arrayRef = (s: HwState, rest: string): ArrayRef | undefined => {
  const pair = splitPair(rest)
  const enc = pair === undefined ? undefined : s.enclosures.get(pair[0])
  const array = enc?.arrays.find((a) => a.id === pair?.[1])
  return enc === undefined || array === undefined ? undefined : { enc, array }
}

const encIds = (s: HwState): string[] => [...s.enclosures.keys()]

export const storageTargets: TargetKind[] = [
  defineTarget('enclosure', (s, id) => s.enclosures.get(id), encIds, enclosureActions),
  defineTarget('disk', diskRef, (s) => [...s.enclosures.values(), ...s.pools.values()].flatMap((e) => e.bays.map((b) => `${e.id}/${b.bay}`)), diskActions),
  defineTarget('pool', (s, id) => s.pools.get(id), (s) => [...s.pools.keys()], poolActions),
  defineTarget('array', arrayRef, (s) => [...s.enclosures.values()].flatMap((e) => e.arrays.map((a) => `${e.id}/${a.id}`)), arrayActions),
  defineTarget('battery', (s, id) => s.enclosures.get(id), encIds, batteryActions),
  defineTarget('controller', (s, id) => s.enclosures.get(id), encIds, controllerActions),
  defineTarget('shelf', (s, id) => s.shelves.get(id), (s) => [...s.shelves.keys()], shelfActions),
]
