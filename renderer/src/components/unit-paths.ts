// A unit's power and network paths, one line each, for the 3D view's hover tip (issue 14 item 3): where each PSU
// draws from (PDU, its circuit, the breaker's state) and where each NIC is cabled (switch port, link). A pulled
// cable or a tripped circuit reads on its own line.
import type { Unit } from '@contract/topology'
import type { HardwareIndex } from '../stores/hardware-view'

export function unitPaths(unit: Unit, circuitOf: ReadonlyMap<string, { circuit: string }>, hw: HardwareIndex | null): string[] {
  const power = unit.power.map((pdu, i) => {
    const circuit = circuitOf.get(pdu)?.circuit
    const c = circuit ? hw?.circuit.get(circuit) : undefined
    const state = !c ? '' : c.state === 'tripped' ? ' (tripped)' : c.energized ? '' : ' (no utility power)'
    return `PSU ${i + 1} ← ${pdu}${circuit ? ` ← ${circuit}${state}` : ''}`
  })
  if (unit.kind !== 'server') return power
  const network = unit.nics.map((n) => {
    const cable = hw?.cable.get(`${unit.id}/${n.network}`)
    const link = !cable ? '' : !cable.plugged ? ' (unplugged)' : cable.up ? '' : ' (link down)'
    return `${n.network} → ${n.switch ? `${n.switch} port ${n.port}` : 'not on a modelled switch'}${link}`
  })
  return [...power, ...network]
}
