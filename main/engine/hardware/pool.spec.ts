import { describe, expect, it } from 'vitest'
import { shouldRun } from '../binding/reconcile'
import type { HardwareModel } from './model.ts'
import { labTopology, newLab } from './test-topologies.ts'

// backup1's layout: the boot mirror in bays 1-2, six raidz2 vdevs of 7, four hot spares (45-48)
const vdevs = Array.from({ length: 6 }, (_, v) => ({ id: `raidz2-${v}`, level: 'raidz2', members: Array.from({ length: 7 }, (_, i) => 3 + v * 7 + i) }))
const thumper = (spares: number[] = [45, 46, 47, 48]): ReturnType<typeof newLab> =>
  newLab(labTopology({ servers: [{ id: 'b1', model: 'sun-x4500', feeds: 'AB', pool: { diskModel: 'sata-500gb', boot: [1, 2], vdevs, spares } }], spareDisks: 4 }))
const pool = (m: HardwareModel) => m.status().pools.find((p) => p.server === 'b1')!
const fail = (m: HardwareModel, bay: number): void => void m.apply({ target: `disk:b1/${bay}`, action: 'fail' })
const HOUR = 3_600_000

describe('a server ZFS pool (the X4500)', () => {
  it('starts ONLINE with 48 disks: the boot mirror, 6 raidz2 vdevs of 7, 4 hot spares', () => {
    const { m } = thumper()
    const p = pool(m)
    expect(p.state).toBe('ONLINE')
    expect(p.bays.filter((b) => b.serial !== null)).toHaveLength(48)
    expect(p.vdevs.map((v) => [v.level, v.members.length])).toEqual(Array(6).fill(['raidz2', 7]))
    expect(p.boot).toEqual([1, 2])
    expect(p.bays.filter((b) => b.state === 'spare').map((b) => b.bay)).toEqual([45, 46, 47, 48])
    expect(m.effects().b1).toMatchObject({ dataVolume: 'ok', bootMirror: true })
  })

  it('a raidz2 vdev survives two failed disks (DEGRADED), a third FAULTs the whole pool', () => {
    const { m } = thumper([])
    fail(m, 3)
    fail(m, 4)
    expect(pool(m).state).toBe('DEGRADED')
    expect(m.effects().b1?.dataVolume).toBe('degraded')
    // one more in another vdev is still fine: each vdev has its own two disks of parity
    fail(m, 10)
    expect(pool(m).state).toBe('DEGRADED')
    const r = m.apply({ target: 'disk:b1/5', action: 'fail' })
    expect(pool(m).state).toBe('FAULTED')
    // striped over every vdev: all of them are gone, said once for the pool
    expect(pool(m).vdevs.every((v) => v.state === 'failed')).toBe(true)
    expect(r.events.filter((e) => e.kind === 'pool.faulted')).toHaveLength(1)
    expect(r.events.filter((e) => e.kind === 'array.failed')).toHaveLength(0)
    const fx = m.effects().b1
    expect(fx?.dataVolume).toBe('lost')
    // the OS is on the boot mirror: the server runs on, on a new, empty volume
    expect(shouldRun(fx)).toBe(true)
  })

  it('the boot mirror is outside the pool: its disks failing does not touch the pool', () => {
    const { m } = thumper([])
    fail(m, 1)
    fail(m, 2)
    expect(pool(m).state).toBe('ONLINE')
    expect(pool(m).bays[0]?.state).toBe('failed')
    // a replaced boot disk is not adopted as a pool spare
    m.apply({ target: 'disk:b1/1', action: 'replace' })
    expect(pool(m).spares).toEqual([])
  })

  it('both boot-mirror disks gone: the OS is lost and the server cannot run, its pool untouched; a working boot disk again and it runs', () => {
    const { m } = thumper([])
    fail(m, 1)
    // a mirror: one disk left is enough
    expect(m.effects().b1?.osLost).toBeUndefined()
    expect(shouldRun(m.effects().b1)).toBe(true)
    m.apply({ target: 'disk:b1/2', action: 'pull' })
    const fx = m.effects().b1
    expect(fx).toMatchObject({ powered: true, osLost: true, dataVolume: 'ok' })
    expect(shouldRun(fx)).toBe(false)
    expect(pool(m).state).toBe('ONLINE')
    // the pulled disk back in: the OS on it boots again
    m.apply({ target: 'disk:b1/2', action: 'insert' })
    expect(m.effects().b1?.osLost).toBeUndefined()
    expect(shouldRun(m.effects().b1)).toBe(true)
    // both failed, then one replaced with a new disk (reinstalled): runs, on the same pool (same data epoch)
    const epoch = m.effects().b1?.dataEpoch
    fail(m, 2)
    expect(shouldRun(m.effects().b1)).toBe(false)
    m.apply({ target: 'disk:b1/2', action: 'replace' })
    expect(m.effects().b1).toMatchObject({ dataVolume: 'ok', dataEpoch: epoch })
    expect(shouldRun(m.effects().b1)).toBe(true)
  })

  it('a hot spare takes over and resilvers; the pool is ONLINE again after 500 GB at the resilver rate', () => {
    const { m, clock } = thumper()
    const r = m.apply({ target: 'disk:b1/20', action: 'fail' })
    expect(r.events.map((e) => e.kind)).toEqual(['action', 'array.spare-takeover', 'pool.degraded', 'array.rebuilding'])
    expect(r.events.every((e) => e.target === 'pool:b1' || e.kind === 'action')).toBe(true)
    expect(pool(m).vdevs[2]?.members.map((x) => x.bay)).toContain(45)
    expect(m.effects().b1?.dataVolume).toBe('rebuilding')
    const rate = pool(m).resilverMBps
    expect(rate).toBeGreaterThanOrEqual(40)
    expect(rate).toBeLessThanOrEqual(60)
    let hours = 0
    while (pool(m).state !== 'ONLINE' && hours < 20) {
      clock.advance(HOUR)
      m.tick()
      hours++
    }
    expect(pool(m).state).toBe('ONLINE')
    // 500 GB at 40-60 MB/s (the server idle): 2.3 to 3.5 hours
    expect(hours).toBeGreaterThanOrEqual(3)
    expect(hours).toBeLessThanOrEqual(4)
    expect(m.events().some((e) => e.kind === 'pool.online')).toBe(true)
  })

  it('a replaced disk in a DEGRADED vdev resilvers in its own bay', () => {
    const { m, clock } = thumper([])
    fail(m, 30)
    m.apply({ target: 'disk:b1/30', action: 'replace' })
    expect(pool(m).vdevs[3]?.state).toBe('rebuilding')
    clock.advance(5 * HOUR)
    m.tick()
    expect(pool(m).state).toBe('ONLINE')
  })

  it('a FAULTED pool comes back only by creating it anew, empty, once every member bay has a working disk', () => {
    const { m } = thumper([])
    const before = m.effects().b1?.dataEpoch
    expect(m.actionsFor('pool:b1').find((a) => a.id === 'create')).toMatchObject({ enabled: false, reason: expect.stringContaining('ONLINE') })
    for (const bay of [3, 4, 5]) fail(m, bay)
    expect(m.actionsFor('pool:b1').find((a) => a.id === 'create')).toMatchObject({ enabled: false, reason: expect.stringContaining('bay 3, 4, 5') })
    // replacing the disks brings nothing back: there is no resilver into a lost pool
    for (const bay of [3, 4, 5]) m.apply({ target: `disk:b1/${bay}`, action: 'replace' })
    expect(pool(m).state).toBe('FAULTED')
    const r = m.apply({ target: 'pool:b1', action: 'create' })
    expect(r.text).toContain('EMPTY')
    expect(pool(m).state).toBe('ONLINE')
    expect(r.events.map((e) => e.kind)).toContain('pool.online')
    const fx = m.effects().b1
    expect(fx?.dataVolume).toBe('ok')
    // a new data epoch: the binding layer gives the server a new, empty volume
    expect(fx?.dataEpoch).not.toBe(before)
  })

  it('says what is wrong with a pool that does not fit the server', () => {
    expect(() => newLab(labTopology({ servers: [{ id: 'b1', model: 'sun-x4500', feeds: 'AB', pool: { diskModel: 'sata-500gb', boot: [1, 2], vdevs: [{ id: 'v', level: 'raidz2', members: [2, 3, 4, 49] }] } }] }))).toThrow(
      /bay 2 is used twice[\s\S]*bay 49, beyond a sun-x4500's 48 bays/,
    )
    expect(() => newLab(labTopology({ servers: [{ id: 'b1', model: 'ibm-x3550', feeds: 'AB', pool: { diskModel: 'sata-500gb', vdevs: [{ id: 'v', level: 'raidz2', members: [1, 2, 3, 4] }] } }] }))).toThrow(/no software RAID/)
  })
})
