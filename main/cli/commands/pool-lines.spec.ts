import { describe, expect, it } from 'vitest'
import type { PoolStatus } from '@contract/hardware'
import { poolLine } from './pool-lines'

const vdev = (id: string, state: 'optimal' | 'degraded' | 'rebuilding' | 'failed', down: number[] = [], rebuildPct: number | null = null): PoolStatus['vdevs'][number] => ({
  id,
  level: 'raidz2',
  state,
  rebuildPct,
  etaMs: null,
  members: [3, 4, 5, 6].map((bay) => ({ bay, state: down.includes(bay) ? 'down' : 'ok', rebuildPct: 100 })),
  epoch: 1,
})
const pool = (state: PoolStatus['state'], vdevs: PoolStatus['vdevs'], failed: number[] = [], spares = 2): PoolStatus => ({
  server: 'backup1',
  state,
  diskModel: 'sata-500gb',
  online: true,
  resilverMBps: 50,
  boot: [1, 2],
  spares: [],
  bays: [...failed.map((bay) => ({ bay, state: 'failed' as const, serial: 'x' })), ...Array.from({ length: spares }, (_, i) => ({ bay: 45 + i, state: 'spare' as const, serial: 'y' }))],
  vdevs,
  epoch: 6,
})

describe('racklab status: the pool line', () => {
  it('says ONLINE with its vdevs and spares, DEGRADED with what is out or resilvering', () => {
    expect(poolLine(pool('ONLINE', [vdev('raidz2-0', 'optimal'), vdev('raidz2-1', 'optimal')]))).toBe('pool backup1: ONLINE — 2 raidz2 vdevs healthy; 2 hot spare(s)')
    expect(poolLine(pool('DEGRADED', [vdev('raidz2-0', 'degraded', [4]), vdev('raidz2-1', 'rebuilding', [], 40)], [4], 1))).toBe(
      'pool backup1: DEGRADED — raidz2-0 degraded (bay 4 out); raidz2-1 resilvering 40 %; 1 hot spare(s); failed or missing disk in bay 4',
    )
  })

  it('says plainly that a FAULTED pool lost the backups and how it comes back', () => {
    expect(poolLine(pool('FAULTED', [vdev('raidz2-0', 'failed')], [3, 4, 5], 0))).toBe(
      'pool backup1: FAULTED — lost with every backup in it: replace the failed disks, then create it anew (pool:backup1 create); failed or missing disk in bay 3, 4, 5',
    )
  })
})
