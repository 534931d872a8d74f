import { describe, expect, it } from 'vitest'
import type { HistorySeries } from '@contract/monitor'
import { latestText } from './chart-spec'
import { circuitCharts, healthCharts, lagChart, rebuildChart } from './health-series'

const pts = (rows: Array<[number, Record<string, number>]>): HistorySeries['points'] => rows.map(([at, values]) => ({ at, labMs: at * 60, ok: true, values }))

const lag = (target: string, rows: Array<[number, Record<string, number>]>): HistorySeries => ({ key: `db.replication@${target}`, source: 'db.replication', target, points: pts(rows) })

describe('health charts from the monitor history', () => {
  it('aligns db2 and db3 lag on one time axis, with gaps where a replica has no lag (stopped)', () => {
    const spec = lagChart([lag('db3', [[2000, { lagSeconds: 4 }], [4000, { lagSeconds: 7 }]]), lag('db2', [[1000, { lagSeconds: 0 }], [2000, { lagSeconds: 1 }], [3000, { running: 0 }]])])!
    expect(spec.xs).toEqual([1, 2, 3, 4])
    expect(spec.lines.map((l) => l.label)).toEqual(['db2', 'db3'])
    expect(spec.lines[0]!.values).toEqual([0, 1, null, null])
    expect(spec.lines[1]!.values).toEqual([null, 4, null, 7])
    expect(latestText(spec)).toBe('db2 1.0 s · db3 7.0 s')
  })

  it('a replica whose newest probe failed is "not replicating" in the caption, not the lag it had before', () => {
    const broken: HistorySeries = { ...lag('db2', [[1000, { lagSeconds: 0 }]]), points: [...pts([[1000, { lagSeconds: 0 }]]), { at: 2000, labMs: 2000 * 60, ok: false, values: { ioRunning: 0 } }] }
    const spec = lagChart([broken, lag('db3', [[2000, { lagSeconds: 0 }]])])!
    expect(spec.lines[0]!.values).toEqual([0, null])
    expect(latestText(spec)).toBe('db2 not replicating · db3 0.0 s')
  })

  it('draws each circuit against its 80 % line and breaker rating', () => {
    const [c] = circuitCharts([{ key: 'circuit:nyi-1-a', source: 'circuit', target: 'circuit:nyi-1-a', points: pts([[1000, { amps: 9.5, ratedAmps: 20 }], [2000, { amps: 17.2, ratedAmps: 20 }]]) }])
    expect(c!.title).toBe('Circuit nyi-1-a')
    expect(c!.lines.map((l) => [l.label, l.values, !!l.reference])).toEqual([
      ['amps', [9.5, 17.2], false],
      ['80 %', [16, 16], true],
      ['breaker', [20, 20], true],
    ])
    expect(latestText(c!)).toBe('amps 17 A')
  })

  it('shows rebuild progress 0–100 % per array that rebuilt, no chart while every array stays optimal', () => {
    expect(rebuildChart([{ key: 'array:a/b', source: 'array', target: 'array:a/b', points: pts([[1000, { degraded: 0 }]]) }])).toBeNull()
    const spec = rebuildChart([{ key: 'array:raid1/raid1-spool', source: 'array', target: 'array:raid1/raid1-spool', points: pts([[1000, { degraded: 0 }], [2000, { degraded: 1, rebuildPct: 12 }], [3000, { degraded: 1, rebuildPct: 40 }]]) }])!
    expect(spec.yRange).toEqual([0, 100])
    expect(spec.lines[0]).toMatchObject({ label: 'raid1/raid1-spool', values: [null, 12, 40] })
  })

  it('lists lag, rebuild, then circuits, and nothing without history', () => {
    expect(healthCharts([])).toEqual([])
    const ids = healthCharts([
      { key: 'circuit:b', source: 'circuit', target: 'circuit:b', points: pts([[1, { amps: 1, ratedAmps: 20 }]]) },
      lag('db2', [[1, { lagSeconds: 0 }]]),
      { key: 'array:r/s', source: 'array', target: 'array:r/s', points: pts([[1, { degraded: 0 }]]) },
      { key: 'array:r/t', source: 'array', target: 'array:r/t', points: pts([[1, { degraded: 1, rebuildPct: 3 }]]) },
      { key: 'mx.queue@mx1', source: 'mx.queue', target: 'mx1', points: pts([[1, { total: 3 }]]) },
    ]).map((c) => c.id)
    expect(ids).toEqual(['replication-lag', 'raid-rebuild', 'circuit-b'])
  })
})
