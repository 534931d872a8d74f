import { describe, expect, it } from 'vitest'
import { idleSpellAge } from './idle-spell'

const t = (s: number): string => new Date(Date.UTC(2026, 11, 1, 14, 0, s)).toISOString()
const at = (s: number): number => Date.parse(t(s))
const MIN = 60

describe('idleSpellAge', () => {
  it('counts from the last action or state change, idleAfterMs later', () => {
    const j = [{ kind: 'op', at: t(0) }, { kind: 'state', at: t(10) }, { kind: 'probe', at: t(20), data: { key: 'db.ping@db1', ok: true } }, { kind: 'action', at: t(100) }]
    expect(idleSpellAge(j, at(100 + 5 * MIN + 30))).toBe(30_000)
    expect(idleSpellAge(j, at(100 + 4 * MIN))).toBe(-60_000)
  })

  it('is undefined while a probe\'s last result failed, and counts again once it passes', () => {
    const failed = [{ kind: 'state', at: t(0) }, { kind: 'probe', at: t(5), data: { key: 'backup.fresh@backup1', ok: false } }]
    expect(idleSpellAge(failed, at(10 * MIN))).toBeUndefined()
    expect(idleSpellAge([...failed, { kind: 'probe', at: t(50), data: { key: 'backup.fresh@backup1', ok: true } }], at(6 * MIN))).toBe(MIN * 1000)
  })

  it('a probe that went away while failing (its server stopped) fails no more', () => {
    const j = [{ kind: 'state', at: t(0) }, { kind: 'probe', at: t(5), data: { key: 'server.running@db1', ok: false } },
      { kind: 'probe', at: t(6), text: 'server.running gone: no longer runs on db1 (it was failing: db1 is created)', data: { key: 'server.running@db1', ok: false } }]
    expect(idleSpellAge(j, at(6 * MIN))).toBe(MIN * 1000)
  })

  it('starts from the first entry when nothing acted or changed yet', () => {
    expect(idleSpellAge([{ kind: 'op', at: t(0) }], at(5 * MIN))).toBe(0)
  })
})
