// The mutable physical state the model owns. Plain data (maps of records) so a snapshot, a diff or a
// determinism check is just a walk over it. Derived things (amps, array health, links) are computed, not stored.
import type { DiskModel, EnclosureModel, PowerParams, PoweredModel, RaidLevel, SlowdownParams } from './catalog-schema.ts'
import type { Rng } from './random.ts'

export interface SiteState {
  id: string
  /** utility power reaches the site's circuits (false during a blackout) */
  utility: boolean
}

export interface CircuitState {
  id: string
  site: string
  rack: string
  side: 'A' | 'B'
  volts: number
  ratedAmps: number
  breaker: 'closed' | 'tripped'
  /** thermal trip progress: 0 cold, 1 trips */
  heat: number
  tripCause?: 'overload' | 'instant' | 'manual'
  /** amps flowing when it tripped */
  tripAmps?: number
}

export interface PduState {
  id: string
  rack: string
  circuit: string
  outlets: number
  failed: boolean
}

export type PsuSlotState = 'ok' | 'failed' | 'pulled'

export interface PsuState {
  /** 1-based, as in `psu:db1/1` */
  index: number
  pdu: string
  state: PsuSlotState
  /** whether the PSU itself works (a pulled PSU keeps its health for when it goes back in) */
  healthy: boolean
  /** seeded weight for the uneven load share */
  weight: number
}

export type PowerState = 'off' | 'booting' | 'on'
export type OffCause = 'shutdown' | 'hard-off' | 'power-loss'
export type UnitKind = 'server' | 'enclosure' | 'switch'

export interface UnitState {
  id: string
  kind: UnitKind
  model: PoweredModel
  site: string
  rack: string
  u: number
  psus: PsuState[]
  /** the topology gives no PDUs: fed by power the lab does not model, so always available */
  housePower: boolean
  power: PowerState
  /** the power button is on: the unit runs whenever it has input (cleared on power loss for servers) */
  adminOn: boolean
  bootStartMs: number
  surgeEndMs: number
  bootEndMs: number
  offCause?: OffCause
  /** utilisation 0..1 between idle and load watts */
  load: number
}

export interface SwitchState {
  id: string
  network: string
  ports: number
  failed: boolean
}

export interface CableState {
  /** server/network */
  id: string
  server: string
  network: string
  /** no switch: a link the lab does not model (WAN, uplink), always up */
  switch?: string
  port?: number
  plugged: boolean
}

export interface DiskState {
  serial: string
  healthy: boolean
}

export interface BayState {
  bay: number
  disk: DiskState | null
  /** a disk pulled from this bay and still in hand, so `insert` puts the same one back */
  pulled: DiskState | null
}

export interface SlotState {
  /** the bay currently holding this member (changes when a hot spare takes over) */
  bay: number
  sync: 'ok' | 'rebuilding' | 'down'
  /** rebuild progress 0..1 */
  progress: number
  /** last 10 % step reported */
  milestone: number
}

export interface ArrayState {
  id: string
  level: Extract<RaidLevel, 'raid1' | 'raid5' | 'raid6' | 'raid10' | 'raidz2'>
  slots: SlotState[]
  /** lost: too many members gone; stays lost until recreated */
  failed: boolean
  /** bumped when the array is recreated: the data volume is new and empty */
  epoch: number
}

export type BatteryState = 'ok' | 'failed' | 'learning'

/** Disks in bays grouped into redundant arrays: a RAID enclosure's, or a server's own ZFS pool. */
export interface DiskSet {
  /** the enclosure, or for a pool the server that holds it */
  id: string
  /** the server whose data volume it backs */
  attachedTo: string
  diskModel: DiskModel
  bays: BayState[]
  /** global hot-spare bays */
  spares: number[]
  /** bays outside every array and never adopted as spares (a pool server's boot mirror) */
  reserved: number[]
  /** RAID arrays, or a pool's vdevs */
  arrays: ArrayState[]
  /** seeded rebuild (resilver) rates in MB/s with the attached server idle and fully loaded */
  rebuildIdleMBps: number
  rebuildLoadMBps: number
}

export interface EnclosureState extends DiskSet {
  model: EnclosureModel
  controller: 'ok' | 'failed'
  battery: BatteryState
  learnEndMs: number
  chassisFailed: boolean
}

/** A server's internal ZFS pool (id = attachedTo = the server). Any lost vdev loses the whole pool: every vdev is
 *  then marked failed, and only creating the pool anew (empty) brings it back. */
export interface PoolState extends DiskSet {
  kind: 'pool'
}

export interface ShelfState {
  id: string
  site: string
  stock: Record<string, number>
  initial: Record<string, number>
}

export interface PendingPowerOn {
  unit: string
  atMs: number
}

export interface HwState {
  nowMs: number
  seed: number
  /** runtime stream for random choices made by actions (e.g. which disk fails) */
  rng: Rng
  /** next disk serial number */
  serial: number
  power: PowerParams
  slowdown: SlowdownParams
  sites: Map<string, SiteState>
  racks: Map<string, { id: string; site: string }>
  circuits: Map<string, CircuitState>
  pdus: Map<string, PduState>
  units: Map<string, UnitState>
  switches: Map<string, SwitchState>
  cables: Map<string, CableState>
  enclosures: Map<string, EnclosureState>
  /** internal ZFS pools by server id */
  pools: Map<string, PoolState>
  shelves: Map<string, ShelfState>
  pendingOn: PendingPowerOn[]
}

export function newSerial(s: HwState): string {
  s.serial += 1
  return `SN${String(s.serial).padStart(5, '0')}`
}

/** The unit or a NOT_FOUND-free lookup failure (callers validate targets first). */
export function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`hardware model: ${what} missing from state`)
  return v
}
