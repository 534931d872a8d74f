import { describe, expect, it } from 'vitest'
import type { HardwareModel } from './model.ts'
import { arrayOf, labTopology, newLab, type ArraySpec } from './test-topologies.ts'

const lab = (array: Omit<ArraySpec, 'id'>, extra: { diskModel?: string; spareDisks?: number } = {}): ReturnType<typeof newLab> =>
  newLab(labTopology({ arrays: [{ id: 'raid', ...array }], ...extra }))
const fail = (m: HardwareModel, bay: number): void => void m.apply({ target: `disk:r1-e1/${bay}`, action: 'fail' })
const state = (m: HardwareModel): string => arrayOf(m).state
const HOUR = 3_600_000

/** Runs the clock until the array is optimal again; returns how long the rebuild took (lab ms). */
function rebuildTime(m: HardwareModel, clock: { advance(ms: number): number }): number {
  const start = m.labMs
  for (let h = 0; h < 100 && state(m) !== 'optimal'; h++) {
    clock.advance(HOUR)
    m.tick()
  }
  const done = m.events().find((e) => e.kind === 'array.optimal' && e.labMs >= start)
  if (done === undefined) throw new Error('the rebuild never finished')
  return done.labMs - start
}

describe('RAID levels', () => {
  it('raid1 survives all but one member', () => {
    const { m } = lab({ level: 'raid1', members: [1, 2, 3] })
    fail(m, 1)
    expect(state(m)).toBe('degraded')
    fail(m, 2)
    expect(state(m)).toBe('degraded')
    expect(m.effects().s1?.dataVolume).toBe('degraded')
    fail(m, 3)
    expect(state(m)).toBe('failed')
    expect(m.effects().s1?.dataVolume).toBe('lost')
  })

  it('raid5 tolerates one failure, not two', () => {
    const { m } = lab({ level: 'raid5', members: [1, 2, 3, 4] })
    fail(m, 2)
    expect(state(m)).toBe('degraded')
    fail(m, 4)
    expect(state(m)).toBe('failed')
    expect(m.events().map((e) => e.kind)).toContain('array.failed')
  })

  it('raid5: a second failure during the rebuild loses the array', () => {
    const { m, clock } = lab({ level: 'raid5', members: [1, 2, 3, 4], spares: [5] })
    const r = m.apply({ target: 'disk:r1-e1/1', action: 'fail' })
    expect(r.events.map((e) => e.kind)).toEqual(['action', 'array.spare-takeover', 'array.rebuilding'])
    clock.advance(HOUR)
    m.tick()
    expect(arrayOf(m).rebuildPct).toBeGreaterThan(20)
    fail(m, 3)
    expect(state(m)).toBe('failed')
    expect(m.effects().s1?.dataVolume).toBe('lost')
  })

  it('raid6 tolerates two failures, not three', () => {
    const { m } = lab({ level: 'raid6', members: [1, 2, 3, 4, 5] })
    fail(m, 1)
    fail(m, 5)
    expect(state(m)).toBe('degraded')
    fail(m, 3)
    expect(state(m)).toBe('failed')
  })

  it('raid10 fails only when both disks of one mirror pair are gone', () => {
    const { m } = lab({ level: 'raid10', members: [1, 2, 3, 4, 5, 6] })
    fail(m, 1) // pair 1-2
    fail(m, 3) // pair 3-4
    fail(m, 6) // pair 5-6
    expect(state(m)).toBe('degraded')
    fail(m, 2)
    expect(state(m)).toBe('failed')
  })
})

describe('hot spares and rebuilds', () => {
  it('a hot spare takes over, rebuilds to optimal, and the replaced disk becomes the new spare', () => {
    const { m, clock } = lab({ level: 'raid5', members: [1, 2, 3, 4], spares: [5] })
    fail(m, 2)
    const enc = (): NonNullable<ReturnType<HardwareModel['status']>['enclosures'][number]> => m.status().enclosures[0] ?? expect.fail('no enclosure')
    expect(enc().bays.map((b) => b.state)).toEqual(['ok', 'failed', 'ok', 'ok', 'rebuilding'])
    expect(m.effects().s1).toMatchObject({ dataVolume: 'rebuilding', slowdown: 0.5 })
    const took = rebuildTime(m, clock)
    expect(took).toBeGreaterThan(0)
    const milestones = m.events().filter((e) => e.kind === 'array.rebuild-progress').map((e) => e.data?.percent)
    expect(milestones).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90])
    expect(arrayOf(m).members.map((x) => x.bay)).toEqual([1, 5, 3, 4])
    expect(m.effects().s1).toMatchObject({ dataVolume: 'ok', slowdown: 1 })
    const r = m.apply({ target: 'disk:r1-e1/2', action: 'replace' })
    expect(r.text).toContain('from shelf spares')
    expect(enc().bays[1]?.state).toBe('spare')
    expect(enc().spares).toEqual([2])
    expect(m.status().shelves[0]?.stock['sata-500gb']).toBe(1)
  })

  it('without a spare, replacing the failed member rebuilds onto the same bay', () => {
    const { m, clock } = lab({ level: 'raid1', members: [1, 2] })
    fail(m, 2)
    expect(state(m)).toBe('degraded')
    m.apply({ target: 'disk:r1-e1/2', action: 'replace' })
    expect(state(m)).toBe('rebuilding')
    rebuildTime(m, clock)
    expect(arrayOf(m).members.map((x) => [x.bay, x.state])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
    ])
  })

  it('a pulled disk can go back in (and is rebuilt); an empty shelf refuses new disks until restocked', () => {
    const { m } = lab({ level: 'raid5', members: [1, 2, 3] }, { spareDisks: 1 })
    m.apply({ target: 'disk:r1-e1/3', action: 'pull' })
    expect(m.status().enclosures[0]?.bays[2]?.state).toBe('missing')
    expect(m.actionsFor('disk:r1-e1/3').find((a) => a.id === 'pull')).toMatchObject({ enabled: false, reason: 'bay 3 is empty' })
    m.apply({ target: 'disk:r1-e1/3', action: 'insert' })
    expect(state(m)).toBe('rebuilding')
    fail(m, 1)
    expect(state(m)).toBe('failed') // the re-inserted disk held no valid data yet
    expect(m.actionsFor('shelf:spares')[0]).toMatchObject({ enabled: false, reason: 'shelf spares is fully stocked' })
    m.apply({ target: 'disk:r1-e1/1', action: 'replace' }) // the shelf's only disk
    fail(m, 2)
    const replace2 = (): unknown => m.actionsFor('disk:r1-e1/2').find((a) => a.id === 'replace')
    expect(replace2()).toMatchObject({ enabled: false, reason: 'no spare sata-500gb on a shelf at site lab' })
    m.apply({ target: 'shelf:spares', action: 'restock' })
    expect(replace2()).toMatchObject({ enabled: true })
  })

  it('recreating a failed array gives a new, empty volume (a new epoch)', () => {
    const { m } = lab({ level: 'raid1', members: [1, 2] })
    const before = m.effects().s1?.dataEpoch ?? 0
    fail(m, 1)
    fail(m, 2)
    expect(m.actionsFor('array:r1-e1/raid')[0]).toMatchObject({ id: 'recreate', enabled: false, reason: 'bay 1, 2 has no working disk: replace it first' })
    m.apply({ target: 'disk:r1-e1/1', action: 'replace' })
    m.apply({ target: 'disk:r1-e1/2', action: 'replace' })
    m.apply({ target: 'array:r1-e1/raid', action: 'recreate' })
    expect(state(m)).toBe('optimal')
    expect(m.effects().s1).toMatchObject({ dataVolume: 'ok', dataEpoch: before + 1 })
  })

  it('rebuild time scales with disk capacity', () => {
    const times = ['sata-250gb', 'sata-500gb', 'sata-750gb'].map((diskModel) => {
      const { m, clock } = lab({ level: 'raid5', members: [1, 2, 3], spares: [4] }, { diskModel })
      fail(m, 1)
      return rebuildTime(m, clock)
    })
    const [t250 = 0, t500 = 0, t750 = 0] = times
    expect(t500 / t250).toBeCloseTo(2, 3)
    expect(t750 / t250).toBeCloseTo(3, 3)
    // 500 GB at 50–70 MB/s idle: 2–2.8 h (the fact sheet's "2–14 h" lower end)
    expect(t500).toBeGreaterThanOrEqual((500_000 / 70) * 1000)
    expect(t500).toBeLessThanOrEqual((500_000 / 50) * 1000 + 10)
  })

  it('rebuilds far slower under production load (10–25 MB/s)', () => {
    const idle = lab({ level: 'raid5', members: [1, 2, 3], spares: [4] })
    fail(idle.m, 1)
    const tIdle = rebuildTime(idle.m, idle.clock)
    const busy = lab({ level: 'raid5', members: [1, 2, 3], spares: [4] })
    busy.m.setLoad('s1', 1)
    fail(busy.m, 1)
    const rate = busy.m.status().enclosures[0]?.rebuildMBps ?? 0
    expect(rate).toBeGreaterThanOrEqual(10)
    expect(rate).toBeLessThanOrEqual(25)
    const tBusy = rebuildTime(busy.m, busy.clock)
    expect(tBusy).toBeGreaterThan(2 * tIdle)
    expect(tBusy).toBeGreaterThanOrEqual((500_000 / 25) * 1000)
    expect(tBusy).toBeLessThanOrEqual((500_000 / 10) * 1000 + 10)
  })
})

describe('battery, controller, enclosure', () => {
  it('a battery learn cycle runs the cache write-through, then write-back again', () => {
    const { m, clock } = lab({ level: 'raid1', members: [1, 2] })
    m.apply({ target: 'battery:r1-e1', action: 'learn' })
    expect(m.status().enclosures[0]).toMatchObject({ battery: 'learning', cache: 'write-through' })
    expect(m.effects().s1?.slowdown).toBe(0.6)
    expect(m.actionsFor('battery:r1-e1').find((a) => a.id === 'learn')).toMatchObject({ enabled: false, reason: 'a learn cycle is running' })
    clock.advance(6 * HOUR - 1)
    m.tick()
    expect(m.status().enclosures[0]?.battery).toBe('learning')
    clock.advance(1)
    expect(m.tick().map((e) => e.kind)).toEqual(['battery.ok'])
    expect(m.effects().s1?.slowdown).toBe(1)
    m.apply({ target: 'battery:r1-e1', action: 'fail-battery' })
    expect(m.status().enclosures[0]?.cache).toBe('write-through')
    m.apply({ target: 'battery:r1-e1', action: 'replace-battery' })
    expect(m.status().enclosures[0]?.cache).toBe('write-back')
  })

  it('a dead controller takes the volume offline and pauses the rebuild; a new one carries on', () => {
    const { m, clock } = lab({ level: 'raid5', members: [1, 2, 3], spares: [4] })
    fail(m, 1)
    clock.advance(HOUR / 2)
    m.tick()
    const pct = arrayOf(m).rebuildPct
    m.apply({ target: 'controller:r1-e1', action: 'fail-controller' })
    expect(m.effects().s1?.dataVolume).toBe('offline')
    clock.advance(5 * HOUR)
    m.tick()
    expect(arrayOf(m).rebuildPct).toBe(pct)
    m.apply({ target: 'controller:r1-e1', action: 'replace-controller' })
    expect(m.effects().s1?.dataVolume).toBe('rebuilding')
    rebuildTime(m, clock)
    expect(state(m)).toBe('optimal')
  })

  it('a failed chassis is swapped for the shelf’s spare unit, the disks move over', () => {
    const { m } = lab({ level: 'raid1', members: [1, 2] })
    expect(m.actionsFor('enclosure:r1-e1').find((a) => a.id === 'replace')).toMatchObject({ enabled: false, reason: 'r1-e1 has no fault to fix' })
    m.apply({ target: 'enclosure:r1-e1', action: 'fail' })
    expect(m.effects().s1?.dataVolume).toBe('offline')
    m.apply({ target: 'enclosure:r1-e1', action: 'replace' })
    expect(m.effects().s1?.dataVolume).toBe('ok')
    expect(m.status().shelves[0]?.stock['areca-sata-scsi']).toBe(0)
  })

  it('without power the enclosure is offline, and comes back by itself when power returns', () => {
    const { m, clock } = lab({ level: 'raid1', members: [1, 2] })
    m.apply({ target: 'site:lab', action: 'blackout' })
    expect(m.effects().s1).toMatchObject({ powered: false, dataVolume: 'offline' })
    m.apply({ target: 'site:lab', action: 'restore-utility' })
    clock.advance(60_000)
    const kinds = m.tick().map((e) => `${e.kind} ${e.target}`)
    expect(kinds).toContain('enclosure.online enclosure:r1-e1')
    expect(arrayOf(m).state).toBe('optimal')
  })

  it('a random disk failure is seeded: same seed, same bay', () => {
    const pick = (): string => {
      const { m } = lab({ level: 'raid6', members: [1, 2, 3, 4, 5, 6, 7, 8] })
      return m.apply({ target: 'enclosure:r1-e1', action: 'fail-random-disk' }).text
    }
    expect(pick()).toBe(pick())
  })
})
