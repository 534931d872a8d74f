// Switches, ports and cables. A server is attached to a network while its cable is plugged and the switch at
// the other end is powered, booted and working. A NIC with no switch is a link the lab does not model.
import type { CableState, HwState, SwitchState } from './state.ts'

export function switchUp(s: HwState, sw: SwitchState): boolean {
  return !sw.failed && s.units.get(sw.id)?.power === 'on'
}

export function linkUp(s: HwState, c: CableState): boolean {
  if (!c.plugged) return false
  if (c.switch === undefined) return true
  const sw = s.switches.get(c.switch)
  return sw !== undefined && switchUp(s, sw)
}

/** network → attached, for one server. */
export function serverNetworks(s: HwState, server: string): Record<string, boolean> {
  const out: Record<string, boolean> = {}
  for (const c of s.cables.values()) if (c.server === server) out[c.network] = linkUp(s, c)
  return out
}

export function portsUsed(s: HwState, sw: SwitchState): number {
  let n = 0
  for (const c of s.cables.values()) if (c.switch === sw.id && c.plugged) n++
  return n
}
