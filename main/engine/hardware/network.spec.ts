import { describe, expect, it } from 'vitest'
import { diffEffects } from './effects.ts'
import { newLab } from './test-topologies.ts'

describe('switches and cables', () => {
  it('a dead switch takes exactly the servers cabled to it off that network', () => {
    const { m } = newLab()
    const before = m.effects()
    expect(before.s1?.networks).toEqual({ int: true, wan: true })
    m.apply({ target: 'switch:sw1', action: 'fail-switch' })
    const after = m.effects()
    expect(diffEffects(before, after)).toEqual([
      { server: 's1', field: 'networks.int', before: true, after: false },
      { server: 's2', field: 'networks.int', before: true, after: false },
      { server: 's3', field: 'networks.int', before: true, after: false },
    ])
    expect(after.s1?.networks.wan).toBe(true) // not on a switch
    expect(m.status().switches[0]).toMatchObject({ id: 'sw1', state: 'failed' })
    m.apply({ target: 'switch:sw1', action: 'repair-switch' })
    expect(diffEffects(after, m.effects()).map((c) => c.after)).toEqual([true, true, true])
  })

  it('a pulled cable detaches one server from one network; plugging it back reattaches', () => {
    const { m } = newLab()
    const before = m.effects()
    const r = m.apply({ target: 'cable:s2/int', action: 'unplug' })
    expect(r.events.map((e) => `${e.kind} ${e.target}`)).toEqual(['action cable:s2/int', 'network.detached cable:s2/int'])
    expect(diffEffects(before, m.effects())).toEqual([{ server: 's2', field: 'networks.int', before: true, after: false }])
    expect(m.actionsFor('cable:s2/int')).toEqual([
      { id: 'unplug', label: 'Pull the cable', kind: 'break', enabled: false, reason: 'the cable is already out' },
      { id: 'plug', label: 'Plug the cable back in', kind: 'restore', enabled: true },
    ])
    m.apply({ target: 'cable:s2/int', action: 'plug' })
    expect(diffEffects(before, m.effects())).toEqual([])
  })

  it('a switch is powered like any unit: it drops with its circuit and rejoins after booting', () => {
    const { m, clock } = newLab()
    m.apply({ target: 'circuit:r1-a', action: 'trip' })
    expect(m.effects().s3?.networks.int).toBe(false) // s3 is powered from B but its switch is on A
    expect(m.effects().s3?.powered).toBe(true)
    m.apply({ target: 'circuit:r1-a', action: 'reset' })
    expect(m.status().switches[0]?.state).toBe('down') // booting
    clock.advance(75_000)
    const events = m.tick().map((e) => `${e.kind} ${e.target}`)
    expect(events).toContain('switch.up switch:sw1')
    expect(events).toContain('network.attached cable:s3/int')
    expect(m.effects().s3?.networks.int).toBe(true)
  })

  it('cutting a switchless link (the WAN) isolates just that NIC', () => {
    const { m } = newLab()
    m.apply({ target: 'cable:s1/wan', action: 'unplug' })
    expect(m.effects().s1?.networks).toEqual({ int: true, wan: false })
  })
})

describe('effects diff', () => {
  it('lists power, volume and slowdown changes field by field', () => {
    const { m } = newLab()
    const a = m.effects()
    m.apply({ target: 'server:s2', action: 'hold-power' })
    expect(diffEffects(a, m.effects())).toEqual([
      { server: 's2', field: 'powered', before: true, after: false },
      { server: 's2', field: 'offCause', before: null, after: 'hard-off' },
    ])
    expect(diffEffects(a, {}).filter((c) => c.server === 's1').map((c) => c.field)).toEqual(['powered', 'booting', 'dataVolume', 'dataEpoch', 'slowdown', 'networks.int', 'networks.wan'])
  })
})
