// Inverse-time breaker curve. Time to trip shrinks as the overload grows: t = k / (r² − 1) seconds for a load
// ratio r = amps / rating above 1, and 0 (instant, the magnetic trip) at r ≥ instantRatio. Between events the
// load is constant, so the breaker's "heat" (0 → 1 = trip) integrates exactly; below the rating it cools.
import type { PowerParams } from './catalog-schema.ts'

export type TripParams = PowerParams['trip']

/** Milliseconds a breaker survives at a constant load ratio; Infinity at or below the rating. */
export function tripTimeMs(ratio: number, p: TripParams): number {
  if (!(ratio > 1)) return Infinity
  if (ratio >= p.instantRatio) return 0
  return (p.k / (ratio * ratio - 1)) * 1000
}

/** Heat after `dtMs` at a constant ratio (never below 0; may pass 1, which means tripped). */
export function heatAfter(heat: number, ratio: number, dtMs: number, p: TripParams): number {
  const t = tripTimeMs(ratio, p)
  if (t === Infinity) return Math.max(0, heat - dtMs / (p.coolSeconds * 1000))
  if (t === 0) return 1
  return heat + dtMs / t
}

/** Milliseconds until the breaker trips from `heat` at a constant ratio; Infinity if it never will. */
export function msUntilTrip(heat: number, ratio: number, p: TripParams): number {
  const t = tripTimeMs(ratio, p)
  if (t === Infinity) return Infinity
  return Math.max(0, (1 - heat) * t)
}
