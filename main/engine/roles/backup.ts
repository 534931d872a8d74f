// backup: backup1, the Sun X4500 (lab-images/backup). Hot DB backups streamed from a healthy replica, the
// binlogs for point-in-time recovery, the offsite copy, and restores (backup-actions.ts).
import { backupActions } from './backup-actions'
import { importPool } from './backup-pool'
import { SERVICE_USER } from './capabilities'
import type { RoleDefinition } from './types'

export const backup: RoleDefinition = {
  spec: ({ secrets }) => ({
    volumes: { data: '/backup' },
    // the replication account reads binlogs from a database server (mariadb-binlog --read-from-remote-server)
    env: { REPL_PASSWORD: secrets.repl },
    tmpfs: ['/run'],
    // a point-in-time restore starts a scratch mariadbd as mysql on a copy root hands over, and stops it
    capabilities: SERVICE_USER,
    // the scratch mariadbd's threads, socat listeners, mariadb-backup --prepare
    pidsLimit: 512,
    // a ceiling: between jobs the container only sleeps (tini forwards SIGTERM to sleep) and holds nothing
    // in memory; its data is the /backup volume
    stopTimeout: 10,
  }),
  actions: backupActions,
  // the pool's mark follows the hardware: a new container (boot, a lost or new pool) learns the pool's state here
  afterHealthy: importPool,
  // the mark is the pool's state and epoch: a new container, or a pool that changed, runs it again
  provision: {
    keptIn: 'container',
    inputs: (c) => {
      const p = c.pool?.(c.server.id)
      return { faulted: p?.state === 'FAULTED', epoch: p?.epoch ?? 0 }
    },
  },
}
