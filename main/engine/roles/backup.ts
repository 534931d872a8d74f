// backup: backup1, the Sun X4500 (lab-images/backup). Hot DB backups streamed from a healthy replica, the
// binlogs for point-in-time recovery, the offsite copy, and restores (backup-actions.ts).
import { backupActions } from './backup-actions'
import type { RoleDefinition } from './types'

export const backup: RoleDefinition = {
  spec: ({ secrets }) => ({
    volumes: { data: '/backup' },
    // the replication account reads binlogs from a database server (mariadb-binlog --read-from-remote-server)
    env: { REPL_PASSWORD: secrets.repl },
    tmpfs: ['/run'],
    stopTimeout: 10,
  }),
  actions: backupActions,
}
