import { describe, expect, it } from 'vitest'
import { mulberry32 } from './random.ts'
import { circuitOf, labTopology, newLab, unitOf, type ServerSpec } from './test-topologies.ts'

const x346s = (n: number): ServerSpec[] => Array.from({ length: n }, (_, i) => ({ id: `s${i + 1}`, model: 'ibm-x346', feeds: 'AB' }))
const kinds = (events: { kind: string; target: string }[]): string[] => events.map((e) => `${e.kind} ${e.target}`)

describe('power flow', () => {
  it('conserves load: PSU shares sum to the unit, circuits sum to all units, amps = watts / volts', () => {
    const { m, clock } = newLab(labTopology({ servers: x346s(6), arrays: [{ id: 'raid', level: 'raid5', members: [1, 2, 3, 4] }] }))
    const rng = mulberry32(99)
    const check = (): void => {
      const st = m.status()
      let total = 0
      for (const u of st.units) {
        const sum = u.psus.reduce((a, p) => a + p.watts, 0)
        expect(Math.abs(sum - u.watts), u.id).toBeLessThanOrEqual(u.psus.length) // rounding of each PSU
        total += u.watts
      }
      const onCircuits = st.circuits.reduce((a, c) => a + c.watts, 0)
      expect(Math.abs(onCircuits - total)).toBeLessThanOrEqual(st.units.length + st.circuits.length)
      for (const c of st.circuits) expect(c.amps).toBeCloseTo(c.watts / c.volts, 0)
    }
    for (let round = 0; round < 20; round++) {
      for (let i = 1; i <= 6; i++) m.setLoad(`s${i}`, Math.round(rng() * 100) / 100)
      check()
      clock.advance(1000)
    }
    m.apply({ target: 'psu:s3/1', action: 'pull' })
    m.apply({ target: 'circuit:r1-b', action: 'trip' })
    check()
    expect(unitOf(m, 's3').power).toBe('off') // PSU 1 pulled, PSU 2 on the tripped side
  })

  it('shares a dual-PSU unit 50/50 within ±10 %, and all of it on one PSU when the other side dies', () => {
    const { m } = newLab(labTopology({ servers: x346s(8) }))
    for (const u of m.status().units.filter((x) => x.kind === 'server')) {
      const [a, b] = u.psus
      const share = (a?.watts ?? 0) / u.watts
      expect(share).toBeGreaterThanOrEqual(0.449)
      expect(share).toBeLessThanOrEqual(0.551)
      expect((a?.watts ?? 0) + (b?.watts ?? 0)).toBeCloseTo(u.watts, -1)
    }
    m.apply({ target: 'circuit:r1-a', action: 'trip' })
    const s1 = unitOf(m, 's1')
    expect(s1.power).toBe('on')
    expect(s1.psus[0]?.watts).toBe(0)
    expect(s1.psus[1]?.watts).toBe(s1.watts)
  })

  it('draws idle by default and load watts at setLoad(1)', () => {
    const { m } = newLab(labTopology({ servers: x346s(1) }))
    expect(unitOf(m, 's1').watts).toBe(250)
    m.setLoad('s1', 1)
    expect(unitOf(m, 's1').watts).toBe(350)
    m.setLoad('s1', 0.5)
    expect(unitOf(m, 's1').watts).toBe(300)
    expect(() => m.setLoad('s1', 1.5)).toThrow(/between 0 and 1/)
    expect(() => m.setLoad('sw1', 0.5)).toThrow(/no server "sw1"/)
  })
})

describe('circuits and breakers', () => {
  it('single-PSU units die when their circuit trips; dual-PSU units move to the other side', () => {
    const { m } = newLab()
    const r = m.apply({ target: 'circuit:r1-a', action: 'trip' })
    expect(kinds(r.events)).toEqual(
      expect.arrayContaining(['circuit.tripped circuit:r1-a', 'unit.off server:s2', 'unit.off switch:sw1', 'unit.redundancy-lost server:s1']),
    )
    expect(unitOf(m, 's2').power).toBe('off')
    expect(unitOf(m, 's3').power).toBe('on')
    expect(unitOf(m, 's1').power).toBe('on')
    expect(m.effects().s2).toMatchObject({ powered: false, offCause: 'power-loss' })
    // a server stays off when power returns: someone has to press the button
    m.apply({ target: 'circuit:r1-a', action: 'reset' })
    expect(unitOf(m, 's2').power).toBe('off')
    expect(m.actionsFor('server:s2').find((a) => a.id === 'power-on')?.enabled).toBe(true)
    // the switch comes back by itself, after its boot
    expect(unitOf(m, 'sw1').power).toBe('booting')
  })

  it('keeps the default NYI racks up: with A tripped, B carries everything below its rating', async () => {
    const { readFileSync } = await import('node:fs')
    const { parse } = await import('yaml')
    const { TopologySchema } = await import('@contract/topology')
    const topo = TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
    const { m, clock } = newLab(topo)
    const nyi = m.status().circuits.filter((c) => c.site === 'nyi')
    expect(nyi.length).toBe(6)
    // The NEC 80 % rule on the survivor: both sides of a rack together stay under 80 % of one
    // breaker, so either side alone can carry the rack (single-corded switches make A the heavier).
    for (const rack of ['nyi-1', 'nyi-2', 'nyi-3']) {
      const sides = nyi.filter((c) => c.id.startsWith(`${rack}-`))
      expect(sides.reduce((sum, c) => sum + c.loadPct, 0), rack).toBeLessThanOrEqual(80)
    }
    for (const rack of ['nyi-1', 'nyi-2', 'nyi-3']) m.apply({ target: `circuit:${rack}-a`, action: 'trip' })
    clock.advance(3_600_000)
    m.tick()
    for (const rack of ['nyi-1', 'nyi-2', 'nyi-3']) {
      const b = circuitOf(m, `${rack}-b`)
      expect(b.state, b.id).not.toBe('tripped')
      expect(b.loadPct).toBeLessThan(80)
    }
    expect(unitOf(m, 'db1').power).toBe('on')
    expect(unitOf(m, 'ns1').power).toBe('off') // single PSU on A
  })

  it('cascades: when B cannot carry A’s load it trips after its curve delay and the rack goes dark', () => {
    const { m, clock } = newLab(labTopology({ servers: x346s(8) }))
    for (let i = 1; i <= 8; i++) m.setLoad(`s${i}`, 1)
    expect(circuitOf(m, 'r1-b').state).toBe('ok')
    m.apply({ target: 'circuit:r1-a', action: 'trip' })
    const b = circuitOf(m, 'r1-b')
    expect(b.loadPct).toBeGreaterThan(100)
    expect(b.state).toBe('warning')
    const ttt = b.timeToTripMs ?? 0
    expect(ttt).toBeGreaterThan(10_000)
    expect(ttt).toBeLessThan(5 * 60_000)
    clock.advance(ttt - 1000)
    expect(m.tick().some((e) => e.kind === 'circuit.tripped')).toBe(false)
    clock.advance(2000)
    const events = m.tick()
    const trip = events.find((e) => e.kind === 'circuit.tripped')
    expect(trip).toMatchObject({ target: 'circuit:r1-b', labMs: Math.ceil(ttt), data: { cause: 'overload' } })
    expect(m.status().units.every((u) => u.power === 'off')).toBe(true)
  })

  it('warns above 80 % without tripping, and says when it is back to normal', () => {
    const { m } = newLab(labTopology({ servers: x346s(6) }))
    for (let i = 1; i <= 6; i++) m.setLoad(`s${i}`, 1)
    const r = m.apply({ target: 'circuit:r1-a', action: 'trip' })
    expect(r.events.find((e) => e.kind === 'circuit.warning')).toMatchObject({ target: 'circuit:r1-b' })
    expect(circuitOf(m, 'r1-b')).toMatchObject({ state: 'warning', timeToTripMs: null })
    expect(circuitOf(m, 'r1-b').loadPct).toBeGreaterThan(80)
    const back = m.apply({ target: 'circuit:r1-a', action: 'reset' })
    expect(kinds(back.events)).toEqual(expect.arrayContaining(['circuit.reset circuit:r1-a', 'circuit.ok circuit:r1-b']))
  })

  it('trips at once far above the rating (magnetic trip)', () => {
    const { m } = newLab(labTopology({ servers: x346s(2), amps: 0.3 })) // ~8 × the rating
    const trips = m.events().filter((e) => e.kind === 'circuit.tripped')
    expect(trips.map((e) => e.data?.cause)).toEqual(['instant', 'instant'])
    expect(trips.every((e) => e.labMs === 0)).toBe(true)
  })

  it('lets a breaker be reset into a standing overload; it trips again', () => {
    const { m, clock } = newLab(labTopology({ servers: x346s(8) }))
    for (let i = 1; i <= 8; i++) m.setLoad(`s${i}`, 1)
    m.apply({ target: 'circuit:r1-a', action: 'trip' })
    clock.advance(10 * 60_000)
    m.tick()
    expect(circuitOf(m, 'r1-b').state).toBe('tripped')
    expect(m.actionsFor('circuit:r1-b').find((a) => a.id === 'reset')).toMatchObject({ enabled: true })
    expect(m.actionsFor('circuit:r1-b').find((a) => a.id === 'trip')).toMatchObject({ enabled: false, reason: 'the breaker is already tripped' })
    m.apply({ target: 'circuit:r1-b', action: 'reset' })
    m.apply({ target: 'rack:r1', action: 'power-on-at-once' })
    clock.advance(10 * 60_000)
    m.tick()
    expect(circuitOf(m, 'r1-b').state).toBe('tripped')
    // with the load gone it holds
    for (let i = 1; i <= 8; i++) m.setLoad(`s${i}`, 0)
    m.apply({ target: 'circuit:r1-b', action: 'reset' })
    m.apply({ target: 'circuit:r1-a', action: 'reset' })
    m.apply({ target: 'rack:r1', action: 'power-on' })
    clock.advance(30 * 60_000)
    m.tick()
    expect(m.status().circuits.map((c) => c.state)).toEqual(['ok', 'ok'])
    expect(m.status().units.every((u) => u.power === 'on')).toBe(true)
  })
})

describe('boot surge and staggered power-on', () => {
  it('draws the surge while booting, then idle, and is ready after bootSeconds', () => {
    const { m, clock } = newLab(labTopology({ servers: x346s(1) }))
    m.apply({ target: 'server:s1', action: 'power-off' })
    expect(m.effects().s1).toMatchObject({ powered: false, offCause: 'shutdown' })
    m.apply({ target: 'server:s1', action: 'power-on' })
    expect(unitOf(m, 's1')).toMatchObject({ power: 'booting', watts: 350 })
    expect(m.effects().s1).toMatchObject({ powered: true, booting: true })
    clock.advance(61_000)
    m.tick()
    expect(unitOf(m, 's1')).toMatchObject({ power: 'booting', watts: 250 })
    clock.advance(90_000)
    expect(m.tick().map((e) => e.kind)).toContain('unit.on')
    expect(m.effects().s1).toMatchObject({ powered: true, booting: false })
  })

  it('after a blackout: all at once trips the rack, staggered does not', () => {
    const run = (action: 'power-on' | 'power-on-at-once'): string[] => {
      const { m, clock } = newLab(labTopology({ servers: x346s(8), amps: 9 }))
      m.apply({ target: 'site:lab', action: 'blackout' })
      expect(m.status().units.every((u) => u.power === 'off')).toBe(true)
      m.apply({ target: 'site:lab', action: 'restore-utility' })
      clock.advance(120_000)
      m.tick()
      expect(unitOf(m, 'sw1').power).toBe('on') // switches come back by themselves
      expect(unitOf(m, 's1').power).toBe('off') // servers wait for a person
      m.apply({ target: 'rack:r1', action })
      clock.advance(15 * 60_000)
      m.tick()
      return m.status().circuits.map((c) => c.state)
    }
    expect(run('power-on-at-once')).toEqual(['tripped', 'tripped'])
    expect(run('power-on')).not.toContain('tripped')
  })

  it('spaces a staggered power-on by staggerSeconds', () => {
    const { m, clock } = newLab(labTopology({ servers: x346s(3) }), { powered: false })
    const r = m.apply({ target: 'rack:r1', action: 'power-on' })
    expect(r.text).toContain('one every 20 s')
    clock.advance(5 * 60_000)
    const boots = [...r.events, ...m.tick()].filter((e) => e.kind === 'unit.booting')
    expect(boots.map((e) => [e.target, e.labMs])).toEqual([
      ['switch:sw1', 0],
      ['server:s1', 20_000],
      ['server:s2', 40_000],
      ['server:s3', 60_000],
    ])
    expect(m.actionsFor('rack:r1')[0]).toMatchObject({ id: 'power-on', enabled: false })
  })
})

describe('PSUs and PDUs', () => {
  it('pull, insert, fail and replace a PSU', () => {
    const { m } = newLab()
    m.apply({ target: 'psu:s1/1', action: 'pull' })
    expect(unitOf(m, 's1').psus.map((p) => p.state)).toEqual(['pulled', 'ok'])
    expect(m.actionsFor('psu:s1/1').find((a) => a.id === 'pull')).toMatchObject({ enabled: false, reason: 'PSU 1 is already out' })
    m.apply({ target: 'psu:s1/1', action: 'insert' })
    m.apply({ target: 'psu:s1/2', action: 'fail' })
    expect(unitOf(m, 's1').psus.map((p) => [p.state, p.input])).toEqual([
      ['ok', true],
      ['failed', false],
    ])
    const r = m.apply({ target: 'psu:s1/2', action: 'replace' })
    expect(r.text).toContain('from the vendor') // the test shelf holds no x346 PSU
    expect(r.events.map((e) => e.kind)).toContain('unit.redundancy-restored')
    m.apply({ target: 'psu:s2/1', action: 'fail' })
    expect(unitOf(m, 's2').power).toBe('off')
  })

  it('a failed PDU takes its outlets down like a trip; repair brings them back', () => {
    const { m } = newLab()
    m.apply({ target: 'pdu:r1-pdu-b', action: 'fail' })
    expect(unitOf(m, 's3').power).toBe('off')
    expect(m.status().pdus.find((p) => p.id === 'r1-pdu-b')).toMatchObject({ state: 'failed', live: false, watts: 0 })
    m.apply({ target: 'pdu:r1-pdu-b', action: 'repair' })
    expect(unitOf(m, 's1').psus.every((p) => p.input)).toBe(true)
  })
})
