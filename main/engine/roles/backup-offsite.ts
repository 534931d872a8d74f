// Catching up the offsite copies. A night whose copy was cut (the WAN down, db3 off) is not offsite: its stream
// may sit on db3 as a .part file, which nothing counts as a backup (COMPLETE is written only when the copy's
// sha256 equals backup1's, backup-db.ts copyOffsite). The next run that reaches db3 copies every such night
// again, resuming where the cut copy stopped (the .part is a prefix of the stream), with the same sha256 check,
// and removes the partial leftovers of nights backup1 no longer keeps.
import { copiedHow, copyOffsite, dbBackups, OFFSITE_DIR } from './backup-db'
import { tryExec } from './db-state'
import type { HookContext } from './types'

const STAMP = /^\d{8}T\d{6}$/

/** what to redo: nights kept on backup1 and not complete offsite (the one just copied aside), and which partial
 *  offsite directories belong to no kept night */
export function offsitePlan(local: readonly string[], complete: readonly string[], offsiteDirs: readonly string[], justCopied: string): { recopy: string[]; remove: string[] } {
  const done = new Set(complete)
  const kept = new Set(local)
  return {
    recopy: [...kept].filter((s) => s !== justCopied && !done.has(s)).sort(),
    remove: offsiteDirs.filter((d) => STAMP.test(d) && !kept.has(d) && !done.has(d)).sort(),
  }
}

/** after a good copy of tonight's backup: the nights missed before it, copied again; one phrase, '' when none */
export async function catchUpOffsite(c: HookContext, justCopied: string): Promise<string> {
  const have = await dbBackups(c)
  const off = have.offsite?.server
  if (!off) return ''
  const dirs = await tryExec(c, off, ['sh', '-c', `ls -1 ${OFFSITE_DIR} 2>/dev/null`], 10_000)
  const plan = offsitePlan(
    have.local.map((b) => b.stamp),
    have.offsite?.stamps ?? [],
    dirs.stdout.split('\n').map((l) => l.trim()).filter(Boolean),
    justCopied,
  )
  const copied: string[] = []
  const failed: string[] = []
  const kept = new Map(have.local.map((b) => [b.stamp, b]))
  for (const stamp of plan.recopy) {
    try {
      copied.push(`${stamp} (${copiedHow(await copyOffsite(c, kept.get(stamp)!))})`)
    } catch (e) {
      failed.push(`${stamp} (${(e as Error).message.slice(0, 120)})`)
    }
  }
  if (plan.remove.length) await tryExec(c, off, ['rm', '-rf', ...plan.remove.map((d) => `${OFFSITE_DIR}/${d}`)], 30_000)
  const parts = [
    copied.length ? `caught up offsite: ${copied.join(', ')} (missed before; sha256 checked)` : '',
    failed.length ? `still NOT offsite: ${failed.join('; ')}` : '',
    plan.remove.length ? `removed the partial offsite copies of ${plan.remove.join(', ')} (no longer kept)` : '',
  ]
  return parts.filter(Boolean).join('; ')
}
