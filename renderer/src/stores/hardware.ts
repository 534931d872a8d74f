// The hardware model's picture (LabStatus.hardware), indexed by id, plus a short history of every
// circuit's amps for the circuit panel's chart. Fed by the lab store's snapshots; computes nothing physical.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { useLabStore } from './lab'
import { indexHardware, type HardwareIndex } from './hardware-view'

export interface AmpSample {
  /** lab clock */
  labMs: number
  /** wall clock, for samples whose lab clock did not move */
  at: number
  amps: number
}

/** samples kept per circuit: a few minutes of snapshots */
export const HISTORY_KEEP = 240

export const useHardwareStore = defineStore('hardware', () => {
  const lab = useLabStore()
  const index = computed<HardwareIndex | null>(() => {
    const v = lab.status?.hardware
    return v ? indexHardware(v) : null
  })
  /** circuit id → samples, oldest first */
  const history = ref<Record<string, AmpSample[]>>({})

  function record(ix: HardwareIndex | null): void {
    if (!ix) return
    const now = Date.now()
    for (const c of ix.view.circuits) {
      const list = history.value[c.id] ?? (history.value[c.id] = [])
      const last = list.at(-1)
      if (last && last.labMs === ix.view.labMs && last.amps === c.amps) continue
      list.push({ labMs: ix.view.labMs, at: now, amps: c.amps })
      if (list.length > HISTORY_KEEP) list.splice(0, list.length - HISTORY_KEEP)
    }
  }
  watch(index, record, { immediate: true })

  const running = computed(() => index.value !== null)
  return { index, history, running, record }
})
