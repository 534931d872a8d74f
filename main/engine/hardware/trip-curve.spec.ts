import { describe, expect, it } from 'vitest'
import { mulberry32 } from './random.ts'
import { heatAfter, msUntilTrip, tripTimeMs } from './trip-curve.ts'

const p = { k: 30, instantRatio: 5, coolSeconds: 120 }

describe('breaker trip curve', () => {
  it('takes minutes at 105 %, seconds at 150 %, and trips at once from 500 %', () => {
    expect(tripTimeMs(1.05, p)).toBeGreaterThan(60_000)
    expect(tripTimeMs(1.05, p)).toBeLessThan(10 * 60_000)
    expect(tripTimeMs(1.5, p)).toBeGreaterThan(1_000)
    expect(tripTimeMs(1.5, p)).toBeLessThan(60_000)
    expect(tripTimeMs(5, p)).toBe(0)
    expect(tripTimeMs(12, p)).toBe(0)
    expect(tripTimeMs(1, p)).toBe(Infinity)
    expect(tripTimeMs(0.8, p)).toBe(Infinity)
  })

  it('is monotonic: more overload never takes longer to trip (2000 seeded random pairs)', () => {
    const rng = mulberry32(20070101)
    for (let i = 0; i < 2000; i++) {
      const a = rng() * 7
      const b = a + rng() * 3
      expect(tripTimeMs(b, p), `t(${b}) vs t(${a})`).toBeLessThanOrEqual(tripTimeMs(a, p))
    }
  })

  it('integrates heat the same in one step or many (constant load)', () => {
    const rng = mulberry32(42)
    for (let i = 0; i < 200; i++) {
      const ratio = 1 + rng() * 3
      const total = rng() * 20_000
      let heat = 0
      const steps = 1 + Math.floor(rng() * 20)
      for (let k = 0; k < steps; k++) heat = heatAfter(heat, ratio, total / steps, p)
      expect(heat).toBeCloseTo(heatAfter(0, ratio, total, p), 9)
    }
  })

  it('counts down: msUntilTrip from a warm breaker is the unheated remainder', () => {
    const t = tripTimeMs(1.2, p)
    const warm = heatAfter(0, 1.2, t / 4, p)
    expect(msUntilTrip(warm, 1.2, p)).toBeCloseTo((t * 3) / 4, 6)
    expect(msUntilTrip(warm, 0.9, p)).toBe(Infinity)
  })

  it('cools below the rating, never below cold', () => {
    expect(heatAfter(0.5, 0.7, 60_000, p)).toBeCloseTo(0, 9)
    expect(heatAfter(0.5, 0.7, 30_000, p)).toBeCloseTo(0.25, 9)
    expect(heatAfter(0.1, 0.7, 600_000, p)).toBe(0)
  })
})
