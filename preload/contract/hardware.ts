// The physical state the engine publishes in LabStatus.hardware: every number already computed, so the UI
// only displays it. The hardware model (main/engine/hardware/status.ts) builds it.

export type PsuSlotState = 'ok' | 'failed' | 'pulled'
export type PowerState = 'off' | 'booting' | 'on'
export type OffCause = 'shutdown' | 'hard-off' | 'power-loss'
export type BatteryState = 'ok' | 'failed' | 'learning'
export type ArrayHealth = 'optimal' | 'degraded' | 'rebuilding' | 'failed'
export type BayView = 'ok' | 'failed' | 'missing' | 'spare' | 'rebuilding' | 'empty'

export interface CircuitStatus {
  id: string
  site: string
  rack: string
  side: 'A' | 'B'
  volts: number
  ratedAmps: number
  amps: number
  watts: number
  loadPct: number
  state: 'ok' | 'warning' | 'tripped'
  /** false when the breaker is closed but the site has no utility power */
  energized: boolean
  /** ms until the breaker trips at the present load; null when it is not overloaded */
  timeToTripMs: number | null
  tripCause: string | null
}

export interface PduStatus { id: string; rack: string; circuit: string; state: 'ok' | 'failed'; live: boolean; amps: number; watts: number; outlets: number; outletsUsed: number }
export interface PsuStatus { index: number; pdu: string; state: PsuSlotState; input: boolean; watts: number }
export interface UnitStatus {
  id: string
  kind: string
  model: string
  site: string
  rack: string
  u: number
  heightU: number
  power: PowerState
  offCause: OffCause | null
  watts: number
  load: number
  /** true when the topology gives no PDUs: power the lab does not model */
  housePower: boolean
  psus: PsuStatus[]
}
export interface BayStatus { bay: number; state: BayView; serial: string | null }
export interface ArrayStatus { id: string; level: string; state: ArrayHealth; rebuildPct: number | null; etaMs: number | null; members: { bay: number; state: string; rebuildPct: number }[]; epoch: number }
export interface EnclosureStatus {
  id: string
  attachedTo: string
  diskModel: string
  online: boolean
  controller: 'ok' | 'failed'
  chassis: 'ok' | 'failed'
  battery: BatteryState
  cache: 'write-back' | 'write-through'
  rebuildMBps: number
  spares: number[]
  bays: BayStatus[]
  arrays: ArrayStatus[]
}
/** ZFS's words: ONLINE, DEGRADED (a vdev lost disks or resilvers), FAULTED (a vdev lost more than raidz2's 2
 *  disks: the pool and every byte in it are gone until it is created anew, empty). */
export type PoolHealth = 'ONLINE' | 'DEGRADED' | 'FAULTED'
/** A server's internal disk pool (backup1, the X4500): ZFS vdevs over its own bays, the OS on a boot mirror. */
export interface PoolStatus {
  /** the server that holds the disks */
  server: string
  state: PoolHealth
  diskModel: string
  /** the server runs, so the pool can resilver */
  online: boolean
  resilverMBps: number
  /** bays of the mirrored OS disks, outside the pool */
  boot: number[]
  spares: number[]
  bays: BayStatus[]
  vdevs: ArrayStatus[]
  /** bumped when the pool is created anew (empty) */
  epoch: number
}
export interface SwitchStatus { id: string; network: string; state: 'up' | 'down' | 'failed'; ports: number; portsUsed: number }
export interface CableStatus { id: string; server: string; network: string; switch: string | null; port: number | null; plugged: boolean; up: boolean }
export interface HardwareStatus {
  labMs: number
  sites: { id: string; utility: boolean }[]
  circuits: CircuitStatus[]
  pdus: PduStatus[]
  units: UnitStatus[]
  enclosures: EnclosureStatus[]
  pools: PoolStatus[]
  switches: SwitchStatus[]
  cables: CableStatus[]
  shelves: { id: string; site: string; stock: Record<string, number> }[]
}
