import { describe, expect, it } from 'vitest'
import { History, numericValues } from './history'

describe('History', () => {
  it('keeps the last N points per series, numbers only', () => {
    const h = new History(3)
    for (let i = 0; i < 5; i++) h.add('db.replication@db2', 'db.replication', 'db2', { at: i, labMs: i * 60, ok: true, values: numericValues({ lagSeconds: i, ioRunning: true, ioState: 'Yes' }) })
    const [s] = h.list(['db.replication@db2'])
    expect(s?.points.map((p) => p.values)).toEqual([{ lagSeconds: 2, ioRunning: 1 }, { lagSeconds: 3, ioRunning: 1 }, { lagSeconds: 4, ioRunning: 1 }])
    expect(h.list(['nope'])).toEqual([])
  })

  it('hands out copies', () => {
    const h = new History(2)
    h.add('k', 's', 't', { at: 0, labMs: 0, ok: true, values: { a: 1 } })
    h.list()[0]!.points[0]!.values.a = 9
    expect(h.points('k')[0]?.values.a).toBe(1)
  })

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new History(0)).toThrow(/positive integer, got 0/)
  })
})
