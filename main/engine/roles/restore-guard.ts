// Every restore runs through here: its record is written (state dir) before it starts and at each phase, and
// removed when it ends. A record already there was left by an engine killed mid-restore; this run is the ledger
// running that action again (book.resumeInterrupted) or, failing that, the next restore asked for: the record is
// dealt with first (restore-decision.ts), the outcome journaled, and never reported as a plain success.
import { dumpBytes, resumeDbLoad } from './backup-db'
import { decideInterrupted, interruptedText, type DbApplying, type RestoreAction, type RestoreMark } from './restore-decision'
import { markStore } from './restore-mark'
import { rootSql, tryExec } from './db-state'
import type { HookContext } from './types'

export interface RestoreRun {
  action: RestoreAction
  args: Record<string, string>
  /** the restore from the start; it calls `applying` before it changes live data */
  fresh(applying: (db?: DbApplying) => void): Promise<string>
}

const sameRun = (m: RestoreMark, r: RestoreRun): boolean => m.action === r.action && JSON.stringify(Object.entries(m.args).sort()) === JSON.stringify(Object.entries(r.args).sort())

export async function guardedRestore(c: HookContext, r: RestoreRun): Promise<string> {
  const store = markStore(c)
  const left = store?.read()
  let prefix = ''
  if (store && left) {
    const d = decideInterrupted(left, left.action === 'restore-db' && left.phase === 'applying' ? { dumpBytes: await dumpBytes(c) } : {})
    c.progress?.(`interrupted restore: ${d.do}: ${d.why}`)
    if (d.do === 'resume' && left.action === 'restore-db' && left.db) {
      const text = await resumeDbLoad(c, left.db).finally(() => store.clear())
      const done = `RESUMED ${d.why}: ${text}`
      if (sameRun(left, r)) return done
      prefix = `${done}. Then: `
    } else if (d.do === 'refuse') {
      // the half-loaded database must not take writes: the primary stays read-only until a person restores it
      if (left.db) await rootSql(c, left.db.primary, 'SET GLOBAL read_only = 1').catch(() => undefined)
      store.clear()
      throw new Error(`NOT restored: ${d.why}`)
    } else if (d.do === 'roll-back') {
      // the killed run's scratch server on the backup server may still be replaying: stopped, its copy removed
      if (left.action === 'restore-db') await tryExec(c, c.server.id, ['sh', '-c', 'p=/run/mysqld/racklab-scratch.pid; [ -f $p ] && kill "$(cat $p)"; rm -rf /backup/restore/scratch'], 30_000)
      store.clear()
      if (sameRun(left, r)) throw new Error(`ROLLED BACK, not restored: ${d.why}; run ${r.action} again`)
      prefix = `an earlier ${left.action} was rolled back (${d.why}). Then: `
    } else if (sameRun(left, r)) {
      // resume of a mail restore (by GUID: what is still missing), restart of a database one (from the backup)
      prefix = `${d.do === 'resume' ? 'RESUMED' : 'RESTARTED'} ${d.why}: `
    } else {
      store.clear()
      prefix = `an earlier ${interruptedText(left)}; it was NOT finished (another restore was asked for first): run it again. Then: `
    }
  }
  const now = new Date().toISOString()
  const mark: RestoreMark = { action: r.action, args: r.args, phase: 'preparing', startedAt: now, phaseAt: now }
  store?.write(mark)
  try {
    return prefix + (await r.fresh((db) => store?.write({ ...mark, phase: 'applying', phaseAt: new Date().toISOString(), ...(db ? { db } : {}) })))
  } finally {
    store?.clear()
  }
}
