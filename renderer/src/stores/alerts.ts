// The monitor's active alerts: alerts.list on (re)connect, then alerts.changed (which carries every active one).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Alert, AlertsChanged } from '@contract/monitor'
import { describeError } from '../client/client-error'
import type { RendererClient } from '../client/types'
import { all, whenOpen } from './when-open'

export const useAlertsStore = defineStore('alerts', () => {
  const alerts = ref<Alert[]>([])
  /** false when the engine runs no monitor (RACKLAB_MONITOR=0): nothing raises alerts then */
  const monitorRunning = ref<boolean | null>(null)
  const loadError = ref<string | null>(null)
  /** bumped on every alerts.changed, so charts can refresh on an incident without polling faster */
  const changes = ref(0)
  /** bumped on every successful alerts.list, i.e. once per (re)connect: the health board loads its latest then */
  const loads = ref(0)

  /** newest first: the one that began last */
  const newest = computed<Alert | null>(() => alerts.value.reduce<Alert | null>((n, a) => (!n || a.sinceLabMs > n.sinceLabMs ? a : n), null))
  const critical = computed(() => alerts.value.filter((a) => a.severity === 'critical').length)

  function changed(c: AlertsChanged): void {
    alerts.value = c.alerts
    changes.value++
  }

  async function load(c: RendererClient): Promise<void> {
    try {
      const info = await c.call('alerts.list')
      alerts.value = info.alerts
      monitorRunning.value = info.running
      loadError.value = null
      loads.value++
    } catch (e) {
      loadError.value = describeError(e)
    }
  }

  function bind(c: RendererClient): () => void {
    return all([c.on('alerts.changed', changed), whenOpen(c, () => void load(c))])
  }

  return { alerts, monitorRunning, loadError, changes, loads, newest, critical, changed, bind }
})
