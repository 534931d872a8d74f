// A bench figure with a target carries it and whether this run met it, so a reader (or `jq`) needs no table of
// targets: { value, target, withinTarget }. Figures without a target stay plain numbers.
export interface Figure {
  value: number
  target: number
  withinTarget: boolean
}

export type BenchResult = Record<string, number | Figure>

/** a figure that should be at most `target` (times, ratios of time) */
export const atMost = (value: number, target: number): Figure => ({ value, target, withinTarget: value <= target })

/** a figure that should be at least `target` (throughput) */
export const atLeast = (value: number, target: number): Figure => ({ value, target, withinTarget: value >= target })

/** the middle sample (the upper of the two middle ones for an even count) */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
