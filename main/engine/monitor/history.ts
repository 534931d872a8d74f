// Bounded series per probe unit or piece of hardware: the last N points, numbers only (what a chart draws).
import type { HistoryPoint, HistorySeries } from '@contract/monitor'

export const numericValues = (values: Record<string, number | string | boolean> | undefined): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(values ?? {})) if (typeof v === 'number') out[k] = v; else if (typeof v === 'boolean') out[k] = v ? 1 : 0
  return out
}

export class History {
  private readonly series = new Map<string, HistorySeries>()

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`history capacity must be a positive integer, got ${capacity}`)
  }

  add(key: string, source: string, target: string, point: HistoryPoint): void {
    let s = this.series.get(key)
    if (!s) this.series.set(key, (s = { key, source, target, points: [] }))
    s.points.push(point)
    if (s.points.length > this.capacity) s.points.splice(0, s.points.length - this.capacity)
  }

  points(key: string): readonly HistoryPoint[] {
    return this.series.get(key)?.points ?? []
  }

  /** copies, so a caller can't change what is kept; all series when keys is absent */
  list(keys?: readonly string[]): HistorySeries[] {
    const pick = keys ? keys.map((k) => this.series.get(k)).filter((s): s is HistorySeries => !!s) : [...this.series.values()]
    return pick.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, values: { ...p.values } })) }))
  }

  keys(): string[] {
    return [...this.series.keys()]
  }
}
