// backup1's ZFS pool on the real engine: a DEGRADED pool (raidz2 vdevs with failed disks, hot spares
// resilvering) keeps backing up; a FAULTED one (a vdev's third disk) loses every backup: backup1's OS runs on
// with a new, empty volume, its commands, backups, the backup list and the backup probes refuse and say why; the
// pool created anew takes a new full backup. Both boot-mirror disks lost take the OS down with them, not the pool.
// The fewest servers a hot DB backup needs. Run alone:
// RACKLAB_TEST_LAB=it-pool npx vitest run --project integration tests/integration/backup-pool.test.ts
import { describe, expect, it } from 'vitest'
import type { BackupsInfo } from '@contract/backup'
import type { PoolStatus } from '@contract/hardware'
import { racklab, until } from './helpers'
import { check, exec, freshLabOf, run } from './lab-driver'

const act = async (target: string, ...args: string[]): Promise<string> => {
  const r = await racklab(['act', target, ...args])
  if (r.code !== 0) throw new Error(`act ${target} ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout + r.stderr
}
const pool = async (): Promise<PoolStatus> =>
  (JSON.parse((await racklab(['status', '--json'])).stdout) as { hardware: { pools: PoolStatus[] } }).hardware.pools.find((p) => p.server === 'backup1')!
const backups = async (): Promise<BackupsInfo> => JSON.parse((await racklab(['backups', '--json'])).stdout) as BackupsInfo

describe('backup1 on its X4500 pool', () => {
  freshLabOf(['backup1', 'db2'])

  it('DEGRADED backs up; FAULTED loses every backup and refuses, said plainly; created anew, a new full', async () => {
    expect((await pool()).state).toBe('ONLINE')
    expect(await act('server:backup1', 'backup-now')).toMatch(/hot DB backup of db2/)

    // a disk of vdev raidz2-1 fails: a hot spare takes over and resilvers, backups go on
    await act('disk:backup1/10', 'fail')
    const degraded = await pool()
    expect(degraded.state).toBe('DEGRADED')
    expect(degraded.vdevs[1]?.state).toBe('rebuilding')
    expect(await act('server:backup1', 'backup-now')).toMatch(/hot DB backup of db2/)
    const before = await backups()
    expect(before.pool?.state).toBe('DEGRADED')
    expect(before.nights.length).toBeGreaterThanOrEqual(1)
    await run('backup1', ['touch', '/backup/db/canary'])

    // three disks of raidz2-0 within a minute: the spares can't resilver that fast, a third disk out loses the pool
    await act('disk:backup1/3', 'fail')
    await act('disk:backup1/4', 'fail')
    await act('disk:backup1/5', 'fail')
    expect((await pool()).state).toBe('FAULTED')
    // the OS is on the boot mirror: backup1 runs on, on a new, empty volume, and its commands refuse
    const refused = await until('backup1 back on an empty volume, its commands refusing', async () => {
      const r = await exec('backup1', ['racklab-db-backup', 'list']).catch(() => undefined)
      return r && r.exitCode === 3 ? r : undefined
    }, 180_000, 1000)
    expect(refused.stderr).toMatch(/ZFS pool is not imported: it is FAULTED/)
    expect((await exec('backup1', ['test', '-e', '/backup/db/canary'])).exitCode).not.toBe(0)
    const now = await racklab(['act', 'server:backup1', 'backup-now'])
    expect(now.code).not.toBe(0)
    expect(now.stderr).toMatch(/ZFS pool is FAULTED .*every backup in it are gone/)
    const lost = await backups()
    expect(lost.nights).toEqual([])
    expect(lost.pool?.state).toBe('FAULTED')
    const fresh = (await check()).find((r) => r.id === 'backup.fresh')
    expect(fresh?.ok).toBe(false)
    expect(fresh?.message).toMatch(/not imported: it is FAULTED/)
    expect((await racklab(['status'])).stdout).toMatch(/pool backup1: FAULTED/)

    // no resilver into a lost pool: bay 5 is still a member with its dead disk, so create waits for it
    const early = await racklab(['act', 'pool:backup1', 'create'])
    expect(early.stderr).toMatch(/bay 5 has no working disk: replace it first/)
    await act('disk:backup1/5', 'replace')
    expect((await pool()).state).toBe('FAULTED')
    // the spares that took over bays 3 and 4 hold working disks: the pool is created anew (empty) over them
    expect(await act('pool:backup1', 'create')).toMatch(/new EMPTY pool/)
    expect((await pool()).state).toBe('ONLINE')
    const full = await until('backup1 backing up on its new pool', async () => {
      const r = await racklab(['act', 'server:backup1', 'backup-now'])
      return r.code === 0 ? r.stdout + r.stderr : undefined
    }, 180_000, 2000)
    expect(full).toMatch(/hot DB backup of db2/)
    const after = await backups()
    expect(after.pool?.state).toBe('ONLINE')
    // only the night taken on the new pool: the earlier ones went with the old pool
    expect(after.nights).toHaveLength(1)
    // the failed disks replaced from the shelf become hot spares
    for (const bay of [3, 4, 10]) await act(`disk:backup1/${bay}`, 'replace')
    expect((await pool()).spares).toEqual(expect.arrayContaining([3, 4, 10]))
  }, 900_000)

  it('both boot-mirror disks lost: backup1 goes down with its OS, the pool and its backups stay; a boot disk back and it runs with them', async () => {
    const nights = (await backups()).nights.length
    expect(nights).toBeGreaterThanOrEqual(1)
    await run('backup1', ['touch', '/backup/db/boot-canary'])
    await act('disk:backup1/1', 'fail')
    // a mirror: one disk is enough, backup1 runs on
    expect((await exec('backup1', ['true'])).exitCode).toBe(0)
    // the other one pulled: no disk of the mirror works (the shelf's spares went to the pool above, so this one comes back)
    await act('disk:backup1/2', 'pull')
    const down = await until('backup1 down without its OS', async () => {
      const s = (JSON.parse((await racklab(['status', '--json'])).stdout) as { servers: { id: string; state: string; detail?: string }[] }).servers.find((x) => x.id === 'backup1')
      return s && s.state !== 'running' ? s : undefined
    }, 60_000, 1000)
    expect(down).toMatchObject({ state: 'crashed', detail: expect.stringMatching(/no OS/) })
    expect((await racklab(['act', 'server:backup1', 'backup-now'])).code).not.toBe(0)
    expect((await pool()).state).toBe('ONLINE')
    // the pulled disk back in bay 2: it boots from it, the pool imported as it was, the same backups there (a new
    // disk, reinstalled, is the unit tests' case: pool.spec.ts)
    await act('disk:backup1/2', 'insert')
    await until('backup1 answering again', async () => (await exec('backup1', ['test', '-e', '/backup/db/boot-canary']).catch(() => undefined))?.exitCode === 0 || undefined, 180_000, 1000)
    expect((await backups()).nights).toHaveLength(nights)
    const again = await until('backup1 backing up again', async () => {
      const r = await racklab(['act', 'server:backup1', 'backup-now'])
      return r.code === 0 ? r.stdout + r.stderr : undefined
    }, 180_000, 2000)
    expect(again).toMatch(/hot DB backup of db2/)
  }, 600_000)
})
