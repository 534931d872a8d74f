// How the backup panel words what backup.list returns: nights by lab date, sizes in KB/MB/GB, one row per store.
import type { BackupNight, MailSnapshotInfo } from '@contract/backup'

/** 20070615T020000 → 2007-06-15 02:00 (the lab calendar) */
export const nightLabel = (stamp: string): string => `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)} ${stamp.slice(9, 11)}:${stamp.slice(11, 13)}`

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
/** 20070615T020000 → Jun 15 and 02:00: the table's narrow column, on two lines (the year is the lab's, 2007) */
export const nightDate = (stamp: string): string => `${MONTHS[Number(stamp.slice(4, 6)) - 1] ?? '?'} ${Number(stamp.slice(6, 8))}`
export const nightTime = (stamp: string): string => `${stamp.slice(9, 11)}:${stamp.slice(11, 13)}`

/** a run's journal line in a few words: which night it took and how long it ran */
export function runHeadline(text: string): string {
  const stamp = /\bbackup (\d{8}T\d{6})/.exec(text)?.[1]
  const took = /; ([\d.]+ s)$/.exec(text)?.[1]
  if (!stamp) return text.length > 120 ? `${text.slice(0, 117)}…` : text
  return `night ${nightLabel(stamp)}${took ? ` in ${took}` : ''}${/NOT backed up|FAILED/.test(text) ? ' — with failures' : ''}`
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(2)} GB`
}

export interface NightRow {
  stamp: string
  /** the first row of its night carries the night's cells (rowspan) */
  first: boolean
  span: number
  night: BackupNight
  store: MailSnapshotInfo | null
}

/** newest night first; a night with no mail snapshot still gets its row (its database backup) */
export function nightRows(nights: readonly BackupNight[]): NightRow[] {
  return [...nights].reverse().flatMap((night) => {
    const stores = night.mail.length ? night.mail : [null]
    return stores.map((store, i) => ({ stamp: night.stamp, first: i === 0, span: stores.length, night, store }))
  })
}
