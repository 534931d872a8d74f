// What the backup server holds, as the backup panel and `backup.list` show it: per night (stamp) the hot
// database backup and each mail store's snapshot, and what the content-addressed store keeps in all.

/** one store's mail snapshot of a night (racklab-mail-store list) */
export interface MailSnapshotInfo {
  store: string
  /** the node its record was read from (the replica when one was healthy) */
  source: string
  accounts: number
  mailboxes: number
  messages: number
  /** the messages' bytes in this snapshot (files shared with other nights counted in each) */
  bytes: number
  /** message files this night added to backup1 (none for an unchanged store); absent in older snapshots */
  newFiles?: number
  newBytes?: number
  /** wall milliseconds the store's run took */
  ms?: number
}

/** the hot database backup of a night (racklab-db-backup list) */
export interface DbBackupInfo {
  bytes: number
  /** the GTID it ends at (where point-in-time replay starts) */
  gtid: string
  binlogFile: string
  binlogPos: number
  /** complete at the offsite store (sha256 checked when copied) */
  offsite: boolean
  ms: number
}

export interface BackupNight {
  /** the lab date and time it was taken, 20070614T020000 */
  stamp: string
  /** lab milliseconds of the stamp */
  labMs: number
  db?: DbBackupInfo
  mail: MailSnapshotInfo[]
}

export interface BackupsInfo {
  server: string
  /** the offsite store the database backups are copied to, when one is reachable */
  offsite?: string
  /** oldest first */
  nights: BackupNight[]
  /** what backup1 stores: the mail objects (each message file once) and the database backups */
  stored: { mailFiles: number; mailBytes: number; dbBytes: number }
  retentionNights: number
  /** the server's ZFS pool (the X4500's 48 disks) as the hardware model has it; absent without a hardware model.
   *  FAULTED: the pool and every backup in it are gone, so `nights` is empty until the pool is created anew */
  pool?: { state: 'ONLINE' | 'DEGRADED' | 'FAULTED'; text: string }
  /** the newest backup run's journal entry (nightly or backup-now): its report, or why it failed */
  lastRun?: { seq: number; at: string; labMs: number; ok: boolean; text: string }
  /** a restore the engine was killed in the middle of, until the engine resumes or rolls it back: never shown as done */
  interrupted?: string
}
