// What the person is looking at: the selected unit or circuit, the unit under the pointer or keyboard cursor,
// and which server's console and logs are open. Plain ids only; the scene reads them, never the reverse.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Unit } from '@contract/topology'
import { useLabStore } from './lab'

export type Selection = { kind: 'unit'; id: string } | { kind: 'circuit'; id: string; pdu?: string }

export const useSelectionStore = defineStore('selection', () => {
  const lab = useLabStore()
  const selected = ref<Selection | null>(null)
  const hovered = ref<string | null>(null)
  const consoleFor = ref<string | null>(null)
  const logsFor = ref<string | null>(null)

  const units = computed(() => {
    const m = new Map<string, { unit: Unit; rack: string; site: string }>()
    for (const site of lab.topology?.sites ?? []) for (const rack of site.racks) for (const unit of rack.units) m.set(unit.id, { unit, rack: rack.id, site: site.id })
    return m
  })
  const pdus = computed(() => {
    const m = new Map<string, { circuit: string; rack: string }>()
    for (const site of lab.topology?.sites ?? []) for (const rack of site.racks) for (const p of rack.pdus) m.set(p.id, { circuit: p.circuit, rack: rack.id })
    return m
  })
  const selectedUnit = computed(() => (selected.value?.kind === 'unit' ? (units.value.get(selected.value.id)?.unit ?? null) : null))

  /** Selects a unit by id, or a PDU's circuit; unknown ids clear the selection. */
  function select(id: string | null): void {
    if (id === null) {
      selected.value = null
      return
    }
    const pdu = pdus.value.get(id)
    if (pdu) selected.value = { kind: 'circuit', id: pdu.circuit, pdu: id }
    else if (units.value.has(id) || lab.serverById.has(id)) selected.value = { kind: 'unit', id }
    else selected.value = null
  }

  function selectCircuit(id: string): void {
    selected.value = { kind: 'circuit', id }
  }

  /**
   * Selects what an action target or alert names ("kind:id" or "kind:id/sub", as the engine spells them):
   * a circuit, a PDU, or the unit that holds the thing (disk:raid1/3 → raid1, cable:db2/int → db2).
   * Returns false, leaving the selection alone, when nothing on screen stands for it.
   */
  function selectTarget(target: string): boolean {
    const colon = target.indexOf(':')
    const kind = colon > 0 ? target.slice(0, colon) : 'server'
    const id = target.slice(colon + 1)
    if (kind === 'circuit') {
      selectCircuit(id)
      return true
    }
    const unitId = id.split('/')[0] ?? ''
    if (!pdus.value.has(unitId) && !units.value.has(unitId) && !lab.serverById.has(unitId)) return false
    select(unitId)
    return true
  }

  function openConsole(server: string): void {
    consoleFor.value = server
  }
  function openLogs(server: string): void {
    logsFor.value = server
  }

  return { selected, hovered, consoleFor, logsFor, units, pdus, selectedUnit, select, selectCircuit, selectTarget, openConsole, openLogs }
})
