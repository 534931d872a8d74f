// LabStatus.hardware is free-form in the contract: the engine's hardware model fills it with its own status
// (main/engine/hardware/status.ts). This is the part the renderer reads, checked item by item so a field the
// engine renames shows as "unknown" instead of breaking the view. It only reads; nothing is computed here.

export interface HwCircuit {
  id: string
  rack: string
  side: 'A' | 'B'
  volts: number
  ratedAmps: number
  amps: number
  watts: number
  loadPct: number
  state: 'ok' | 'warning' | 'tripped'
  energized: boolean
  timeToTripMs: number | null
  tripCause: string | null
}
export interface HwPdu { id: string; rack: string; circuit: string; state: 'ok' | 'failed'; live: boolean; amps: number; watts: number; outlets: number; outletsUsed: number }
export interface HwPsu { index: number; pdu: string; state: 'ok' | 'failed' | 'pulled'; input: boolean; watts: number }
export interface HwUnit { id: string; kind: string; power: 'off' | 'booting' | 'on'; offCause: string | null; watts: number; housePower: boolean; psus: HwPsu[] }
export type BayState = 'ok' | 'failed' | 'missing' | 'spare' | 'rebuilding' | 'empty'
export interface HwBay { bay: number; state: BayState; serial: string | null }
export interface HwArray {
  id: string
  level: string
  state: 'optimal' | 'degraded' | 'rebuilding' | 'failed'
  rebuildPct: number | null
  etaMs: number | null
  members: { bay: number; state: string; rebuildPct: number }[]
}
export interface HwEnclosure {
  id: string
  attachedTo: string
  online: boolean
  controller: 'ok' | 'failed'
  chassis: 'ok' | 'failed'
  battery: string
  cache: string
  rebuildMBps: number
  spares: number[]
  bays: HwBay[]
  arrays: HwArray[]
}
export interface HwSwitch { id: string; network: string; state: 'up' | 'down' | 'failed'; ports: number; portsUsed: number }
export interface HwCable { id: string; server: string; network: string; switch: string | null; port: number | null; plugged: boolean; up: boolean }

export interface HardwareView {
  labMs: number
  circuits: HwCircuit[]
  pdus: HwPdu[]
  units: HwUnit[]
  enclosures: HwEnclosure[]
  switches: HwSwitch[]
  cables: HwCable[]
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Items of `doc[key]` that are objects whose listed fields have the listed types. */
function items<T>(doc: Record<string, unknown>, key: string, shape: Record<string, 'string' | 'number' | 'boolean' | 'object'>): T[] {
  const list = doc[key]
  if (!Array.isArray(list)) return []
  return list.filter((x): x is T => isRecord(x) && Object.entries(shape).every(([k, t]) => typeof x[k] === t && x[k] !== null)) as T[]
}

export function readHardware(raw: unknown): HardwareView | null {
  if (!isRecord(raw)) return null
  const units = items<HwUnit>(raw, 'units', { id: 'string', power: 'string' }).map((u) => ({
    ...u,
    psus: Array.isArray(u.psus) ? u.psus.filter((p) => isRecord(p) && typeof p.index === 'number' && typeof p.state === 'string') : [],
  }))
  const enclosures = items<HwEnclosure>(raw, 'enclosures', { id: 'string', online: 'boolean' }).map((e) => ({
    ...e,
    bays: Array.isArray(e.bays) ? e.bays.filter((b) => isRecord(b) && typeof b.bay === 'number' && typeof b.state === 'string') : [],
    arrays: Array.isArray(e.arrays) ? e.arrays.filter((a) => isRecord(a) && typeof a.id === 'string' && typeof a.state === 'string') : [],
  }))
  return {
    labMs: typeof raw.labMs === 'number' ? raw.labMs : 0,
    circuits: items<HwCircuit>(raw, 'circuits', { id: 'string', amps: 'number', ratedAmps: 'number', state: 'string' }),
    pdus: items<HwPdu>(raw, 'pdus', { id: 'string', circuit: 'string', amps: 'number', live: 'boolean' }),
    units,
    enclosures,
    switches: items<HwSwitch>(raw, 'switches', { id: 'string', state: 'string' }),
    cables: items<HwCable>(raw, 'cables', { id: 'string', server: 'string', network: 'string', plugged: 'boolean', up: 'boolean' }),
  }
}

/** Lookups by id, built once per snapshot. */
export interface HardwareIndex {
  view: HardwareView
  circuit: Map<string, HwCircuit>
  pdu: Map<string, HwPdu>
  unit: Map<string, HwUnit>
  enclosure: Map<string, HwEnclosure>
  switch: Map<string, HwSwitch>
  cable: Map<string, HwCable>
}

export function indexHardware(view: HardwareView): HardwareIndex {
  const by = <T extends { id: string }>(xs: T[]): Map<string, T> => new Map(xs.map((x) => [x.id, x]))
  return {
    view,
    circuit: by(view.circuits),
    pdu: by(view.pdus),
    unit: by(view.units),
    enclosure: by(view.enclosures),
    switch: by(view.switches),
    cable: by(view.cables),
  }
}
