// State → what the hardware shows: LED colours and blinks, parts that are physically absent (a pulled PSU or
// disk, an unplugged cable) and PDU meter readouts. Pure: the engine's snapshot in, a picture out. Where the
// engine reports nothing (the hardware model is not running), LEDs say "unknown" rather than guess.
import type { BayStatus, EnclosureStatus } from '@contract/hardware'
import type { ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import type { HardwareIndex } from '../stores/hardware-view'
import { loadTone, type LedState, type LoadTone } from './palette'

export const key = {
  power: (unit: string) => `power:${unit}`,
  status: (unit: string) => `status:${unit}`,
  activity: (unit: string) => `activity:${unit}`,
  psu: (unit: string, index: number) => `psu:${unit}/${index}`,
  psuModule: (unit: string, index: number) => `psu-module:${unit}/${index}`,
  disk: (enc: string, bay: number) => `disk:${enc}/${bay}`,
  tray: (enc: string, bay: number) => `tray:${enc}/${bay}`,
  lcd: (enc: string) => `lcd:${enc}`,
  port: (sw: string, port: number) => `port:${sw}/${port}`,
  nic: (server: string, network: string) => `nic:${server}/${network}`,
  cable: (server: string, network: string) => `cable:${server}/${network}`,
  meter: (pdu: string) => `meter:${pdu}`,
  breaker: (pdu: string) => `breaker:${pdu}`,
}

export interface MeterReading {
  text: string
  tone: LoadTone | 'off'
}

export interface SceneState {
  leds: Map<string, LedState>
  /** part keys whose part is not there */
  hidden: Set<string>
  meters: Map<string, MeterReading>
}

const led = (color: LedState['color'], blink: LedState['blink'] = 'none'): LedState => ({ color, blink })
const OFF = led('off')
const UNKNOWN = led('unknown')

const RUNNING: readonly ServerStatus['state'][] = ['running', 'paused', 'restarting', 'crashed']

/** The front power LED: solid when on, blinking when booting, a slow blink in standby (off but plugged in). */
export function powerLed(s: ServerStatus | undefined, hw: HardwareIndex | null, unitId: string): LedState {
  const unit = hw?.unit.get(unitId)
  if (unit) {
    if (unit.power === 'on') return led('green')
    if (unit.power === 'booting') return led('green', 'fast')
    return unit.housePower || unit.psus.some((p) => p.state === 'ok' && p.input) ? led('green', 'slow') : OFF
  }
  if (!s || s.state === 'absent') return UNKNOWN
  return RUNNING.includes(s.state) ? led('green') : led('green', 'slow')
}

/** The front status LED: the OS and its services, as the engine's health says. */
export function statusLed(s: ServerStatus | undefined): LedState {
  if (!s) return UNKNOWN
  if (s.state === 'crashed') return led('red', 'slow')
  if (s.state !== 'running' && s.state !== 'restarting' && s.state !== 'paused') return OFF
  if (s.state === 'paused') return led('amber')
  switch (s.health) {
    case 'healthy':
      return led('green')
    case 'unhealthy':
      return led('amber', 'slow')
    case 'starting':
      return led('blue', 'slow')
    case 'unknown':
      return led('green')
  }
}

export function bayLed(b: BayStatus | undefined, online: boolean): LedState {
  if (!b || !online) return b ? OFF : UNKNOWN
  switch (b.state) {
    case 'ok':
      return led('green')
    case 'failed':
      return led('red')
    case 'rebuilding':
      return led('amber', 'fast')
    case 'spare':
      return led('blue')
    case 'missing':
    case 'empty':
      return OFF
  }
}

export function lcdLed(e: EnclosureStatus | undefined): LedState {
  if (!e) return UNKNOWN
  if (!e.online) return OFF
  const states = e.arrays.map((a) => a.state)
  if (e.controller === 'failed' || states.includes('failed')) return led('red', 'slow')
  if (states.includes('rebuilding')) return led('amber', 'slow')
  if (states.includes('degraded')) return led('amber')
  return led('blue')
}

export function sceneState(t: Topology, servers: readonly ServerStatus[], hw: HardwareIndex | null): SceneState {
  const leds = new Map<string, LedState>()
  const hidden = new Set<string>()
  const meters = new Map<string, MeterReading>()
  const byId = new Map(servers.map((s) => [s.id, s]))

  for (const rack of t.sites.flatMap((s) => s.racks)) {
    for (const pdu of rack.pdus) {
      const p = hw?.pdu.get(pdu.id)
      const c = hw?.circuit.get(pdu.circuit)
      if (!p || !c) {
        meters.set(key.meter(pdu.id), { text: '– A', tone: 'off' })
        leds.set(key.breaker(pdu.id), UNKNOWN)
      } else {
        const pct = c.ratedAmps > 0 ? (p.amps / c.ratedAmps) * 100 : 0
        meters.set(key.meter(pdu.id), p.live && p.state === 'ok' ? { text: `${p.amps.toFixed(1)} A`, tone: loadTone(pct) } : { text: 'off', tone: 'off' })
        leds.set(key.breaker(pdu.id), c.state === 'tripped' ? led('red') : c.state === 'warning' ? led('amber', 'fast') : c.energized ? led('green') : OFF)
      }
    }
    for (const unit of rack.units) {
      const hu = hw?.unit.get(unit.id)
      // PSUs: one per PDU the topology plugs it into
      unit.power.forEach((_pdu, i) => {
        const p = hu?.psus.find((x) => x.index === i + 1)
        if (!p) return leds.set(key.psu(unit.id, i + 1), UNKNOWN)
        if (p.state === 'pulled') hidden.add(key.psuModule(unit.id, i + 1))
        leds.set(key.psu(unit.id, i + 1), p.state === 'failed' ? led('amber') : p.state === 'ok' && p.input ? led('green') : OFF)
      })
      if (unit.kind === 'server') {
        const s = byId.get(unit.id)
        leds.set(key.power(unit.id), powerLed(s, hw, unit.id))
        leds.set(key.status(unit.id), statusLed(s))
        leds.set(key.activity(unit.id), s?.state === 'running' ? led('green', 'flicker') : OFF)
        for (const nic of unit.nics) {
          const cable = hw?.cable.get(`${unit.id}/${nic.network}`)
          if (cable && !cable.plugged) hidden.add(key.cable(unit.id, nic.network))
          const link = !cable ? UNKNOWN : cable.up ? led('green', 'flicker') : OFF
          leds.set(key.nic(unit.id, nic.network), link)
          if (nic.switch && nic.port) leds.set(key.port(nic.switch, nic.port), link)
        }
      } else if (unit.kind === 'switch') {
        const sw = hw?.switch.get(unit.id)
        leds.set(key.power(unit.id), !sw ? UNKNOWN : sw.state === 'up' ? led('green') : sw.state === 'failed' ? led('amber') : OFF)
        leds.set(key.status(unit.id), !sw ? UNKNOWN : sw.state === 'failed' ? led('amber', 'slow') : sw.state === 'up' ? led('green') : OFF)
      } else if (unit.kind === 'enclosure') {
        const e = hw?.enclosure.get(unit.id)
        leds.set(key.power(unit.id), !e ? UNKNOWN : e.online ? led('green') : OFF)
        leds.set(key.lcd(unit.id), lcdLed(e))
        for (let bay = 1; bay <= unit.bays; bay++) {
          const b = e?.bays.find((x) => x.bay === bay)
          if (b && (b.state === 'missing' || b.state === 'empty')) hidden.add(key.tray(unit.id, bay))
          leds.set(key.disk(unit.id, bay), bayLed(b, e?.online ?? false))
        }
      }
    }
  }
  // a port whose switch is off or failed shows nothing, whatever the server end says
  for (const sw of hw?.view.switches ?? []) {
    if (sw.state === 'up') continue
    for (let p = 1; p <= sw.ports; p++) if (leds.has(key.port(sw.id, p))) leds.set(key.port(sw.id, p), OFF)
  }
  return { leds, hidden, meters }
}
