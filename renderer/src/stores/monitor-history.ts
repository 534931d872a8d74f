// The monitor's series for the Health charts: monitor.history polled every few seconds while connected, and
// at once when alerts change (an incident is when people look). Series replace, never merge: the engine keeps
// the bounded history, the renderer only shows it.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { HistorySeries } from '@contract/monitor'
import { describeError } from '../client/client-error'
import type { RendererClient } from '../client/types'
import { useAlertsStore } from './alerts'
import { all, whenOpen } from './when-open'

export const HISTORY_POLL_MS = 4000

export const useMonitorHistoryStore = defineStore('monitor-history', () => {
  const series = ref<HistorySeries[]>([])
  const loadError = ref<string | null>(null)
  let inFlight = false

  async function refresh(c: RendererClient): Promise<void> {
    if (inFlight || c.connection.state !== 'open') return // no overlapping polls on a slow engine
    inFlight = true
    try {
      series.value = await c.call('monitor.history')
      loadError.value = null
    } catch (e) {
      loadError.value = describeError(e)
    } finally {
      inFlight = false
    }
  }

  function bind(c: RendererClient): () => void {
    const timer = setInterval(() => void refresh(c), HISTORY_POLL_MS)
    const alerts = useAlertsStore()
    const stopWatch = watch(
      () => alerts.changes,
      () => void refresh(c),
    )
    return all([() => clearInterval(timer), stopWatch, whenOpen(c, () => void refresh(c))])
  }

  return { series, loadError, refresh, bind }
})
