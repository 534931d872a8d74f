// The lab clock across `down`: kept volumes (and the backups in them, named by lab time) keep the clock going.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { stampOf } from '../roles/backup-db'
import { appRoot } from '../paths'
import { loadTopology } from '../topology/loader'
import { catalogPath, HardwareRuntime } from './hardware-runtime'
import { labTimeAt, siteHeaderAfterDown } from './lab-time'

const H = 3_600_000

describe('lab time from the ledger header', () => {
  it('runs at the header speed from its start, never before it', () => {
    const h = { epochWall: 1_000_000, speed: 60, seed: 1 }
    expect(labTimeAt(h, 1_000_000)).toBe(0)
    expect(labTimeAt(h, 1_060_000)).toBe(3_600_000)
    expect(labTimeAt(h, 999_000)).toBe(0)
    expect(labTimeAt({ ...h, startLabMs: 5 * H }, 1_060_000)).toBe(6 * H)
  })

  it('a down keeping volumes resumes the clock where it was; one removing them starts at 0', () => {
    const prev = { epochWall: 0, speed: 60, seed: 7, startLabMs: 2 * H }
    // 30 wall minutes at speed 60: 30 lab hours after 02:00, i.e. 08:00 the next lab day
    const kept = siteHeaderAfterDown(prev, 30 * 60_000, { speed: 60, seed: 7, keepTime: true })
    expect(kept).toEqual({ epochWall: 30 * 60_000, speed: 60, seed: 7, startLabMs: 32 * H })
    expect(labTimeAt(kept, 30 * 60_000 + 1000)).toBe(32 * H + 60_000)
    expect(siteHeaderAfterDown(prev, 30 * 60_000, { speed: 60, seed: 7, keepTime: false })).toEqual({ epochWall: 30 * 60_000, speed: 60, seed: 7 })
    // a new speed from the topology applies from the down on, without a jump
    const faster = siteHeaderAfterDown(prev, 30 * 60_000, { speed: 120, seed: 7, keepTime: true })
    expect(labTimeAt(faster, 30 * 60_000)).toBe(32 * H)
    expect(labTimeAt(faster, 30 * 60_000 + 1000)).toBe(32 * H + 120_000)
  })

  it('backups named by lab time after a down keeping volumes sort after those before it (was: the clock restarted at 0)', () => {
    const prev = { epochWall: 0, speed: 60, seed: 1 }
    const before = stampOf(labTimeAt(prev, 10 * 60_000))
    const next = siteHeaderAfterDown(prev, 10 * 60_000, { speed: 60, seed: 1, keepTime: true })
    const after = stampOf(labTimeAt(next, 10 * 60_000 + 5_000))
    expect(after > before).toBe(true)
    expect([after, before].sort()).toEqual([before, after])
  })
})

describe('HardwareRuntime.reset', () => {
  afterEach(() => vi.useRealTimers())

  it('keeps lab time across a down keeping volumes, in the ledger on disk too; a down with volumes starts at 0', async () => {
    const { topology } = await loadTopology()
    const dir = mkdtempSync(join(tmpdir(), 'racklab-labtime-'))
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_700_000_000_000)
    const hw = new HardwareRuntime(topology, dir, catalogPath(appRoot()))
    vi.setSystemTime(1_700_000_000_000 + 10 * 60_000)
    hw.tick()
    const atDown = hw.labMs()
    expect(atDown).toBe(10 * 60_000 * topology.clock.speed)
    hw.reset(true)
    expect(hw.labMs()).toBe(atDown)
    vi.setSystemTime(1_700_000_000_000 + 11 * 60_000)
    hw.tick()
    expect(hw.labMs()).toBe(atDown + 60_000 * topology.clock.speed)
    // another process (the next CLI command, a restarted engine) reads the same clock from the ledger
    expect(JSON.parse(readFileSync(join(dir, 'hardware-ledger.jsonl'), 'utf8').split('\n')[0]!)).toMatchObject({ startLabMs: atDown })
    expect(new HardwareRuntime(topology, dir, catalogPath(appRoot())).labMs()).toBe(atDown + 60_000 * topology.clock.speed)
    hw.reset(false)
    expect(hw.labMs()).toBe(0)
  })
})
