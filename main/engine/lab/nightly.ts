// The nightly backup on the lab clock: at 02:00 lab time each lab day the backup server runs what its
// `backup-now` action runs, through the action book (ledgered, journaled like any action). A night is
// tried once: when backup1 is down then, the night is missed (journaled; backup.fresh fails after 26 lab
// hours) and the next night catches up. The last night tried is kept in the lab's state dir.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const HOUR = 3_600_000
export const NIGHT_AT_MS = 2 * HOUR
const DAY = 24 * HOUR

/** the index of the newest night whose 02:00 has passed, when it is newer than `last` */
export function nightDue(labMs: number, last: number): number | undefined {
  if (labMs < NIGHT_AT_MS) return undefined
  const night = Math.floor((labMs - NIGHT_AT_MS) / DAY)
  return night > last ? night : undefined
}

export class NightlyLedger {
  constructor(private readonly file: string) {}
  last(): number {
    if (!existsSync(this.file)) return -1
    const n = (JSON.parse(readFileSync(this.file, 'utf8')) as { night?: number }).night
    return typeof n === 'number' ? n : -1
  }
  mark(night: number): void {
    mkdirSync(dirname(this.file), { recursive: true })
    writeFileSync(this.file, JSON.stringify({ night }))
  }
}
