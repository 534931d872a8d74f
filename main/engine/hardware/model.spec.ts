import { describe, expect, it } from 'vitest'
import { LabError } from '@contract/errors'
import type { ActionRequest } from './model.ts'
import { labTopology, newLab, type LabSpec } from './test-topologies.ts'

const spec: LabSpec = {
  arrays: [
    { id: 'spool', level: 'raid6', members: [1, 2, 3, 4, 5, 6], spares: [7] },
    { id: 'meta', level: 'raid1', members: [8, 9] },
  ],
}
const topo = labTopology(spec)

const snapshot = (m: ReturnType<typeof newLab>['m']): string => JSON.stringify({ status: m.status(), effects: m.effects(), events: m.events() })

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof LabError) return `${e.code}: ${e.message}`
    throw e
  }
  return 'no error'
}

/** A scripted incident: disk failures, a trip, load, a learn cycle, a pulled cable, a staggered restart. */
function script(seed: number, tickEveryMs: number): string {
  const { m, clock } = newLab(topo, { seed })
  const steps: [number, ActionRequest | ['load', string, number]][] = [
    [0, ['load', 's1', 0.8]],
    [60_000, { target: 'disk:r1-e1/2', action: 'fail' }],
    [600_000, { target: 'battery:r1-e1', action: 'learn' }],
    [900_000, { target: 'circuit:r1-a', action: 'trip' }],
    [1_200_000, { target: 'cable:s3/int', action: 'unplug' }],
    [1_500_000, { target: 'circuit:r1-a', action: 'reset' }],
    [1_500_000, { target: 'rack:r1', action: 'power-on' }],
    [3_000_000, { target: 'disk:r1-e1/5', action: 'fail' }],
    [4_000_000, ['load', 's1', 0.1]],
    [9_000_000, { target: 'disk:r1-e1/2', action: 'replace' }],
  ]
  for (const [at, step] of steps) {
    while (clock.now() + tickEveryMs < at) {
      clock.advance(tickEveryMs)
      m.tick()
    }
    clock.set(at)
    if (Array.isArray(step)) m.setLoad(step[1], step[2])
    else m.apply(step)
  }
  while (clock.now() < 40_000_000) {
    clock.advance(Math.min(tickEveryMs, 40_000_000 - clock.now()))
    m.tick()
  }
  return snapshot(m)
}

describe('determinism', () => {
  it('same seed and same actions give the same event log and status', () => {
    const a = script(11, 60_000)
    expect(script(11, 60_000)).toBe(a)
    expect(a).toContain('array.rebuild-progress')
    expect(a).toContain('battery.ok')
  })

  it('does not depend on how often the caller ticks', () => {
    expect(script(11, 1_000)).toBe(script(11, 3_600_000))
  })

  it('a different seed changes the seeded numbers (PSU shares, rebuild rates)', () => {
    expect(script(12, 60_000)).not.toBe(script(11, 60_000))
  })
})

describe('actions', () => {
  it('refused actions throw REFUSED and leave everything unchanged', () => {
    const { m, clock } = newLab(topo)
    m.apply({ target: 'disk:r1-e1/3', action: 'pull' })
    clock.advance(1000)
    m.tick()
    const before = snapshot(m)
    const refused: [string, string, string][] = [
      ['circuit:r1-a', 'reset', 'the breaker is not tripped'],
      ['disk:r1-e1/3', 'pull', 'bay 3 is empty'],
      ['disk:r1-e1/3', 'fail', 'bay 3 is empty'],
      ['disk:r1-e1/1', 'insert', 'bay 1 holds a disk'],
      ['psu:s2/1', 'insert', 'PSU 1 is in place'],
      ['server:s1', 'power-on', 's1 is already on'],
      ['switch:sw1', 'repair-switch', 'sw1 works'],
      ['cable:s1/int', 'plug', 'the cable is plugged in'],
      ['array:r1-e1/meta', 'recreate', 'meta has not failed'],
      ['controller:r1-e1', 'replace-controller', 'the controller works'],
      ['battery:r1-e1', 'replace-battery', 'the battery has not failed'],
      ['site:lab', 'restore-utility', 'site lab has utility power'],
    ]
    for (const [target, action, reason] of refused) {
      expect(codeOf(() => m.apply({ target, action }))).toBe(`REFUSED: cannot ${action} ${target}: ${reason}`)
      expect(m.actionsFor(target).find((a) => a.id === action)).toMatchObject({ enabled: false, reason })
    }
    expect(snapshot(m)).toBe(before)
  })

  it('names unknown targets and actions as NOT_FOUND', () => {
    const { m } = newLab(topo)
    expect(codeOf(() => m.apply({ target: 'server:nope', action: 'power-on' }))).toBe('NOT_FOUND: no server "nope" in this lab')
    expect(codeOf(() => m.actionsFor('toaster:t1'))).toMatch(/^NOT_FOUND: unknown target "toaster:t1"/)
    expect(codeOf(() => m.actionsFor('disk:r1-e1/99'))).toBe('NOT_FOUND: no disk "r1-e1/99" in this lab')
    expect(codeOf(() => m.apply({ target: 'circuit:r1-a', action: 'explode' }))).toBe('NOT_FOUND: circuit:r1-a has no action "explode"; it has: trip, reset')
  })

  it('every break has an inverse that is enabled right after it', () => {
    const inverse: Record<string, string[]> = {
      trip: ['reset'],
      pull: ['insert'],
      fail: ['replace', 'repair'],
      unplug: ['plug'],
      'fail-switch': ['repair-switch'],
      'fail-battery': ['replace-battery'],
      'fail-controller': ['replace-controller'],
      'hold-power': ['power-on'],
      blackout: ['restore-utility'],
      'run-hot': ['run-idle'],
    }
    const { m: probe } = newLab(topo)
    let checked = 0
    for (const target of probe.targets()) {
      for (const a of probe.actionsFor(target).filter((x) => x.kind === 'break' && x.enabled)) {
        if (a.id === 'fail-random-disk') continue // its inverse is on the disk target (storage spec)
        const { m } = newLab(topo)
        m.apply({ target, action: a.id })
        const back = m.actionsFor(target).find((x) => (inverse[a.id] ?? []).includes(x.id))
        expect(back, `${target} ${a.id}`).toMatchObject({ enabled: true })
        m.apply({ target, action: back?.id ?? '' })
        checked++
      }
    }
    expect(checked).toBeGreaterThan(30)
  })

  it('lists every target of the lab', () => {
    const { m } = newLab(topo)
    const t = m.targets()
    for (const x of ['site:lab', 'rack:r1', 'circuit:r1-a', 'pdu:r1-pdu-b', 'psu:s1/2', 'server:s3', 'switch:sw1', 'cable:s1/wan', 'enclosure:r1-e1', 'disk:r1-e1/9', 'array:r1-e1/spool', 'battery:r1-e1', 'controller:r1-e1', 'shelf:spares']) {
      expect(t).toContain(x)
    }
  })
})

describe('clock and topology checks', () => {
  it('refuses to go back in time', () => {
    const { m, clock } = newLab(topo)
    clock.advance(5000)
    m.tick()
    expect(codeOf(() => m.tick(1000))).toBe('BAD_INPUT: lab time cannot go back (1000 < 5000)')
  })

  it('rejects a topology that does not fit the catalogue, naming every problem', () => {
    const bad = labTopology({ arrays: [{ id: 'r', level: 'raid5', members: [1, 2] }] })
    const units = bad.sites[0]?.racks[0]?.units ?? []
    const s2 = units.find((u) => u.id === 's2')
    if (s2 !== undefined) s2.model = 'ibm-x999'
    const s3 = units.find((u) => u.kind === 'server' && u.id === 's3')
    if (s3?.kind === 'server' && s3.nics[0] !== undefined) s3.nics[0].port = 1 // s1 has port 1
    const msg = codeOf(() => newLab(bad))
    expect(msg).toMatch(/^TOPOLOGY_INVALID: topology test-lab does not fit the hardware catalogue:/)
    expect(msg).toContain('unit s2: model "ibm-x999" is not in the hardware catalogue')
    expect(msg).toContain('enclosure r1-e1: array r: raid5 needs at least 3 members')
    expect(msg).toContain('server s3, NIC on int: port 1 of sw1 is already used by s1/int')
  })
})
