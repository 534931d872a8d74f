import { describe, expect, it } from 'vitest'
import { shifted, summarize, timingsTable, Timings } from './timings'

describe('phase timings', () => {
  it('sums overlapping spans of one phase as wall time, not as their total', () => {
    const phases = summarize([
      { phase: 'wait healthy', server: 'db1', level: 0, startMs: 100, ms: 1000 },
      { phase: 'wait healthy', server: 'imap1', level: 0, startMs: 200, ms: 1500 },
      { phase: 'wait healthy', server: 'web1', level: 1, startMs: 2000, ms: 500 },
      { phase: 'networks', startMs: 0, ms: 50 },
    ])
    expect(phases.map((p) => [p.phase, p.level, p.wallMs, p.spans])).toEqual([
      ['networks', undefined, 50, 1],
      ['wait healthy', 0, 1600, 2],
      ['wait healthy', 1, 500, 1],
    ])
    expect(phases[1]!.slowest).toEqual({ server: 'imap1', ms: 1500 })
  })

  it('counts disjoint spans separately', () => {
    const [p] = summarize([
      { phase: 'refresh', startMs: 0, ms: 100 },
      { phase: 'refresh', startMs: 1000, ms: 100 },
    ])
    expect(p!.wallMs).toBe(200)
    expect(p!.fromMs).toBe(0)
    expect(p!.toMs).toBe(1100)
  })

  it('records spans of awaited work, also when it throws', async () => {
    const t = new Timings()
    await t.span('ok', async () => 1, { server: 'db1', level: 0 })
    await expect(t.span('fails', () => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(t.spans.map((s) => s.phase)).toEqual(['ok', 'fails'])
    expect(t.spans[0]).toMatchObject({ server: 'db1', level: 0 })
    expect(shifted(t.spans, 1000)[0]!.startMs).toBeGreaterThanOrEqual(1000)
  })

  it('prints one line per phase and level, with the total', () => {
    const text = timingsTable([{ phase: 'wait healthy', server: 'db1', level: 0, startMs: 0, ms: 2500 }], 3000)
    expect(text).toMatch(/wait healthy \(level 0\)\s+2\.50 s/)
    expect(text).toMatch(/slowest db1 2\.50 s/)
    expect(text).toMatch(/total\s+3\.00 s/)
  })
})
