// One line about a unit for the hover tip and the screen-reader announcement: what it is, where, and its state.
import type { ServerStatus } from '@contract/status'
import type { Unit } from '@contract/topology'
import { modelSpec } from '../scene/models'
import type { HardwareIndex } from '../stores/hardware-view'
import { stateLabel } from './present'

export function unitSummary(unit: Unit, rack: string, server: ServerStatus | undefined, hw: HardwareIndex | null): string {
  const spec = modelSpec(unit.model)
  const where = `${rack} U${unit.u}${spec.heightU > 1 ? `–${unit.u + spec.heightU - 1}` : ''}`
  const parts = [`${unit.label ?? unit.id}`, spec.name, where]
  if (unit.kind === 'server') {
    if (server) parts.push(stateLabel(server.state) + (server.state === 'running' && server.health !== 'unknown' ? `, ${server.health}` : ''))
    else parts.push('no status reported')
  } else if (unit.kind === 'enclosure') {
    const e = hw?.enclosure.get(unit.id)
    parts.push(e ? e.arrays.map((a) => `${a.id} ${a.state}${a.rebuildPct !== null ? ` ${a.rebuildPct}%` : ''}`).join(', ') : `attached to ${unit.attachedTo}`)
  } else if (unit.kind === 'switch') {
    const sw = hw?.switch.get(unit.id)
    parts.push(sw ? `switch ${sw.state}` : `network ${unit.network}`)
  }
  return parts.join(' · ')
}
