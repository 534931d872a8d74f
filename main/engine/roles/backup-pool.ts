// backup1's ZFS pool as its container sees it. The hardware model owns the pool's health (hardware/storage.ts);
// the container holds a mark (/backup/.zpool, lab-images/backup/racklab-pool) that the engine sets only while the
// pool is not FAULTED, and every racklab-* command on /backup refuses without it. A FAULTED pool lost every
// backup: the binding layer has already given backup1 a new, empty volume (binding/reconcile.ts), so nothing of
// the old backups can be read, and the mark stays off until the pool is created anew.
import type { HookContext } from './types'

/** why backups and restores can't run on this server's pool now; undefined when they can (or it has no pool) */
export function poolRefusal(c: HookContext): string | undefined {
  const me = c.server.id
  const p = c.pool?.(me)
  if (p?.state !== 'FAULTED') return undefined
  return `${me}'s ZFS pool is FAULTED (a raidz2 vdev lost a third disk): the pool and every backup in it are gone. Replace the failed disks, then create the pool anew (pool:${me} create); the next backup is a new full`
}

/** After boot: mark the pool imported (it is ONLINE or DEGRADED, or the lab has no hardware model), or not. */
export async function importPool(c: HookContext): Promise<void> {
  const me = c.server.id
  const p = c.pool?.(me)
  const cmd = p?.state === 'FAULTED' ? ['racklab-pool', 'export'] : ['racklab-pool', 'import', String(p?.epoch ?? 0)]
  const r = await c.exec(me, cmd, { timeoutMs: 10_000 })
  if (r.exitCode !== 0) throw new Error(`${me}: ${cmd.join(' ')} failed: ${(r.stderr || r.stdout).trim().slice(0, 200)}`)
}
