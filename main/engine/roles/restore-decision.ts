// What to do with a restore the engine was killed in the middle of (issue 11): each restore records its phase in
// the lab's state dir before it touches anything, and on the next engine start the action ledger runs it again
// (book.resumeInterrupted); that run reads the record and decides here. Pure: the facts are gathered by the caller.
//   preparing — only backup1's scratch space was in use (binlog replay, planning): nothing live changed, so it is
//               rolled back (nothing to undo; reported as not restored) rather than guessed at;
//   applying  — live data is half-replaced or half-appended: it is resumed, for the database from the dump the
//               interrupted run had already made (replaying the binlogs again would replay its own half-load too),
//               for mail by restoring again what is still missing (by GUID, so nothing is appended twice).
//               A database dump that is gone or changed can't be resumed: with a stop statement the restore is run
//               again from the start (the first such statement after the backup is the same one, before the half
//               load); without one (replay everything) it would replay the half load too, so it is refused and the
//               primary stays read-only until a person restores to a named point.

export type RestoreAction = 'restore-db' | 'restore-mail'
export type RestorePhase = 'preparing' | 'applying'

/** what a database restore had decided before it started loading: enough to load and verify again */
export interface DbApplying {
  primary: string
  primaryWasReadOnly: boolean
  /** the point-in-time dump's size on backup1 when it was made (a different size: not the same dump) */
  dumpBytes: number
  /** racklab-db-pitr's JSON for that dump: its stop point and every table's checksum at that point */
  pitr: unknown
}

export interface RestoreMark {
  action: RestoreAction
  args: Record<string, string>
  phase: RestorePhase
  /** wall-clock ISO time the restore began, and when it reached its phase */
  startedAt: string
  phaseAt: string
  db?: DbApplying
}

export interface Decision {
  do: 'roll-back' | 'resume' | 'restart' | 'refuse'
  why: string
}

/** facts about the present the decision depends on: the size of backup1's dump now (undefined: none there) */
export interface Present {
  dumpBytes?: number
}

export function decideInterrupted(m: RestoreMark, now: Present): Decision {
  const what = `${m.action}${Object.entries(m.args).map(([k, v]) => ` ${k}=${v}`).join('')} (begun ${m.startedAt})`
  if (m.phase === 'preparing') return { do: 'roll-back', why: `${what} was interrupted while preparing on the backup server; no live data had been changed` }
  if (m.action === 'restore-mail') return { do: 'resume', why: `${what} was interrupted while putting messages back; the rest is restored now (by GUID: none twice)` }
  const db = m.db
  const gone = !db ? 'its record does not say which dump it was loading' : now.dumpBytes !== db.dumpBytes ? `the dump it was loading is ${now.dumpBytes === undefined ? 'gone from the backup server' : `not the same (${now.dumpBytes} bytes, not ${db.dumpBytes})`}` : undefined
  if (gone !== undefined || !db) {
    if (m.args.before) return { do: 'restart', why: `${what} was interrupted while loading and ${gone}: it is run again from the backup (the first ${m.args.before} after it is the same statement)` }
    return { do: 'refuse', why: `${what} was interrupted while loading and ${gone}; replaying every binlog again would replay the half load too. The primary stays read-only: run restore-db with before= a statement` }
  }
  return { do: 'resume', why: `${what} was interrupted while loading on ${db.primary}; the same dump is loaded again and verified` }
}

/** how a mark reads in status (the backup panel, racklab backups) until the engine has dealt with it */
export function interruptedText(m: RestoreMark): string {
  const args = Object.entries(m.args).map(([k, v]) => ` ${k}=${v}`).join('')
  return `${m.action}${args} INTERRUPTED (engine stopped while ${m.phase === 'preparing' ? 'preparing' : 'applying it'}, since ${m.phaseAt}): not done; it is resumed or rolled back when the engine runs it again`
}
