// Wall time of each phase of a lab operation (`racklab up --timings`): spans may overlap (servers start in
// parallel), so the summary of a phase is the union of its spans, not their sum.
import type { PhaseTiming } from '@contract/status'

export class Timings {
  /** performance.now() at creation: spans count from here */
  readonly t0 = performance.now()
  readonly spans: PhaseTiming[] = []

  /** time fn as one span of `phase` (of one server and dependency level when given) */
  async span<T>(phase: string, fn: () => Promise<T>, where: { server?: string; level?: number } = {}): Promise<T> {
    const start = performance.now()
    try {
      return await fn()
    } finally {
      this.add(phase, start, performance.now(), where)
    }
  }

  /** record a span measured elsewhere (absolute performance.now() times) */
  add(phase: string, start: number, end: number, where: { server?: string; level?: number } = {}): void {
    this.spans.push({ phase, ...where, startMs: round(start - this.t0), ms: round(end - start) })
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10

/** spans of another recorder, moved onto a clock that started `offsetMs` earlier */
export const shifted = (spans: readonly PhaseTiming[], offsetMs: number): PhaseTiming[] => spans.map((s) => ({ ...s, startMs: round(s.startMs + offsetMs) }))

/** union of [start, start+ms) intervals, in ms */
function unionMs(spans: PhaseTiming[]): number {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs)
  let total = 0
  let end = -Infinity
  for (const s of sorted) {
    const e = s.startMs + s.ms
    if (e <= end) continue
    total += e - Math.max(s.startMs, end)
    end = e
  }
  return total
}

export interface PhaseSummary {
  phase: string
  level?: number
  /** wall time during which at least one span of this phase ran */
  wallMs: number
  /** from the first span's start to the last span's end */
  fromMs: number
  toMs: number
  spans: number
  /** the longest span and whose it was: the server that held the phase up */
  slowest?: { server?: string; ms: number }
}

/** one line per phase (and dependency level), in order of first start */
export function summarize(spans: PhaseTiming[]): PhaseSummary[] {
  const groups = new Map<string, PhaseTiming[]>()
  for (const s of spans) {
    const key = s.level === undefined ? s.phase : `${s.phase}@${s.level}`
    groups.set(key, [...(groups.get(key) ?? []), s])
  }
  return [...groups.values()]
    .map((g) => {
      const slow = g.reduce((a, b) => (b.ms > a.ms ? b : a))
      const fromMs = Math.min(...g.map((s) => s.startMs))
      return {
        phase: g[0]!.phase,
        ...(g[0]!.level === undefined ? {} : { level: g[0]!.level }),
        wallMs: round(unionMs(g)),
        fromMs,
        toMs: round(Math.max(...g.map((s) => s.startMs + s.ms))),
        spans: g.length,
        ...(g.length > 1 || slow.server ? { slowest: { ...(slow.server ? { server: slow.server } : {}), ms: slow.ms } } : {}),
      }
    })
    .sort((a, b) => a.fromMs - b.fromMs)
}

/** the table `--timings` prints (seconds) */
export function timingsTable(spans: PhaseTiming[], totalMs: number): string {
  const rows = summarize(spans).map((p) => {
    const name = p.level === undefined ? p.phase : `${p.phase} (level ${p.level})`
    const slow = p.slowest ? `  slowest${p.slowest.server ? ` ${p.slowest.server}` : ''} ${(p.slowest.ms / 1000).toFixed(2)} s` : ''
    return `${name.padEnd(28)} ${(p.wallMs / 1000).toFixed(2).padStart(6)} s   ${(p.fromMs / 1000).toFixed(2).padStart(6)} → ${(p.toMs / 1000).toFixed(2).padStart(6)}${p.spans > 1 ? `  ×${p.spans}` : ''}${slow}`
  })
  return ['phase                          wall   from  →     to', ...rows, `${'total'.padEnd(28)} ${(totalMs / 1000).toFixed(2).padStart(6)} s`].join('\n')
}
