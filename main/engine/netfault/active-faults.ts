// Which network faults are in effect, read from the action ledger: an apply action that succeeded and has not
// been followed by its removal. The ledger is the one record of what was asked; nothing else is kept.
import type { LedgerRecord } from '../actions/action-ledger'

export type FaultKind = 'latency' | 'loss' | 'bandwidth' | 'partition'

export const APPLY: Record<string, FaultKind> = { 'add-latency': 'latency', 'add-loss': 'loss', 'limit-bandwidth': 'bandwidth', partition: 'partition' }
export const REMOVE: Record<string, FaultKind> = { 'remove-latency': 'latency', 'remove-loss': 'loss', 'unlimit-bandwidth': 'bandwidth', 'heal-partition': 'partition' }

/** one key per fault in place: a cable's kind, or a partition between two racks on a network (either side's target) */
export function faultKey(target: string, kind: FaultKind, args: Record<string, string>): string {
  if (kind !== 'partition') return `${target}#${kind}`
  const racks = [target.replace(/^rack:/, ''), args.from ?? ''].sort()
  return `partition#${args.network ?? ''}#${racks.join('|')}`
}

export function activeFaults(records: readonly LedgerRecord[]): Map<string, LedgerRecord & { kind: FaultKind }> {
  const on = new Map<string, LedgerRecord & { kind: FaultKind }>()
  for (const r of records) {
    if (r.family !== 'network' || !r.result?.ok) continue
    const applied = APPLY[r.action]
    const removed = REMOVE[r.action]
    if (applied) on.set(faultKey(r.target, applied, r.args), { ...r, kind: applied })
    else if (removed) on.delete(faultKey(r.target, removed, r.args))
  }
  return on
}
