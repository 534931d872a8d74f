// What a Health chart shows, independent of the library that draws it: shared x (epoch seconds) and lines.
export interface ChartLine {
  label: string
  /** one per x; null is a gap (no sample, or the value does not apply, e.g. lag while replication is stopped) */
  values: Array<number | null>
  stroke: string
  dash?: number[]
  /** reference lines (the 80 % line, the breaker rating) draw no points and join across gaps */
  reference?: boolean
  /** the caption for this line now, when its newest sample has no number to give (a replica not replicating):
   *  without it the caption would show the newest number, from before */
  now?: string
}

export interface ChartSpec {
  id: string
  title: string
  unit: string
  /** epoch seconds, ascending */
  xs: number[]
  lines: ChartLine[]
  /** fixed y range when the quantity has one (0–100 %); else from the data and reference lines */
  yRange?: [number, number]
}

/** the chart's latest value of each data line, for the caption and screen readers */
export function latestText(spec: ChartSpec): string {
  const parts = spec.lines
    .filter((l) => !l.reference)
    .map((l) => {
      if (l.now !== undefined) return `${l.label} ${l.now}`
      const v = [...l.values].reverse().find((x) => x !== null)
      return `${l.label} ${v === undefined || v === null ? 'no data' : `${round(v)} ${spec.unit}`}`
    })
  return parts.join(' · ')
}

const round = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1))
