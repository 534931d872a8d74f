import { describe, expect, it } from 'vitest'
import { ManualClock, ScaledClock } from './clock.ts'
import { hashString, mulberry32, rngFor } from './random.ts'

describe('lab clock', () => {
  it('runs `speed` times faster than the wall clock: a 4-hour rebuild in 4 minutes at 60×', () => {
    let wall = 1_000_000
    const clock = new ScaledClock(60, () => wall)
    expect(clock.now()).toBe(0)
    wall += 4 * 60_000
    expect(clock.now()).toBe(4 * 3_600_000)
  })

  it('stays continuous across speed changes and pauses', () => {
    let wall = 0
    const clock = new ScaledClock(10, () => wall)
    wall = 1000
    expect(clock.now()).toBe(10_000)
    clock.setSpeed(1)
    expect(clock.now()).toBe(10_000)
    wall = 2000
    expect(clock.now()).toBe(11_000)
    clock.pause()
    wall = 9000
    expect(clock.now()).toBe(11_000)
    clock.resume()
    wall = 9500
    expect(clock.now()).toBe(11_500)
    expect(() => clock.setSpeed(0)).toThrow(/positive/)
  })

  it('a manual clock only goes forward', () => {
    const c = new ManualClock(5)
    expect(c.advance(10)).toBe(15)
    expect(() => c.set(3)).toThrow(/cannot go back/)
  })
})

describe('seeded randomness', () => {
  it('mulberry32 repeats for a seed and differs across seeds', () => {
    const a = mulberry32(1)
    const b = mulberry32(1)
    const xs = Array.from({ length: 100 }, () => a())
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs)
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(mulberry32(2)()).not.toBe(xs[0])
  })

  it('derives independent streams from (seed, label)', () => {
    expect(rngFor(7, 'psu-share:db1')()).toBe(rngFor(7, 'psu-share:db1')())
    expect(rngFor(7, 'psu-share:db1')()).not.toBe(rngFor(7, 'psu-share:db2')())
    expect(hashString('')).toBe(0x811c9dc5)
  })
})
