// Lab time from the hardware ledger's header. A header fixes when lab time `startLabMs` was (epochWall, wall
// clock) and the speed; lab time runs on from there. `down` starts a new header (a fresh site), and whether the
// clock starts again at 0 depends on what the lab keeps: backups, the journal and the nightly count are named
// and ordered by lab time, so a `down` that keeps the data volumes must not turn the clock back (a new backup
// would sort before older ones: retention removed the wrong nights and "newest" was an old one).
import type { LedgerHeader } from './ledger'

/** lab milliseconds at wall time `wallMs` under header `h` (never before the header's own start) */
export function labTimeAt(h: LedgerHeader, wallMs: number): number {
  return (h.startLabMs ?? 0) + Math.max(0, (wallMs - h.epochWall) * h.speed)
}

/** The header of the site a `down` leaves. `keepTime` (the data volumes are kept, and with them backups named by
 *  lab time): lab time resumes from where the old header had it at `wallMs`. Otherwise the lab starts at 0, as a
 *  new lab does (nothing named on the old clock is left). */
export function siteHeaderAfterDown(prev: LedgerHeader, wallMs: number, next: { speed: number; seed: number; keepTime: boolean }): LedgerHeader {
  const at = next.keepTime ? Math.floor(labTimeAt(prev, wallMs)) : 0
  return { epochWall: wallMs, speed: next.speed, seed: next.seed, ...(at > 0 ? { startLabMs: at } : {}) }
}
