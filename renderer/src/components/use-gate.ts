// One reason, or none, why commands cannot be sent right now; buttons show it as their tooltip.
import { computed } from 'vue'
import type { ComputedRef } from 'vue'
import { useEngineStore } from '../stores/engine'

export function useGate(): ComputedRef<string | null> {
  const engine = useEngineStore()
  return computed(() => {
    if (!engine.connected) return 'not connected to racklab serve'
    if (!engine.status) return 'waiting for the engine status'
    if (engine.status.state !== 'connected') return engine.status.message
    return null
  })
}
