import { describe, expect, it } from 'vitest'
import { indexHardware } from '../stores/hardware-view'
import { hardwareFor } from '../testing/hardware-fixture'
import { server } from '../testing/fixtures'
import { nyiTopology } from '../testing/nyi-topology'
import { bayLed, key, lcdLed, powerLed, sceneState, statusLed } from './led-states'
import { loadTone } from './palette'

const t = nyiTopology()

describe('state → LED colour', () => {
  it('server power LED: solid on, fast blink booting, slow blink in standby, off without input', () => {
    const hw = indexHardware(hardwareFor(t))
    expect(powerLed(server('db1'), hw, 'db1')).toEqual({ color: 'green', blink: 'none' })
    const booting = indexHardware({ ...hw.view, units: hw.view.units.map((u) => (u.id === 'db1' ? { ...u, power: 'booting' as const } : u)) })
    expect(powerLed(server('db1'), booting, 'db1').blink).toBe('fast')
    const standby = indexHardware(hardwareFor(t, { off: ['db1'] }))
    expect(powerLed(server('db1', { state: 'powered-off' }), standby, 'db1')).toEqual({ color: 'green', blink: 'slow' })
    const dark = indexHardware(hardwareFor(t, { tripped: ['nyi-1-a', 'nyi-1-b'] }))
    expect(powerLed(server('db1', { state: 'powered-off' }), dark, 'db1').color).toBe('off')
  })

  it('without the hardware model, power follows the container and never claims what it does not know', () => {
    expect(powerLed(server('db1', { state: 'running' }), null, 'db1').color).toBe('green')
    expect(powerLed(server('db1', { state: 'absent' }), null, 'db1').color).toBe('unknown')
    expect(powerLed(undefined, null, 'db1').color).toBe('unknown')
  })

  it('status LED reflects the engine health and a crash', () => {
    expect(statusLed(server('a', { health: 'healthy' })).color).toBe('green')
    expect(statusLed(server('a', { health: 'unhealthy' }))).toEqual({ color: 'amber', blink: 'slow' })
    expect(statusLed(server('a', { health: 'starting' })).color).toBe('blue')
    expect(statusLed(server('a', { state: 'crashed' })).color).toBe('red')
    expect(statusLed(server('a', { state: 'stopped', health: 'unknown' })).color).toBe('off')
  })

  it('disk LEDs: ok green, failed red, rebuilding amber blinking, spare blue; dark when the enclosure is off', () => {
    const bay = (state: 'ok' | 'failed' | 'rebuilding' | 'spare' | 'missing') => ({ bay: 1, state, serial: null })
    expect(bayLed(bay('ok'), true)).toEqual({ color: 'green', blink: 'none' })
    expect(bayLed(bay('failed'), true)).toEqual({ color: 'red', blink: 'none' })
    expect(bayLed(bay('rebuilding'), true)).toEqual({ color: 'amber', blink: 'fast' })
    expect(bayLed(bay('spare'), true)).toEqual({ color: 'blue', blink: 'none' })
    expect(bayLed(bay('missing'), true).color).toBe('off')
    expect(bayLed(bay('ok'), false).color).toBe('off')
    expect(bayLed(undefined, false).color).toBe('unknown')
  })

  it('the Areca LCD turns amber while rebuilding and red when an array fails', () => {
    const base = hardwareFor(t, { bays: { 'raid1/2': 'rebuilding' } }).enclosures.find((e) => e.id === 'raid1')!
    expect(lcdLed(base)).toEqual({ color: 'amber', blink: 'slow' })
    expect(lcdLed({ ...base, arrays: base.arrays.map((a) => ({ ...a, state: 'failed' as const })) }).color).toBe('red')
    expect(lcdLed({ ...base, arrays: base.arrays.map((a) => ({ ...a, state: 'optimal' as const })) }).color).toBe('blue')
  })

  it('PDU meters are coloured by load: green under 40 %, amber 40–80 %, red above 80 %', () => {
    expect([loadTone(0), loadTone(39.9), loadTone(40), loadTone(80), loadTone(80.1)]).toEqual(['green', 'green', 'amber', 'amber', 'red'])
    const hw = indexHardware(hardwareFor(t, { amps: { 'nyi-1-pdu-a': 5, 'nyi-1-pdu-b': 12, 'nyi-2-pdu-a': 17.5 }, tripped: ['nyi-3-a'] }))
    const s = sceneState(t, [], hw)
    expect(s.meters.get(key.meter('nyi-1-pdu-a'))).toEqual({ text: '5.0 A', tone: 'green' })
    expect(s.meters.get(key.meter('nyi-1-pdu-b'))).toEqual({ text: '12.0 A', tone: 'amber' })
    expect(s.meters.get(key.meter('nyi-2-pdu-a'))).toEqual({ text: '17.5 A', tone: 'red' })
    expect(s.meters.get(key.meter('nyi-3-pdu-a'))).toEqual({ text: 'off', tone: 'off' })
    expect(s.leds.get(key.breaker('nyi-3-pdu-a'))?.color).toBe('red')
    expect(sceneState(t, [], null).meters.get(key.meter('nyi-1-pdu-a'))?.tone).toBe('off')
  })

  it('pulled PSUs and disks and unplugged cables are hidden; ports of a cabled NIC light with the link', () => {
    const hw = indexHardware(hardwareFor(t, { psus: { 'db1/2': 'pulled', 'web1/1': 'failed' }, bays: { 'raid1/4': 'missing' }, unplugged: ['mx1/ext'] }))
    const s = sceneState(t, [server('db1'), server('mx1')], hw)
    expect([...s.hidden].sort()).toEqual([key.cable('mx1', 'ext'), key.psuModule('db1', 2), key.tray('raid1', 4)].sort())
    expect(s.leds.get(key.psu('web1', 1))?.color).toBe('amber')
    expect(s.leds.get(key.psu('db1', 1))?.color).toBe('green')
    expect(s.leds.get(key.port('sw-int1', 4))).toEqual({ color: 'green', blink: 'flicker' })
    expect(s.leds.get(key.port('sw-ext1', 2))?.color).toBe('off')
  })
})
