import { describe, expect, it } from 'vitest'
import { unit } from '../probes/probe-unit'
import { DEFAULT_MONITOR_CONFIG } from './config'
import { dueUnits } from './schedule'

const u = (id: string, target: string): ReturnType<typeof unit> => unit(id, target, 1000, () => Promise.reject(new Error('not run here')))
const units = [u('mail.e2e', 'mx1'), u('db.replication', 'db2'), u('smtp.accept', 'mx1')]
const keys = (list: { key: string }[]): string[] => list.map((x) => x.key)
const cfg = DEFAULT_MONITOR_CONFIG

describe('dueUnits', () => {
  it('runs everything never run, cheap ones first, within the room left', () => {
    expect(keys(dueUnits(units, { lastStart: new Map(), busy: new Set() }, 0, cfg))).toEqual(['db.replication@db2', 'smtp.accept@mx1', 'mail.e2e@mx1'])
    expect(keys(dueUnits(units, { lastStart: new Map(), busy: new Set() }, 0, cfg, 1))).toEqual(['db.replication@db2'])
  })

  it('each on its cadence: replication every 5 s, mail.e2e every few minutes', () => {
    const lastStart = new Map(units.map((x) => [x.key, 0]))
    expect(keys(dueUnits(units, { lastStart, busy: new Set() }, 4_999, cfg))).toEqual([])
    expect(keys(dueUnits(units, { lastStart, busy: new Set() }, 5_000, cfg))).toEqual(['db.replication@db2'])
    expect(keys(dueUnits(units, { lastStart, busy: new Set() }, 30_000, cfg))).toEqual(['db.replication@db2', 'smtp.accept@mx1'])
    expect(keys(dueUnits(units, { lastStart, busy: new Set() }, cfg.everyMs.slow, cfg))).toContain('mail.e2e@mx1')
  })

  it('never starts a unit that is still running, however overdue', () => {
    const lastStart = new Map([['db.replication@db2', 0]])
    expect(keys(dueUnits([units[1]!], { lastStart, busy: new Set(['db.replication@db2']) }, 60_000, cfg))).toEqual([])
  })

  it('runs medium and slow probes once, soon after an action', () => {
    const costly = [units[0]!, units[2]!]
    const lastStart = new Map(costly.map((x) => [x.key, 10_000]))
    const s = { lastStart, busy: new Set<string>(), lastActionAt: 12_000 }
    expect(keys(dueUnits(costly, s, 12_000 + cfg.afterActionMs - 1, cfg))).toEqual([])
    expect(keys(dueUnits(costly, s, 12_000 + cfg.afterActionMs, cfg))).toEqual(['smtp.accept@mx1', 'mail.e2e@mx1'])
    const after = new Map(costly.map((x) => [x.key, 12_000 + cfg.afterActionMs]))
    expect(keys(dueUnits(costly, { ...s, lastStart: after }, 12_000 + cfg.afterActionMs + 1000, cfg))).toEqual([])
  })

  it('looks again soon at a unit whose last run failed, even a slow one', () => {
    const lastStart = new Map(units.map((x) => [x.key, 0]))
    const failing = new Set(['mail.e2e@mx1'])
    expect(keys(dueUnits(units, { lastStart, busy: new Set(), failing }, cfg.retryFailingMs - 1, cfg))).toEqual(['db.replication@db2'])
    expect(keys(dueUnits(units, { lastStart, busy: new Set(), failing }, cfg.retryFailingMs, cfg))).toEqual(['db.replication@db2', 'mail.e2e@mx1'])
    expect(keys(dueUnits(units, { lastStart, busy: new Set(['mail.e2e@mx1']), failing }, cfg.retryFailingMs, cfg))).toEqual(['db.replication@db2'])
  })

  it('with less room than due units, the one that waited longest goes first: fast probes cannot starve a failing slow one', () => {
    // db.replication ran at 20 s and is due again at 25 s; mail.e2e failed at 0 and has waited since
    const lastStart = new Map([['db.replication@db2', 20_000], ['mail.e2e@mx1', 0], ['smtp.accept@mx1', 24_000]])
    const failing = new Set(['mail.e2e@mx1'])
    expect(keys(dueUnits(units, { lastStart, busy: new Set(), failing }, 25_000, cfg, 1))).toEqual(['mail.e2e@mx1'])
    expect(keys(dueUnits(units, { lastStart, busy: new Set(), failing }, 25_000, cfg, 2))).toEqual(['mail.e2e@mx1', 'db.replication@db2'])
  })

  it('an idle lab (quiet 5 min, nothing failing) probes 24× less often; anything happening or failing ends it', () => {
    const last = new Map([['db.replication@db2', 0], ['smtp.accept@mx1', 0], ['mail.e2e@mx1', 0]])
    const at = 10 * 60_000 // ten minutes into a lab whose last event was at its start
    // 6 s after the fast probe's last run: due when busy, not when idle (every 120 s then)
    const l6 = new Map(last)
    l6.set('db.replication@db2', at - 6_000)
    l6.set('smtp.accept@mx1', at - 6_000)
    l6.set('mail.e2e@mx1', at - 6_000)
    expect(keys(dueUnits(units, { lastStart: l6, busy: new Set(), quietSince: 0 }, at, cfg))).toEqual([])
    expect(keys(dueUnits(units, { lastStart: l6, busy: new Set(), quietSince: at - 60_000 }, at, cfg))).toEqual(['db.replication@db2'])
    expect(keys(dueUnits(units, { lastStart: l6, busy: new Set(), quietSince: 0, failing: new Set(['smtp.accept@mx1']) }, at, cfg))).toEqual(['db.replication@db2'])
    const l119 = new Map(l6)
    l119.set('db.replication@db2', at - 119_000)
    expect(keys(dueUnits(units, { lastStart: l119, busy: new Set(), quietSince: 0 }, at, cfg))).toEqual([])
    const l121 = new Map(l6)
    l121.set('db.replication@db2', at - 121_000)
    expect(keys(dueUnits(units, { lastStart: l121, busy: new Set(), quietSince: 0 }, at, cfg))).toEqual(['db.replication@db2'])
  })
})
