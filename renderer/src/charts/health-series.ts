// Turns the monitor's history series into the Health charts: replication lag of the replicas, each circuit's
// amps against its 80 % line and breaker rating, and RAID rebuild progress. Pure, so it is unit-tested.
import type { HistorySeries } from '@contract/monitor'
import type { ChartLine, ChartSpec } from './chart-spec'

/** series colours from the app palette; reference lines use the warn/bad tones */
export const CHART_COLOURS = ['#4aa3ff', '#3fb96b', '#c58af9', '#f28e2b', '#76b7b2', '#edc948']
const WARN = '#e0b23a'
const BAD = '#ef5a5a'

/** union of every series' sample times (epoch s), and each series' value at those times (null where absent) */
function align(series: readonly HistorySeries[], value: (v: Record<string, number>) => number | undefined): { xs: number[]; columns: Array<Array<number | null>> } {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.at)))].sort((a, b) => a - b)
  const index = new Map(xs.map((x, i) => [x, i]))
  const columns = series.map((s) => {
    const col: Array<number | null> = xs.map(() => null)
    for (const p of s.points) col[index.get(p.at)!] = value(p.values) ?? null
    return col
  })
  return { xs: xs.map((x) => x / 1000), columns }
}

const replicaOf = (s: HistorySeries): string => s.target.replace(/^server:/, '')

export function lagChart(all: readonly HistorySeries[]): ChartSpec | null {
  const series = all.filter((s) => s.source === 'db.replication').sort((a, b) => a.target.localeCompare(b.target))
  if (!series.length) return null
  const { xs, columns } = align(series, (v) => v.lagSeconds)
  const lines: ChartLine[] = series.map((s, i) => ({
    label: replicaOf(s),
    values: columns[i]!,
    stroke: CHART_COLOURS[i % CHART_COLOURS.length]!,
    // a broken replica's newest sample has no lag (the probe gives none): the caption says so, not the lag before
    ...(s.points.at(-1)?.ok === false ? { now: 'not replicating' } : {}),
  }))
  return { id: 'replication-lag', title: 'Replication lag', unit: 's', xs, lines }
}

export function circuitCharts(all: readonly HistorySeries[]): ChartSpec[] {
  return all
    .filter((s) => s.source === 'circuit')
    .sort((a, b) => a.target.localeCompare(b.target))
    .map((s) => {
      const { xs, columns } = align([s], (v) => v.amps)
      // the rating is the same in every sample; take the newest in case a topology reload changed it
      const rated = [...s.points].reverse().find((p) => typeof p.values.ratedAmps === 'number')?.values.ratedAmps
      const lines: ChartLine[] = [{ label: 'amps', values: columns[0]!, stroke: CHART_COLOURS[0]! }]
      if (rated !== undefined) {
        lines.push({ label: '80 %', values: xs.map(() => rated * 0.8), stroke: WARN, dash: [6, 4], reference: true })
        lines.push({ label: 'breaker', values: xs.map(() => rated), stroke: BAD, dash: [2, 3], reference: true })
      }
      const id = s.target.replace(/^circuit:/, '')
      return { id: `circuit-${id}`, title: `Circuit ${id}`, unit: 'A', xs, lines }
    })
}

export function rebuildChart(all: readonly HistorySeries[]): ChartSpec | null {
  // only arrays that rebuilt within the history: an always-optimal array is no line at all
  const series = all.filter((s) => s.source === 'array' && s.points.some((p) => typeof p.values.rebuildPct === 'number')).sort((a, b) => a.target.localeCompare(b.target))
  if (!series.length) return null
  const { xs, columns } = align(series, (v) => v.rebuildPct)
  const lines: ChartLine[] = series.map((s, i) => ({ label: s.target.replace(/^array:/, ''), values: columns[i]!, stroke: CHART_COLOURS[i % CHART_COLOURS.length]! }))
  return { id: 'raid-rebuild', title: 'RAID rebuild', unit: '%', xs, lines, yRange: [0, 100] }
}

/** every chart the Health tab shows, in reading order (rebuild only while some array has rebuilt) */
export function healthCharts(all: readonly HistorySeries[]): ChartSpec[] {
  return [lagChart(all), rebuildChart(all), ...circuitCharts(all)].filter((c): c is ChartSpec => c !== null)
}
