// The nightly backup on the lab clock: at 02:00 lab time each lab day the backup server runs what its
// `backup-now` action runs, through the action book (ledgered, journaled like any action). A night is
// tried once: when backup1 is down then, the night is missed (journaled; backup.fresh fails after 26 lab
// hours) and the next night catches up. The last night tried is kept in the lab's state dir (nightly.json),
// written atomically and read once: a damaged file is set aside and named, never thrown from the engine's tick.
import { z } from 'zod'
import type { Health, ServerState } from '@contract/status'
import { loadJsonState, writeJsonAtomic } from '../state/atomic-file'

const HOUR = 3_600_000
export const NIGHT_AT_MS = 2 * HOUR
const DAY = 24 * HOUR

const NightlySchema = z.object({ night: z.number().int().min(-1) })

/** the index of the newest night whose 02:00 has passed, when it is newer than `last` */
export function nightDue(labMs: number, last: number): number | undefined {
  if (labMs < NIGHT_AT_MS) return undefined
  const night = Math.floor((labMs - NIGHT_AT_MS) / DAY)
  return night > last ? night : undefined
}

/** What a due night does with the backup server as it is now. run: back up. missed: it is down (stopped,
 *  crashed, off, paused), the night is lost and journaled. wait: it is not in the lab yet or still coming up
 *  (the first `up` building images passes 02:00 before backup1 exists, and that night was consumed silently:
 *  a new lab had no backup until the next lab day), so the night stays due and runs once it is up.
 *  `settling`: an up or down holds the lab. Its servers are healthy before their roles are provisioned, so a night
 *  run then found both Cyrus nodes without a role ("imap1: resyncing; imap2: resyncing"): the DB was backed up,
 *  the mail not, and backup.fresh said STALE until the next lab night. It waits for the up to end. */
export function nightFor(backup: { member: boolean; state?: ServerState; health?: Health; settling?: boolean } | undefined): 'run' | 'missed' | 'wait' | 'none' {
  if (!backup) return 'none'
  if (backup.settling) return 'wait'
  if (!backup.member || backup.state === undefined || backup.state === 'absent' || backup.state === 'created' || backup.state === 'restarting') return 'wait'
  if (backup.state !== 'running') return 'missed'
  return backup.health === 'starting' ? 'wait' : 'run'
}

export class NightlyLedger {
  private night: number

  constructor(
    private readonly file: string,
    report?: (text: string) => void,
  ) {
    const r = loadJsonState(file, NightlySchema)
    // forgetting the last night costs at most one backup run early: the newest night due is tried again
    if (r.state === 'corrupt') report?.(`${r.problem}; the newest night due is backed up again`)
    this.night = r.state === 'ok' ? r.value.night : -1
  }

  last(): number {
    return this.night
  }

  mark(night: number): void {
    writeJsonAtomic(this.file, { night })
    this.night = night
  }

  /** `down --volumes` restarts the lab clock at 0: the nights counted on the old clock are gone with it (kept,
   *  the next up had no nightly backup until the clock passed the old count again: lab days). A `down` that
   *  keeps the volumes keeps the clock running on (binding/lab-time.ts), and this count with it. */
  reset(): void {
    this.mark(-1)
  }
}
