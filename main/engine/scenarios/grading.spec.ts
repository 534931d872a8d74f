import { describe, expect, it } from 'vitest'
import type { ProbeResult, ServerStatus } from '@contract/status'
import { grade, newScore, progress, revealHint, scoreOf, timeLeftMs } from './grading'
import { ScenarioSchema } from './schema'

const ex = ScenarioSchema.parse({
  name: 'db2-replication',
  steps: [{ act: 'cable:db2/int unplug' }],
  objectives: [
    { id: 'replicating', text: 'db2 replicates again', points: 10, when: [{ probe: 'db.replication', target: 'db2' }] },
    { id: 'running', text: 'db2 still runs', points: 5, when: [{ server: 'db2', state: 'running' }] },
  ],
  hints: [{ text: 'look at its cables', cost: 2 }, { text: 'plug cable:db2/int', cost: 5 }],
  timebox: '10m',
})
const T0 = Date.parse('2026-11-30T18:00:00Z')
const probe = (ok: boolean, at: number): ProbeResult => ({ id: 'db.replication', target: 'db2', ok, message: '', at: new Date(at).toISOString() })
const db2 = (state: ServerStatus['state']): ServerStatus => ({ id: 'db2', state, health: 'healthy' }) as ServerStatus

describe('grading an exercise', () => {
  it('awards an objective once its goals hold, and only then', () => {
    let s = newScore(T0)
    s = grade(ex, s, { probes: [probe(false, T0 + 1000)], servers: [db2('stopped')] }, T0 + 1000)
    expect(scoreOf(s)).toBe(0)
    s = grade(ex, s, { probes: [probe(true, T0 + 5000)], servers: [db2('running')] }, T0 + 5000)
    expect(scoreOf(s)).toBe(15)
    expect(progress(ex, s).map((o) => o.done)).toEqual([true, true])
  })

  it('never counts a probe result from before the exercise began', () => {
    const s = grade(ex, newScore(T0), { probes: [probe(true, T0 - 1)], servers: [] }, T0 + 1000)
    expect(s.achieved).toEqual({})
  })

  it('keeps earned points when the lab breaks again', () => {
    let s = grade(ex, newScore(T0), { probes: [probe(true, T0 + 1)], servers: [db2('running')] }, T0 + 1)
    s = grade(ex, s, { probes: [probe(false, T0 + 2)], servers: [] }, T0 + 2)
    expect(scoreOf(s)).toBe(15)
  })

  it('awards nothing after the time box', () => {
    const late = T0 + 10 * 60_000
    expect(timeLeftMs(ex, newScore(T0), late)).toBe(0)
    expect(grade(ex, newScore(T0), { probes: [probe(true, late)], servers: [db2('running')] }, late).achieved).toEqual({})
  })

  it('charges each hint revealed, in order, and refuses when none is left', () => {
    let s = grade(ex, newScore(T0), { probes: [probe(true, T0 + 1)], servers: [db2('running')] }, T0 + 1)
    const first = revealHint(ex, s)
    expect(first.hint).toBe('look at its cables')
    s = revealHint(ex, first.score).score
    expect(scoreOf(s)).toBe(15 - 2 - 5)
    expect(() => revealHint(ex, s)).toThrow(/all 2 hints are already revealed/)
  })

  it('grades circuits and arrays from the hardware model', () => {
    const c = ScenarioSchema.parse({ name: 'c', steps: [{ say: 'x' }], objectives: [{ id: 'cool', text: 'under 80 %', points: 3, when: [{ circuit: 'nyi-1-a', maxLoadPct: 80 }, { array: 'raid1-spool', arrayState: 'optimal' }] }] })
    const hw = (loadPct: number, state: string) => ({ circuits: [{ id: 'nyi-1-a', state: 'ok', energized: true, loadPct }], enclosures: [{ arrays: [{ id: 'raid1-spool', state }] }] }) as never
    expect(scoreOf(grade(c, newScore(T0), { probes: [], servers: [], hardware: hw(85, 'optimal') }, T0))).toBe(0)
    expect(scoreOf(grade(c, newScore(T0), { probes: [], servers: [], hardware: hw(70, 'degraded') }, T0))).toBe(0)
    expect(scoreOf(grade(c, newScore(T0), { probes: [], servers: [], hardware: hw(70, 'optimal') }, T0))).toBe(3)
  })

  it('refuses a goal that mixes kinds', () => {
    expect(() => ScenarioSchema.parse({ name: 'x', steps: [{ say: 'x' }], objectives: [{ id: 'a', text: 't', points: 1, when: [{ probe: 'db.ping', circuit: 'c', maxLoadPct: 1 }] }] })).toThrow(/a goal is one of/)
  })
})
