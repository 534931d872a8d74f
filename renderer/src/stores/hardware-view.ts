// Lookups into the engine's hardware status (LabStatus.hardware, typed by @contract/hardware): the panels and
// the scene ask "circuit nyi-1-a?", "cable db2/int?" many times per snapshot, so the lists become maps once.
// It only reads; nothing is computed here.
import type { CableStatus, CircuitStatus, EnclosureStatus, HardwareStatus, PduStatus, PoolStatus, SwitchStatus, UnitStatus } from '@contract/hardware'

/** The bench harness (tests/bench/scene-page.ts) still names the snapshot this way. */
export type HardwareView = HardwareStatus

/** Lookups by id, built once per snapshot. */
export interface HardwareIndex {
  view: HardwareStatus
  circuit: Map<string, CircuitStatus>
  pdu: Map<string, PduStatus>
  unit: Map<string, UnitStatus>
  enclosure: Map<string, EnclosureStatus>
  /** a server's own ZFS pool, by server id */
  pool: Map<string, PoolStatus>
  switch: Map<string, SwitchStatus>
  cable: Map<string, CableStatus>
}

export function indexHardware(view: HardwareStatus): HardwareIndex {
  const by = <T extends { id: string }>(xs: readonly T[]): Map<string, T> => new Map(xs.map((x) => [x.id, x]))
  return {
    view,
    circuit: by(view.circuits),
    pdu: by(view.pdus),
    unit: by(view.units),
    enclosure: by(view.enclosures),
    // an engine from before pools were modelled sends none
    pool: new Map((view.pools ?? []).map((p) => [p.server, p])),
    switch: by(view.switches),
    cable: by(view.cables),
  }
}
