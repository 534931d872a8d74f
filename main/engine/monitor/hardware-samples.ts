// Circuits and arrays as series points, read from the hardware status the lab publishes (no exec, every tick).
import type { HardwareStatus } from '@contract/hardware'

export interface HardwareSample {
  key: string
  source: 'circuit' | 'array'
  target: string
  ok: boolean
  values: Record<string, number>
}

export function hardwareSamples(hw: HardwareStatus): HardwareSample[] {
  const out: HardwareSample[] = []
  for (const c of hw.circuits) {
    const target = `circuit:${c.id}`
    out.push({ key: target, source: 'circuit', target, ok: c.state !== 'tripped' && c.energized, values: { amps: c.amps, ratedAmps: c.ratedAmps, loadPct: c.loadPct, watts: c.watts, tripped: c.state === 'tripped' ? 1 : 0 } })
  }
  for (const e of hw.enclosures)
    for (const a of e.arrays) {
      const target = `array:${e.id}/${a.id}`
      const values: Record<string, number> = { degraded: a.state === 'optimal' ? 0 : 1 }
      if (a.rebuildPct !== null) values.rebuildPct = a.rebuildPct
      out.push({ key: target, source: 'array', target, ok: a.state === 'optimal', values })
    }
  return out
}
